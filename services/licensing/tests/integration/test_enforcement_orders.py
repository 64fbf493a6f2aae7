"""Enforcement from monitoring's supervision (监督检查, issue 17) as licensing carries it out:
an overdue rectification order (整改逾期) on the enforcement list, the suspension that cites
it, the order verified done; and an applicant on a supervision list (异常名录) refused by
``applicant_standing`` until released. Monitoring's events are published through the bus as
monitoring would, on both runtimes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import (
    EnterpriseListed,
    EnterpriseReleased,
    RectificationOrdered,
    RectificationOverdue,
    RectificationVerified,
)
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_licensing.adapters.tables import EnterpriseListing, RectificationOrder

from .builders import HOLDER, HOLDER_NAME, block, checks, issue, mining, submit, with_grant
from .conftest import System
from .grant_builders import field_errors, publish

pytestmark = pytest.mark.timeout(180)
NUMBER = "C1308812026017120000081"
OFFICER = "licensing_officer"


def order_facts(order_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "licence_no": NUMBER,
        "credit_code": HOLDER,
        "holder_name": HOLDER_NAME,
        "finding_ids": ["F-3-rates"],
        "requirement": "三率指标达标并提交整改报告",
        "ordered_on": date(2026, 9, 1),
        "due": date(2026, 10, 31),
        **extra,
    }


async def enforcement(lic: ServiceUnderTest, **params: Any) -> dict[str, Any]:
    r = await lic.client.get("/licensing/v1/enforcement", headers=lic.auth("viewer"), params=params)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def suspend(lic: ServiceUnderTest, order_id: str | None) -> httpx.Response:
    body = {"reason": "逾期未整改，暂扣许可证", "order_id": order_id}
    return await lic.client.post(
        f"/licensing/v1/licences/{NUMBER}/suspend", headers=lic.auth(OFFICER), json=body
    )


async def order_status(lic: ServiceUnderTest, order_id: str) -> str | None:
    async with lic.runtime.sessions() as session:
        row = await session.get(RectificationOrder, order_id)
        return row.status if row else None


async def test_an_overdue_order_is_listed_cited_by_a_suspension_and_resolved_when_done(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    await issue(lic, NUMBER)
    tag = uuid.uuid4().hex[:8]
    overdue_id, in_time_id = f"R-{tag}-1", f"R-{tag}-2"
    await publish(lic, NUMBER, RectificationOrdered(**order_facts(overdue_id)))

    async def stored(order_id: str, status: str) -> None:
        assert await order_status(lic, order_id) == status

    await eventually(lambda: stored(overdue_id, "ordered"), what="the order to reach licensing")
    assert (await enforcement(lic, kind="order"))["items"] == []
    # an order not overdue cannot be cited: 422 naming order_id, nothing changed
    assert "尚未逾期" in field_errors(await suspend(lic, overdue_id))["order_id"]

    await publish(
        lic, NUMBER, RectificationOverdue(**order_facts(overdue_id), overdue_on=date(2026, 11, 1))
    )
    # an older event delivered again never moves the order back; the next order shows it landed
    await publish(lic, NUMBER, RectificationOrdered(**order_facts(overdue_id)))
    await publish(lic, NUMBER, RectificationOrdered(**order_facts(in_time_id)))
    await eventually(lambda: stored(in_time_id, "ordered"), what="the second order")
    assert await order_status(lic, overdue_id) == "overdue"

    listed = await enforcement(lic, kind="order")
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["kind"] == "order"
    assert (item["id"], item["licence_no"], item["status"]) == (overdue_id, NUMBER, "open")
    assert (item["mineral"], item["holder"]["credit_code"]) == ("铁矿", HOLDER)
    assert (item["ordered_on"], item["due"], item["overdue_on"]) == (
        "2026-09-01",
        "2026-10-31",
        "2026-11-01",
    )
    assert item["finding_ids"] == ["F-3-rates"]
    assert item["allowed_actions"] == ["suspend", "revoke"]
    assert item["action"] is None
    assert (await enforcement(lic))["items"] == [item]  # the one list, both kinds
    assert (await enforcement(lic, kind="conflict"))["total"] == 0

    # wrong citations: 422 naming order_id, the licence untouched
    assert "R-nowhere" in field_errors(await suspend(lic, "R-nowhere"))["order_id"]
    assert "尚未逾期" in field_errors(await suspend(lic, in_time_id))["order_id"]
    resumed = await lic.client.post(
        f"/licensing/v1/licences/{NUMBER}/resume",
        headers=lic.auth(OFFICER),
        json={"reason": "恢复", "order_id": overdue_id},
    )
    assert "order_id" in field_errors(resumed)
    licence = await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    assert licence.json()["status"] == "active"

    r = await suspend(lic, overdue_id)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "suspended"
    history = (
        await lic.client.get(f"/licensing/v1/licences/{NUMBER}", headers=lic.auth("viewer"))
    ).json()["history"]
    assert history[-1]["action"] == "suspended"
    assert overdue_id in history[-1]["note"]
    suspended = [e for e in await lic.published() if e.type.endswith("licence.suspended.v1")]
    assert [e.data["order_id"] for e in suspended] == [overdue_id]
    [item] = (await enforcement(lic, kind="order"))["items"]
    assert item["action"]["action"] == "suspend"
    assert item["action"]["on"]
    assert item["allowed_actions"] == ["revoke"]

    verified = RectificationVerified(
        **order_facts(overdue_id), outcome="done", verified_on=date(2026, 11, 20)
    )
    await publish(lic, NUMBER, verified)
    await eventually(lambda: stored(overdue_id, "done"), what="the verification")
    assert (await enforcement(lic, kind="order"))["items"] == []
    [item] = (await enforcement(lic, kind="order", status="resolved"))["items"]
    assert (item["status"], item["resolved_on"]) == ("resolved", "2026-11-20")
    assert "整改经核查已完成" in item["reason"]
    assert item["allowed_actions"] == []
    assert item["action"]["action"] == "suspend"  # what was done stays shown
    # an overdue order verified done can no longer be cited
    assert (
        "已整改完成"
        in field_errors(
            await lic.client.post(
                f"/licensing/v1/licences/{NUMBER}/revoke",
                headers=lic.auth(OFFICER),
                json={"reason": "吊销", "order_id": overdue_id},
            )
        )["order_id"]
    )


async def test_a_listed_applicant_fails_applicant_standing_until_released(
    system_both: System,
) -> None:
    lic = system_both.licensing
    await block(system_both.zoning)
    tag = uuid.uuid4().hex[:5].upper()  # hex digits: all of the credit code's character set
    code = with_check_character(f"91130881MA0R{tag}")
    listing_id = f"L-{tag}"
    name = "示意名录矿业有限公司"
    listed = EnterpriseListed(
        listing_id=listing_id,
        credit_code=code,
        name=name,
        list="abnormal",
        reason="未按期公示年度信息",
        listed_on=date(2026, 7, 1),
    )
    await publish(lic, code, listed)

    async def replica(status: str) -> None:
        async with lic.runtime.sessions() as session:
            row = (
                await session.execute(
                    select(EnterpriseListing).where(EnterpriseListing.listing_id == listing_id)
                )
            ).scalar_one_or_none()
            assert row is not None
            assert row.status == status

    await eventually(lambda: replica("listed"), what="the listing to reach licensing")
    body = await with_grant(lic, mining(applicant={"name": name, "credit_code": code}))
    r = await submit(lic, body)
    assert r.status_code == 201, r.text
    view = r.json()
    standing = checks(view)["applicant_standing"]
    assert (view["status"], view["verdict"], standing["outcome"]) == (
        "checked",
        "ineligible",
        "fail",
    )
    for cited in ("异常名录", "未按期公示年度信息", "2026-07-01", listing_id):
        assert cited in standing["message"]
    assert "自然资源部令第13号" in standing["clause"]

    released = EnterpriseReleased(
        listing_id=listing_id,
        credit_code=code,
        name=name,
        list="abnormal",
        reason="已补报公示 (remedied)",
        released_on=date(2026, 8, 1),
    )
    await publish(lic, code, released)

    async def rechecked() -> dict[str, Any]:
        got = await lic.client.get(
            f"/licensing/v1/applications/{view['id']}", headers=lic.auth(OFFICER)
        )
        answer: dict[str, Any] = got.json()
        assert checks(answer)["applicant_standing"]["outcome"] == "pass"
        return answer

    after = await eventually(rechecked, what="the application re-read after the release")
    assert after["verdict"] == "eligible"
    assert after["status"] == "checked"
    assert after["steps"][-1]["action"] == "recheck(eligible)"
    assert "移出名录" in after["steps"][-1]["note"]
    checked = [e for e in await lic.published() if e.type.endswith("application.checked.v1")]
    assert [e.data["verdict"] for e in checked if e.data["application_id"] == view["id"]] == [
        "ineligible",
        "eligible",
    ]
