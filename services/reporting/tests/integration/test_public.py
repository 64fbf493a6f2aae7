"""Issue 18's public disclosure (信息公示), ``GET /public/v1/...`` without a token: what is
listed, and what is not — a licence not in force in the year, an undecided application, a
decision whose submission never arrived, a grant's result before conclusion, a reserve price,
a released or expired listing, an inspection's figures, the application's checks, staff names
and keys.

On PostgreSQL the broker is the session's, shared with other tests: the records here have ids
and names of the test's own, and what is asserted on both runtimes is theirs. The cache is off
here (``public_cache_s=0``) and the rate generous: ``test_public_protection.py`` tests them."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lode_common.cst import cst_today
from lode_common.events.envelope import Envelope
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import BACKENDS, service_on
from lode_reporting.bootstrap import build
from lode_reporting.settings import ReportingSettings
from services.reporting.tests.integration.events import (
    SQUARE,
    api_key_issued,
    at,
    finding,
    grant_announced,
    grant_concluded,
    grant_contracted,
    grant_failed,
    licence,
    plan_published,
    send,
)
from services.reporting.tests.integration.public_events import checked, decided, submitted
from services.reporting.tests.integration.supervision_events import (
    drawn,
    item,
    listed,
    recorded,
    released,
)

OPEN = {
    "stream_poll_s": 30.0,
    "public_cache_s": 0,
    "public_rate_burst": 100_000,
    "public_map_features_max": 2,
}
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
LICENCE_FIELDS = {
    "licence_no",
    "right_type",
    "holder_name",
    "holder_credit_code",
    "mineral",
    "scale",
    "valid_from",
    "valid_to",
    "area_ha",
    "status",
    "illustrative",
}


@pytest.fixture(params=BACKENDS)
async def public_both(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[ServiceUnderTest]:
    async with service_on(
        build, ReportingSettings, request, tmp_path, request.param, **OPEN
    ) as service:
        yield service


@pytest.fixture
async def public(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ServiceUnderTest]:
    async with service_on(build, ReportingSettings, request, tmp_path, "sqlite", **OPEN) as service:
        yield service


def keys(value: Any) -> Iterator[str]:
    """Every key of a JSON document, at any depth."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys(inner)


async def get(service: ServiceUnderTest, path: str, **params: Any) -> Any:
    """A public answer, asked without a token: 200, open to other sites, cacheable."""
    answer = await service.client.get(path, params=params)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["cache-control"].startswith("public, max-age=")
    return answer.json()


