"""Issue 12 on monitoring's routes: bounded, strictly typed bodies; exploration results need
an exploration licence of their mineral; a key for another enterprise's report or licence
is refused first and told nothing of it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from lode_common.events.catalog import Holder, LicenceIssued
from lode_common.limits import LABEL_MAX, NAME_MAX, PRODUCTS_PER_REPORT_MAX, TEXT_MAX
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.adapters.tables import ExplorationResult, ProjectProgress

from .test_reports import IRON, A, post, publish, ready, report

pytestmark = pytest.mark.timeout(120)
MOLYBDENUM_T = "T1308812022017120000077"
UNKNOWN_C = "C1308812022017120099999"


async def _rows(m: ServiceUnderTest, table: Any) -> int:
    async with m.runtime.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def _reports(m: ServiceUnderTest) -> int:
    listed = await m.client.get("/monitoring/v1/reports", headers=m.auth("viewer"))
    return int(listed.json()["total"])


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in response.json().get("errors") or []]


# --- output reports: every stored string and number bounded, strictly typed ------------------

PRODUCT = {"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 9.2}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"products": [PRODUCT] * 10_000}, "products"),
        ({"products": [PRODUCT] * (PRODUCTS_PER_REPORT_MAX + 1)}, "products"),
        ({"products": [{**PRODUCT, "name": "粉" * 1_000_000}]}, "products[0].name"),
        ({"products": [{**PRODUCT, "name": "粉" * (LABEL_MAX + 1)}]}, "products[0].name"),
        ({"products": [{**PRODUCT, "name": "铁精粉\u0000"}]}, "products[0].name"),
        ({"products": [{**PRODUCT, "name": "\u202e粉精铁"}]}, "products[0].name"),
        ({"ore_mined_10kt": 1e308}, "ore_mined_10kt"),
        ({"ore_mined_10kt": 1_000_001}, "ore_mined_10kt"),
        ({"disturbed_area_ha": 2e6}, "disturbed_area_ha"),
        ({"output_value_cny_10k": 1e12}, "output_value_cny_10k"),
        ({"ore_mined_10kt": 28.0000001}, "ore_mined_10kt"),
        ({"ore_mined_10kt": "28"}, "ore_mined_10kt"),
        ({"mining_recovery_pct": "91"}, "mining_recovery_pct"),
        ({"mining_recovery_pct": True}, "mining_recovery_pct"),
        ({"year": "2023"}, "year"),
        ({"year": 2023.0}, "year"),
        ({"period": "annual\u202e"}, "period"),
        ({"green": True}, "green"),
    ],
    ids=lambda value: None,
)
async def test_nonsense_in_a_report_is_422_naming_the_field_and_stores_nothing(
    monitoring: ServiceUnderTest, changes: dict[str, Any], field: str
) -> None:
    m = monitoring
    keys = await ready(m)
    r = await post(m, keys["a"], report(**changes))
    assert r.status_code == 422, r.text[:500]
    assert field in _fields(r), r.text[:500]
    assert len(r.content) < 5000, "the answer does not echo the body"
    assert await _reports(m) == 0


async def test_a_correction_is_bounded_and_strict_and_stores_nothing_bad(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    first = (await post(m, keys["a"], report())).json()
    url = f"/monitoring/v1/reports/{first['id']}"
    mine = {"Authorization": keys["a"]}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"reason": "笔" * (TEXT_MAX + 1), "ore_mined_10kt": 27.0}, "reason"),
        ({"reason": "笔误\u0000", "ore_mined_10kt": 27.0}, "reason"),
        ({"reason": "笔误", "ore_mined_10kt": "27"}, "ore_mined_10kt"),
        ({"reason": "笔误", "ore_mined_10kt": 1e308}, "ore_mined_10kt"),
        ({"reason": "笔误", "products": [PRODUCT] * 10_000}, "products"),
        ({"reason": "笔误", "ore": 27.0}, "ore"),
        ({"reason": "笔误", "year": "2023"}, "year"),
    ]
    for body, field in cases:
        r = await m.client.put(url, json=body, headers=mine)
        assert r.status_code == 422, r.text[:500]
        assert field in _fields(r), (field, r.text[:500])
    versions = (await m.client.get(url, headers=mine)).json()["versions"]
    assert [v["version"] for v in versions] == [1]
    ok = await m.client.put(
        url, json={"reason": "复核更正\n见附件", "ore_mined_10kt": 27.5}, headers=mine
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["version"] == 2


# --- ownership first, naming nothing ---------------------------------------------------------


async def test_a_correction_of_another_enterprises_report_is_403_whatever_the_body(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    first = (await post(m, keys["a"], report())).json()
    url = f"/monitoring/v1/reports/{first['id']}"
    theirs = {"Authorization": keys["b"]}
    bodies: list[bytes] = [
        b'{"reason": "\xe6\x9b\xb4\xe6\xad\xa3", "ore_mined_10kt": 1}',
        b"{not json",
        b"[]",
        b"{}",
        b'{"reason": 5, "year": "x", "ore_mined_10kt": -1}',
    ]
    for raw in bodies:
        r = await m.client.put(
            url, content=raw, headers={**theirs, "Content-Type": "application/json"}
        )
        assert r.status_code == 403, (raw, r.text)
        for theirs_only in (IRON, A, "示意铁矿"):
            assert theirs_only not in r.text, r.text
    missing = await m.client.put(
        "/monitoring/v1/reports/00000000-0000-0000-0000-000000000000",
        json={"reason": "更正"},
        headers=theirs,
    )
    assert missing.status_code == 404
    versions = (await m.client.get(url, headers={"Authorization": keys["a"]})).json()["versions"]
    assert [v["version"] for v in versions] == [1]


async def test_a_key_cannot_tell_anothers_licence_from_no_licence(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    keys = await ready(m)
    anothers = await post(m, keys["b"], report())
    nobodys = await post(m, keys["b"], report(licence_no=UNKNOWN_C))
    assert anothers.status_code == nobodys.status_code == 403
    assert anothers.json()["detail"] == nobodys.json()["detail"]
    assert IRON not in anothers.text
    assert A not in anothers.text
    assert await _reports(m) == 0
    staff = await post(m, m.auth("inspector")["Authorization"], report(licence_no=UNKNOWN_C))
    assert staff.status_code == 422
    assert _fields(staff) == ["licence_no"]


# --- exploration results: an exploration licence of that mineral -----------------------------


async def _molybdenum_exploration_licence(m: ServiceUnderTest) -> None:
    await publish(
        m,
        "lode.licensing",
        MOLYBDENUM_T,
        LicenceIssued(
            licence_no=MOLYBDENUM_T,
            right_type="exploration",
            holder=Holder(name="示意勘查单位", credit_code=A),
            mineral="钼矿",
            valid_from=date(2022, 1, 1),
            valid_to=date(2027, 1, 1),
            status="active",
        ),
    )

    async def replicated() -> bool:
        r = await m.client.get(f"/monitoring/v1/mines/{MOLYBDENUM_T}", headers=m.auth("viewer"))
        return r.status_code == 200

    await eventually(replicated, timeout_s=20, what=f"the replica of {MOLYBDENUM_T}")


def _result(**changes: Any) -> dict[str, Any]:
    return {
        "licence_no": MOLYBDENUM_T,
        "year": 2023,
        "mineral": "钼矿",
        "new_resources_ore_10kt": 120,
        **changes,
    }


async def test_an_exploration_result_needs_an_exploration_licence_of_its_mineral(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    await _molybdenum_exploration_licence(m)
    staff = m.auth("inspector")
    url = "/monitoring/v1/exploration-results"
    on_iron_mine = await m.client.post(url, json=_result(licence_no=IRON), headers=staff)
    assert on_iron_mine.status_code == 422, on_iron_mine.text
    assert _fields(on_iron_mine) == ["licence_no"]
    assert "探矿权" in on_iron_mine.json()["errors"][0]["message"]
    iron_on_molybdenum = await m.client.post(url, json=_result(mineral="铁矿"), headers=staff)
    assert iron_on_molybdenum.status_code == 422
    assert _fields(iron_on_molybdenum) == ["mineral"]
    unknown = await m.client.post(
        url, json=_result(licence_no="T1308812022017120099999"), headers=staff
    )
    assert unknown.status_code == 422
    assert _fields(unknown) == ["licence_no"]
    assert await _rows(m, ExplorationResult) == 0
    by_staff = await m.client.post(url, json=_result(), headers=staff)
    assert by_staff.status_code == 201, by_staff.text
    by_holder = await m.client.post(
        url, json=_result(year=2024, mineral="molybdenum"), headers={"Authorization": keys["a"]}
    )
    assert by_holder.status_code == 201, by_holder.text
    assert await _rows(m, ExplorationResult) == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"year": "2023"}, "year"),
        ({"new_resources_ore_10kt": "120"}, "new_resources_ore_10kt"),
        ({"new_resources_ore_10kt": 1e308}, "new_resources_ore_10kt"),
        ({"mineral": "钼矿" * 100_000}, "mineral"),
        ({"mineral": "钼\u0000矿"}, "mineral"),
        ({"resources": 1}, "resources"),
    ],
    ids=lambda value: None,
)
async def test_nonsense_in_an_exploration_result_is_422_and_stores_nothing(
    monitoring: ServiceUnderTest, changes: dict[str, Any], field: str
) -> None:
    m = monitoring
    await ready(m)
    r = await m.client.post(
        "/monitoring/v1/exploration-results",
        json=_result(licence_no=None, **changes),
        headers=m.auth("inspector"),
    )
    assert r.status_code == 422, r.text[:500]
    assert field in _fields(r)
    assert len(r.content) < 5000
    assert await _rows(m, ExplorationResult) == 0


# --- project progress ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "body", "field"),
    [
        ("abandoned_mine_restoration", {"restored_area_ha": 1, "site": "迹" * 1_000_000}, "site"),
        (
            "abandoned_mine_restoration",
            {"restored_area_ha": 1, "site": "迹" * (NAME_MAX + 1)},
            "site",
        ),
        ("abandoned_mine_restoration", {"restored_area_ha": 1, "site": "迹地\u202e"}, "site"),
        (
            "abandoned_mine_restoration",
            {"restored_area_ha": "1", "site": "迹地"},
            "restored_area_ha",
        ),
        (
            "abandoned_mine_restoration",
            {"restored_area_ha": 1e308, "site": "迹地"},
            "restored_area_ha",
        ),
        ("geochem_survey", {"completed_sheets": "2"}, "completed_sheets"),
        ("geochem_survey", {"completed_sheets": 2**40}, "completed_sheets"),
        ("geochem_survey", {"completed_sheets": 2, "year": "2022"}, "year"),
        ("geochem_survey", {"completed_sheets": 2, "notes": "x"}, "notes"),
    ],
    ids=lambda value: None,
)
async def test_nonsense_in_project_progress_is_422_and_stores_nothing(
    monitoring: ServiceUnderTest, project: str, body: dict[str, Any], field: str
) -> None:
    m = monitoring
    await ready(m)
    r = await m.client.post(
        f"/monitoring/v1/projects/{project}/progress",
        json={"year": 2022, **body},
        headers=m.auth("planner"),
    )
    assert r.status_code == 422, r.text[:500]
    assert field in _fields(r)
    assert len(r.content) < 5000
    listed = await m.client.get(
        f"/monitoring/v1/projects/{project}/progress", headers=m.auth("viewer")
    )
    assert listed.json()["total"] == 0
    assert await _rows(m, ProjectProgress) == 0


# --- closing a finding -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "已整改\u0000"}, "note"),
        ({"note": "已整改\u202e"}, "note"),
        ({"note": "改" * (TEXT_MAX + 1)}, "note"),
        ({"note": 12345}, "note"),
        ({"note": "现场核查已整改", "closed": True}, "closed"),
    ],
    ids=lambda value: None,
)
async def test_a_finding_closed_with_a_bad_note_stays_open(
    monitoring: ServiceUnderTest, body: dict[str, Any], field: str
) -> None:
    m = monitoring
    keys = await ready(m)
    await post(m, keys["a"], report(mining_recovery_pct=60))
    inspector = m.auth("inspector")
    (finding,) = (
        await m.client.get("/monitoring/v1/findings?status=open", headers=inspector)
    ).json()["items"]
    r = await m.client.post(
        f"/monitoring/v1/findings/{finding['id']}/close", json=body, headers=inspector
    )
    assert r.status_code == 422, r.text[:500]
    assert field in _fields(r), r.text[:500]
    still = (await m.client.get("/monitoring/v1/findings?status=open", headers=inspector)).json()
    assert still["total"] == 1
