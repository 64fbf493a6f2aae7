"""``GET /licensing/v1/applications`` filtered on the server, as the officers' queue needs:
by kind, right type, mineral, verdict, text (``q``) and what an officer may do next
(``awaiting``, read from the workflow table), the total counting what the filters keep;
and ``GET /licensing/v1/grants`` by method and right type."""

from __future__ import annotations

from typing import Any

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_licensing.api.application_filters import awaiting_states

from .builders import (
    HOLDER,
    INSIDE,
    OTHER,
    block,
    grant,
    granted,
    mining,
    problem,
    square,
    submit,
)
from .conftest import System

pytestmark = pytest.mark.timeout(180)
LIST = "/licensing/v1/applications"
OTHER_NAME = "承德示意钼业有限公司"


async def listed(lic: ServiceUnderTest, **params: str) -> tuple[set[str], int]:
    r = await lic.client.get(LIST, params=params, headers=lic.auth("licensing_officer"))
    assert r.status_code == 200, r.text
    return {a["id"] for a in r.json()["items"]}, r.json()["total"]


async def submitted(lic: ServiceUnderTest, body: dict[str, Any]) -> dict[str, Any]:
    r = await submit(lic, body)
    assert r.status_code == 201, r.text
    view: dict[str, Any] = r.json()
    return view


def test_the_queue_is_read_from_the_workflow_table() -> None:
    assert awaiting_states("review") == [("checked", "needs_review")]
    assert awaiting_states("forward") == [("checked", "eligible"), ("reviewed", None)]
    assert awaiting_states("decision") == [
        ("checked", "eligible"),
        ("checked", "ineligible"),
        ("reviewed", None),
    ]


async def test_applications_are_filtered_on_the_server(system_both: System) -> None:
    lic = system_both.licensing
    officer = lic.auth("licensing_officer")
    await block(system_both.zoning)
    eligible = await submitted(lic, await granted(lic))
    needs_review = await submitted(lic, mining())
    to_review = await submitted(lic, mining())
    ineligible = await submitted(lic, mining(capacity={"value": 8, "unit": "万吨/年"}))
    exploration = await submitted(
        lic,
        {
            "right_type": "exploration",
            "kind": "new",
            "applicant": {"name": OTHER_NAME, "credit_code": OTHER},
            "mineral": "钼矿",
            "area": {"geometry": square(INSIDE[0] + 0.3, INSIDE[1] + 0.1, 0.01)},
        },
    )
    assert (eligible["verdict"], needs_review["verdict"], ineligible["verdict"]) == (
        "eligible",
        "needs_review",
        "ineligible",
    )
    reviewed = await lic.client.post(
        f"{LIST}/{to_review['id']}/review",
        headers=officer,
        json={"outcome": "accept", "reason": "出让依据已核实"},
    )
    assert reviewed.json()["status"] == "reviewed", reviewed.text
    withdrawn = await lic.client.post(
        f"{LIST}/{exploration['id']}/withdraw", headers=officer, json={"reason": "申请人撤回"}
    )
    assert withdrawn.json()["status"] == "withdrawn", withdrawn.text
    every = {a["id"] for a in (eligible, needs_review, to_review, ineligible, exploration)}
    assert await listed(lic) == (every, 5)

    assert await listed(lic, awaiting="review") == ({needs_review["id"]}, 1)
    assert await listed(lic, awaiting="forward") == ({eligible["id"], to_review["id"]}, 2)
    assert await listed(lic, awaiting="decision") == (
        {eligible["id"], to_review["id"], ineligible["id"]},
        3,
    )
    assert await listed(lic, verdict="ineligible") == ({ineligible["id"]}, 1)
    assert await listed(lic, right_type="exploration") == ({exploration["id"]}, 1)
    assert await listed(lic, kind="new", right_type="mining") == (every - {exploration["id"]}, 4)
    assert await listed(lic, kind="transfer") == (set(), 0)
    assert await listed(lic, mineral="钼矿") == ({exploration["id"]}, 1)
    assert await listed(lic, q="钼业") == ({exploration["id"]}, 1)
    assert await listed(lic, q=OTHER[9:16].lower()) == ({exploration["id"]}, 1)  # either case
    assert await listed(lic, q=HOLDER) == (every - {exploration["id"]}, 4)
    assert await listed(lic, q=ineligible["id"][:13]) == ({ineligible["id"]}, 1)
    assert await listed(lic, q="%") == (set(), 0)  # a wildcard is a character here
    assert await listed(lic, q="示意", status="withdrawn") == ({exploration["id"]}, 1)
    ids, total = await listed(lic, awaiting="decision", limit="1")
    assert (len(ids), total) == (1, 3)  # the total is the filter's, not the page's

    mine = lic.auth("mine", enterprise=OTHER)
    own = await lic.client.get(LIST, params={"q": "示意"}, headers=mine)
    assert [a["id"] for a in own.json()["items"]] == [exploration["id"]]
    assert own.json()["total"] == 1  # a key sees its own, filters or not


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"awaiting": "lunch"}, "query.awaiting"),
        ({"kind": "gift"}, "query.kind"),
        ({"right_type": "fishing"}, "query.right_type"),
        ({"verdict": "maybe"}, "query.verdict"),
        ({"q": "示意\u202e"}, "q"),
        ({"q": "x" * 301}, "query.q"),
        ({"mineral": "铁\x1b矿"}, "mineral"),
        ({"mineral": "x" * 61}, "query.mineral"),
    ],
)
async def test_a_bad_application_filter_is_422_naming_it(
    system_both: System, params: dict[str, str], field: str
) -> None:
    lic = system_both.licensing
    r = await lic.client.get(LIST, params=params, headers=lic.auth("licensing_officer"))
    assert problem(r, 422)["errors"][0]["field"] == field


async def test_grants_are_filtered_by_method_and_right_type(system_both: System) -> None:
    lic = system_both.licensing
    mining_grant = await grant(lic, status="draft")
    exploration_grant = await grant(lic, status="draft", right_type="exploration", mineral="钼矿")
    viewer = lic.auth("viewer")

    async def grants(**params: str) -> tuple[set[str], int]:
        r = await lic.client.get("/licensing/v1/grants", params=params, headers=viewer)
        assert r.status_code == 200, r.text
        return {g["id"] for g in r.json()["items"]}, r.json()["total"]

    assert await grants(method="listing") == ({mining_grant, exploration_grant}, 2)
    assert await grants(method="auction") == (set(), 0)
    assert await grants(right_type="exploration") == ({exploration_grant}, 1)
    assert await grants(right_type="mining", mineral="铁矿", year="2026") == ({mining_grant}, 1)
    for params, field in (
        ({"method": "lottery"}, "query.method"),
        ({"right_type": "fishing"}, "query.right_type"),
        ({"mineral": "铁\x1b矿"}, "mineral"),
    ):
        r = await lic.client.get("/licensing/v1/grants", params=params, headers=viewer)
        assert problem(r, 422)["errors"][0]["field"] == field