def the_county(tag: str) -> tuple[list[Envelope], dict[str, Any]]:
    """Six licences of holders named by ``tag``: L1 in force throughout, L2 expired at the
    end of 2023, L3 revoked in June 2023, L4 revoked in March 2024, L5 without an area, L6
    valid from 2025; applications A1 approved, A2 rejected (decided in the evening UTC: the
    next day in China), A3 undecided, A4 decided without its submission; four grants (G1
    announced, G2 concluded, G3 contracted, G4 failed); lists (a1 listed, a2 released, s1
    serious until 2099, s2 whose term ended in 2020); a draw and an inspection of L1."""
    rng = random.Random(tag)

    def number(prefix: str = "C") -> str:
        return prefix + "".join(rng.choice("0123456789") for _ in range(22))

    def credit() -> str:
        return "91130881" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(10))

    n = {k: number("T" if k == "L2" else "C") for k in ("L1", "L2", "L3", "L4", "L5", "L6")}
    holder = {k: {"name": f"平泉{tag}矿业{k}有限公司", "credit_code": credit()} for k in n}
    ids = {k: f"{k}-{tag}" for k in ("A1", "A2", "A3", "A4", "G1", "G2", "G3", "G4")}
    ids |= {k: f"{k}-{tag}" for k in ("a1", "a2", "s1", "s2", "d1", "i1")}
    lists = {k: credit() for k in ("a1", "a2", "s1", "s2")}
    issued_at = at(2018, 1, 1)

    def issued(key: str, **fields: Any) -> Envelope:
        return licence(n[key], holder=holder[key], time=issued_at, **fields)

    def revoked(key: str, when: datetime) -> Envelope:
        return licence(
            n[key], "revoked", status="revoked", holder=holder[key], valid_to=date(2030, 1, 1),
            time=when,
        )  # fmt: skip

    evening = datetime(2024, 5, 10, 17, 30, tzinfo=UTC)  # 2024-05-11 01:30 in China
    a1, a2, a3, a4 = ids["A1"], ids["A2"], ids["A3"], ids["A4"]
    events = [
        issued("L1"),
        issued(
            "L2", right_type="exploration", valid_from=date(2020, 1, 1), valid_to=date(2023, 12, 31)
        ),
        issued("L3", valid_to=date(2030, 1, 1)),
        revoked("L3", at(2023, 6, 1)),
        issued("L4", valid_to=date(2030, 1, 1)),
        revoked("L4", at(2024, 3, 1)),
        issued("L5", area=None),
        issued("L6", valid_from=date(2025, 1, 1), valid_to=date(2035, 1, 1)),
        submitted(a1, at=at(2024, 4, 1), name=holder["L1"]["name"], credit_code=credit()),
        checked(a1, at=at(2024, 4, 2)),
        decided(a1, "approved", at=at(2024, 5, 2), reason="内部备注：同意", licence_no=n["L1"]),
        submitted(a2, at=at(2024, 4, 3), kind="renewal", licence_no=n["L3"], credit_code=credit()),
        checked(a2, at=at(2024, 4, 4)),
        decided(a2, "rejected", at=evening, reason="申请范围与禁止开采区重叠"),
        submitted(a3, at=at(2024, 4, 5), credit_code=credit()),
        decided(a4, "approved", at=at(2024, 5, 3)),
        grant_announced(ids["G1"], starting="800"),
        grant_announced(ids["G2"]),
        grant_concluded(ids["G2"], price="1500"),
        grant_announced(ids["G3"]),
        grant_concluded(ids["G3"], price="2100"),
        grant_contracted(ids["G3"], price="2100"),
        grant_announced(ids["G4"]),
        grant_failed(ids["G4"], reason="reserve_not_reached", bidders=2),
        listed(ids["a1"], lists["a1"], on=date(2024, 7, 10)),
        listed(ids["a2"], lists["a2"], on=date(2024, 2, 1)),
        released(ids["a2"], lists["a2"], on=date(2024, 3, 1)),
        listed(
            ids["s1"],
            lists["s1"],
            on=date(2024, 9, 1),
            kind="serious_violation",
            until=date(2099, 1, 1),
        ),
        listed(
            ids["s2"],
            lists["s2"],
            on=date(2017, 9, 1),
            kind="serious_violation",
            until=date(2020, 9, 1),
        ),
        drawn(ids["d1"], [n["L1"], n["L4"], n["L5"]], [n["L1"]], on=date(2024, 3, 1)),
        recorded(
            ids["i1"],
            n["L1"],
            holder["L1"]["credit_code"],
            on=date(2024, 4, 1),
            items=[
                item("output", filed=30.0, found=42.5),
                item("mining_recovery", False, false_filing=True, filed=92.0, found=85.0),
            ],
            draw_id=ids["d1"],
            finding_id=f"f-{tag}",
        ),
        finding(f"f-{tag}", n["L1"], "closed"),  # closed_by an inspector, by name
    ]
    return events, {"n": n, "holder": holder, "ids": ids, "lists": lists}


async def test_the_public_sees_what_is_public_and_nothing_else(
    public_both: ServiceUnderTest,
) -> None:
    service = public_both
    tag = uuid.uuid4().hex[:10]
    events, names = the_county(tag)
    n, ids = names["n"], names["ids"]
    key_event, key = api_key_issued(names["holder"]["L1"]["credit_code"])
    taken = [e for e in events if not e.type.endswith(".application.checked.v1")]
    # the checks, which reporting does not take, go first: each decision follows its own
    await send(service, plan_published(), *(e for e in events if e not in taken), expect_new=1)
    await send(service, *taken)
    await send(service, key_event, expect_new=0)
    bodies: list[Any] = []

    # licences in force in 2024: L1, L4 (revoked in March), L5; not L2, L3 nor L6
    listed_2024 = await get(service, "/public/v1/licences", year=2024, q=tag)
    bodies.append(listed_2024)
    assert [i["licence_no"] for i in listed_2024["items"]] == sorted([n["L1"], n["L4"], n["L5"]])
    assert (listed_2024["total"], listed_2024["limit"], listed_2024["offset"]) == (3, 50, 0)
    first = next(i for i in listed_2024["items"] if i["licence_no"] == n["L1"])
    assert set(first) == LICENCE_FIELDS
    assert (first["status"], first["illustrative"], first["right_type"]) == (
        "active",
        True,
        "mining",
    )
    assert first["holder_name"] == names["holder"]["L1"]["name"]
    assert 93.5 < first["area_ha"] < 93.6  # 0.01° × 0.01° at 40.9°N: 1.112 km × 0.841 km
    statuses = {i["licence_no"]: (i["status"], i["area_ha"]) for i in listed_2024["items"]}
    assert statuses[n["L4"]][0] == "revoked"  # in force on a day of 2024, revoked now
    assert statuses[n["L5"]][1] is None
    listed_2023 = await get(service, "/public/v1/licences", year=2023, q=tag.upper())
    assert listed_2023["total"] == 5  # L1–L5
    assert {i["licence_no"] for i in listed_2023["items"]} == {n[k] for k in n} - {n["L6"]}
    paged = await get(service, "/public/v1/licences", year=2023, q=tag, limit=2, offset=4)
    assert [i["licence_no"] for i in paged["items"]] == sorted(n[k] for k in n if k != "L6")[4:]
    only = await get(service, "/public/v1/licences", year=2023, q=tag, right_type="exploration")
    assert [i["licence_no"] for i in only["items"]] == [n["L2"]]
    nothing = await get(service, "/public/v1/licences", year=2023, q="%", mineral="铁矿")
    assert nothing["total"] == 0  # the wildcard is a character, not a pattern

    # the map: the same licences with an area, as GeoJSON features (at most 2 here)
    answer = await service.client.get("/public/v1/licences/map", params={"year": 2024, "q": tag})
    assert answer.headers["content-type"].startswith("application/geo+json")
    drawn_map = answer.json()
    bodies.append(drawn_map)
    assert (drawn_map["type"], drawn_map["total"], drawn_map["truncated"]) == (
        "FeatureCollection",
        2,
        False,
    )
    assert [f["id"] for f in drawn_map["features"]] == sorted([n["L1"], n["L4"]])
    assert drawn_map["features"][0]["geometry"] == SQUARE
    assert set(drawn_map["features"][0]["properties"]) == LICENCE_FIELDS
    crowded = await get(service, "/public/v1/licences/map", year=2023, q=tag)
    assert (crowded["total"], crowded["truncated"], len(crowded["features"])) == (4, True, 2)

    # decisions: A1 approved, A2 rejected with its reason; not A3 (undecided), not A4
    decisions = await get(
        service, "/public/v1/decisions", **{"from": "2024-05-01", "to": "2024-05-31"}, limit=200
    )
    bodies.append(decisions)
    mine = {d["application_id"]: d for d in decisions["items"] if d["application_id"].endswith(tag)}
    assert set(mine) == {ids["A1"], ids["A2"]}
    assert mine[ids["A1"]] == {
        "application_id": ids["A1"],
        "applicant_name": names["holder"]["L1"]["name"],
        "applicant_credit_code": mine[ids["A1"]]["applicant_credit_code"],
        "kind": "new",
        "right_type": "mining",
        "mineral": "铁矿",
        "decision": "approved",
        "decided_on": "2024-05-02",
        "licence_no": n["L1"],
        "reason": None,  # an approval's note is not published
    }
    rejected = mine[ids["A2"]]
    assert (rejected["decided_on"], rejected["kind"], rejected["licence_no"]) == (
        "2024-05-11",  # decided at 17:30 UTC: the 11th in China
        "renewal",
        None,
    )
    assert rejected["reason"] == "申请范围与禁止开采区重叠"
    order = [d["decided_on"] for d in decisions["items"]]
    assert order == sorted(order, reverse=True)
    only_rejected = await get(
        service, "/public/v1/decisions", decision="rejected", **{"from": "2024-05-11"}
    )
    assert ids["A2"] in {d["application_id"] for d in only_rejected["items"]}
    assert all(d["decision"] == "rejected" for d in only_rejected["items"])
    before = await get(service, "/public/v1/decisions", **{"to": "2024-05-10"}, limit=200)
    assert ids["A2"] not in {d["application_id"] for d in before["items"]}

    # grants: the result only once concluded; never a reserve price
    grants = await get(service, "/public/v1/grants", year=2024, limit=200)
    bodies.append(grants)
    by_id = {g["grant_id"]: g for g in grants["items"] if g["grant_id"].endswith(tag)}
    assert {k: g["status"] for k, g in by_id.items()} == {
        ids["G1"]: "announced",
        ids["G2"]: "concluded",
        ids["G3"]: "contracted",
        ids["G4"]: "failed",
    }
    announced = by_id[ids["G1"]]
    assert announced["starting_price_cny_10k"] == 800
    assert (announced["winner_name"], announced["price_cny_10k"]) == (None, None)
    concluded = by_id[ids["G2"]]
    assert (concluded["winner_name"], concluded["price_cny_10k"]) == ("承德示意矿业有限公司", 1500)
    assert concluded["publicity_until"] == "2024-04-11"
    assert (by_id[ids["G3"]]["signed_on"], by_id[ids["G3"]]["price_cny_10k"]) == (
        "2024-05-01",
        2100,
    )
    assert (by_id[ids["G4"]]["failed_reason"], by_id[ids["G4"]]["winner_name"]) == (
        "reserve_not_reached",
        None,
    )
    failed_only = await get(service, "/public/v1/grants", year=2024, status="failed", limit=200)
    assert {g["status"] for g in failed_only["items"]} == {"failed"}

    # the lists: a1 and s1 stand; a2 was released, s2's term ended
    on_lists = await get(service, "/public/v1/abnormal-list", limit=200)
    bodies.append(on_lists)
    codes = {names["lists"][k]: k for k in ("a1", "a2", "s1", "s2")}
    standing = {codes[i["credit_code"]]: i for i in on_lists["items"] if i["credit_code"] in codes}
    assert set(standing) == {"a1", "s1"}
    assert standing["a1"] == {
        "credit_code": names["lists"]["a1"],
        "name": f"示意矿业 {names['lists']['a1'][-4:]}",
        "list": "abnormal",
        "list_zh": "异常名录",
        "reason": "年度报告逾期未报",
        "listed_on": "2024-07-10",
        "until": None,
    }
    serious = await get(service, "/public/v1/abnormal-list", list="serious_violation", limit=200)
    assert names["lists"]["s1"] in {i["credit_code"] for i in serious["items"]}
    assert {i["list"] for i in serious["items"]} == {"serious_violation"}

    # inspections: the draw with what redraws it; results without figures or inspectors
    inspections = await get(service, "/public/v1/inspections", year=2024, limit=200)
    bodies.append(inspections)
    draw = next(d for d in inspections["draws"] if d["draw_id"] == ids["d1"])
    assert draw == {
        "draw_id": ids["d1"],
        "year": 2024,
        "drawn_on": "2024-03-01",
        "ratio_pct": 40,
        "algorithm": "sha256-rank-v1",
        "seed": f"seed-{ids['d1']}",
        "population_size": 3,
        "population": [n["L1"], n["L4"], n["L5"]],
        "drawn": [n["L1"]],
    }
    result = next(r for r in inspections["results"]["items"] if r["licence_no"] == n["L1"])
    assert result == {
        "licence_no": n["L1"],
        "holder_name": result["holder_name"],
        "credit_code": names["holder"]["L1"]["credit_code"],
        "inspected_on": "2024-04-01",
        "result": "non_compliant",
        "draw_id": ids["d1"],
        "items": [
            {"item": "output", "item_zh": "产量", "ok": True},
            {"item": "mining_recovery", "item_zh": "开采回采率", "ok": False},
        ],
    }
    compliant = await get(service, "/public/v1/inspections", year=2024, result="compliant")
    assert n["L1"] not in {r["licence_no"] for r in compliant["results"]["items"]}

    bodies.append(await get(service, "/public/v1/summary"))
    every_key = {k for body in bodies for k in keys(body)}
    assert not {k for k in every_key if "reserve" in k.lower()}
    for hidden in ("filed", "found", "false_filing", "finding_id", "checks", "verdict", "actor"):
        assert hidden not in every_key
    text = "\n".join(str(body) for body in bodies)
    for secret in (
        "内部审查意见",  # a check's message
        "forbidden-zone-overlap",  # a check's rule
        "内部备注",  # an approval's note
        "inspector",  # a finding was closed by inspector-1; no inspector is named
        key,
        key_event.data["key_sha256"],
        key_event.data["prefix"],
    ):
        assert secret not in text, secret


async def test_every_invalid_request_is_a_422_naming_its_parameter(
    public: ServiceUnderTest,
) -> None:
    await send(public, plan_published())
    this_year = cst_today().year
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("/public/v1/licences", {"year": 2020}, "year"),  # before the plan period
        ("/public/v1/licences", {"year": this_year + 1}, "year"),
        ("/public/v1/licences", {"year": "20x4"}, "year"),
        ("/public/v1/licences", {"limit": 0}, "limit"),
        ("/public/v1/licences", {"limit": 201}, "limit"),
        ("/public/v1/licences", {"offset": -1}, "offset"),
        ("/public/v1/licences", {"q": "\u202e矿业"}, "q"),
        ("/public/v1/licences", {"q": "x" * 301}, "q"),
        ("/public/v1/licences", {"mineral": "铁\x1b矿"}, "mineral"),
        ("/public/v1/licences", {"right_type": "oil"}, "right_type"),
        ("/public/v1/licences/map", {"year": 1800}, "year"),
        ("/public/v1/decisions", {"from": "2024-06-01", "to": "2024-05-01"}, "to"),
        ("/public/v1/decisions", {"from": "2024-02-30"}, "from"),
        ("/public/v1/decisions", {"decision": "pending"}, "decision"),
        ("/public/v1/grants", {"status": "secret"}, "status"),
        ("/public/v1/grants", {"year": 2019}, "year"),
        ("/public/v1/abnormal-list", {"list": "blacklist"}, "list"),
        ("/public/v1/inspections", {"result": "maybe"}, "result"),
        ("/public/v1/inspections", {"year": this_year + 1}, "year"),
    ]
    for path, params, field in cases:
        answer = await public.client.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        named = [e["field"].removeprefix("query.") for e in answer.json()["errors"]]
        assert field in named, (path, params, named)
    refused = await public.client.get("/public/v1/grants", params={"year": 2020})
    assert "年度 2020 不在规划实施年度" in refused.json()["detail"]


async def test_the_summary_counts_this_year_and_says_how_current_it_is(
    public: ServiceUnderTest,
) -> None:
    service = public
    empty = await get(service, "/public/v1/summary")
    this_year = cst_today().year
    assert (empty["year"], empty["plan"], empty["as_of"]) == (this_year, None, None)
    assert empty["years"] == {"first": this_year, "last": this_year}  # no plan yet
    no_plan = await service.client.get("/public/v1/licences", params={"year": 2024})
    assert no_plan.status_code == 422  # before the plan arrives: this year only

    now = datetime.now(UTC)
    today = cst_today()
    explorer: dict[str, Any] = {"right_type": "exploration", "valid_from": date(2020, 1, 1)}
    events = [
        plan_published(),
        licence("C" + "1" * 22, valid_to=date(this_year + 5, 1, 1), time=now),
        licence("T" + "2" * 22, valid_to=date(this_year + 5, 1, 1), time=now, **explorer),
        licence("C" + "3" * 22, valid_to=date(this_year - 1, 12, 31), time=now),  # ended
        submitted("s-1", at=now - timedelta(days=3)),
        decided("s-1", "approved", at=now - timedelta(days=2), licence_no="C" + "1" * 22),
        submitted("s-2", at=now - timedelta(days=60)),
        decided("s-2", "rejected", at=now - timedelta(days=45), reason="材料不全"),
        grant_announced("g-1", year=this_year, on=today - timedelta(days=1)),
        grant_announced("g-2", year=this_year, on=today - timedelta(days=1)),
        grant_concluded("g-2", year=this_year, on=today),
        listed("l-1", "91130881MA0A0000X1", on=today - timedelta(days=1)),
        drawn("d-1", ["C" + "1" * 22], ["C" + "1" * 22], year=this_year, on=today),
    ]
    await send(service, *events)
    summary = await get(service, "/public/v1/summary")
    assert summary["plan"] == {
        "plan_id": "pingquan-2021-2025",
        "title_zh": summary["plan"]["title_zh"],
        "title_en": summary["plan"]["title_en"],
        "period": [2021, 2025],
    }
    assert "平泉" in summary["plan"]["title_zh"]
    assert summary["years"] == {"first": 2021, "last": max(2025, this_year)}
    assert summary["licences"] == {"exploration": 1, "mining": 1, "total": 2}
    assert summary["decisions"] == {
        "since": (today - timedelta(days=29)).isoformat(),
        "approved": 1,
        "rejected": 0,  # decided 45 days ago
        "total": 1,
    }
    assert summary["grants"] == {
        "announced": 1,
        "concluded": 1,
        "failed": 0,
        "contracted": 0,
        "total": 2,
    }
    assert summary["listed"] == {"abnormal": 1, "serious_violation": 0}
    assert summary["inspections"] == {"draws": 1, "inspections": 0}
    assert summary["as_of"] is not None


async def test_rejection_reasons_stay_unpublished_where_the_bureau_says_so(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async with service_on(
        build,
        ReportingSettings,
        request,
        tmp_path,
        "sqlite",
        **OPEN,
        public_rejection_reasons=False,
    ) as service:
        await send(
            service,
            submitted("r-1", at=at(2024, 3, 1)),
            decided("r-1", "rejected", at=at(2024, 3, 20), reason="申请范围与生态保护红线重叠"),
        )
        body = await get(service, "/public/v1/decisions")
    assert [(d["application_id"], d["decision"], d["reason"]) for d in body["items"]] == [
        ("r-1", "rejected", None)
    ]


async def test_the_public_routes_are_in_the_openapi_document_under_public(
    public: ServiceUnderTest,
) -> None:
    document = (await public.client.get("/reporting/openapi.json")).json()
    public_paths = {path for path in document["paths"] if path.startswith("/public/v1/")}
    assert public_paths == {
        "/public/v1/licences",
        "/public/v1/licences/map",
        "/public/v1/decisions",
        "/public/v1/grants",
        "/public/v1/abnormal-list",
        "/public/v1/inspections",
        "/public/v1/summary",
    }
    for path in public_paths:
        operation = document["paths"][path]["get"]
        assert operation["tags"] == ["public"], path
        assert {"304", "429", "503"} <= set(operation["responses"]), path


HOSTILE = [
    "447572218761",
    "9" * 4301,
    "-1",
    "1e3",
    "NaN",
    "二〇二四",
    "x" * 10_000,
    "矿业\x00",
    "矿业\u202e",
    "../../etc/passwd",
    "",
]


async def test_no_hostile_parameter_is_a_5xx_and_a_refusal_names_it(
    public: ServiceUnderTest,
) -> None:
    await send(public, plan_published())
    document = (await public.client.get("/reporting/openapi.json")).json()
    checked = 0
    for path, operations in document["paths"].items():
        if not path.startswith("/public/v1/"):
            continue
        for parameter in operations["get"].get("parameters", []):
            name = parameter["name"]
            for value in HOSTILE:
                answer = await public.client.get(path, params={name: value})
                what = (path, name, value[:30], answer.text[:200])
                assert answer.status_code in (200, 422), what
                if answer.status_code == 422:
                    assert answer.headers["content-type"] == "application/problem+json", what
                    fields = [e["field"].split(".")[-1] for e in answer.json()["errors"]]
                    assert name in fields or ("\x00" in value and "url" in fields), what
                checked += 1
    assert checked > 150
