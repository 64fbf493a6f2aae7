"""Mines replicated from licensing's events, and the API keys mines report with."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import (
    Holder,
    LicenceCancelled,
    LicenceIssued,
    LicenceSuspended,
    LicenceTransferred,
)
from lode_common.messaging.transport import Message
from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

pytestmark = pytest.mark.timeout(120)
A = "91130881MA0A000007"
B = with_check_character("91130881MA0B00002")
NUMBER = "C1308812022017120000031"


def state(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "licence_no": NUMBER,
        "right_type": "mining",
        "holder": Holder(name="平泉市示意铁矿业有限公司", credit_code=A),
        "mineral": "铁矿",
        "mining_method": "underground",
        "capacity": {"value": 30, "unit": "万吨/年"},
        "scale": "medium",
        "valid_from": date(2022, 1, 1),
        "valid_to": date(2042, 1, 1),
        "status": "active",
    }
    return {**base, **changes}


async def send(service: ServiceUnderTest, payload: Any) -> None:
    envelope = payload.envelope(NUMBER)
    await service.transport.publish([Message("lode.licensing", NUMBER, envelope.to_json())])


async def mine(service: ServiceUnderTest) -> dict[str, Any] | None:
    r = await service.client.get(f"/monitoring/v1/mines/{NUMBER}", headers=service.auth("viewer"))
    return r.json() if r.status_code == 200 else None


async def test_the_mine_replica_follows_issue_transfer_suspension_and_cancellation(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    await send(m, LicenceIssued(**state()))

    async def issued() -> bool:
        found = await mine(m)
        return found is not None and found["status"] == "active"

    await eventually(issued, what="the issued licence in the replica")
    await send(
        m,
        LicenceTransferred(
            **state(holder=Holder(name="受让示意公司", credit_code=B)),
            from_holder=Holder(name="x", credit_code=A),
            to_holder=Holder(name="受让示意公司", credit_code=B),
        ),
    )

    async def transferred() -> bool:
        found = await mine(m)
        return found is not None and found["holder"]["credit_code"] == B

    await eventually(transferred, what="the transfer in the replica")
    await send(
        m,
        LicenceSuspended(
            **state(holder=Holder(name="受让示意公司", credit_code=B), status="suspended"),
            reason="停产整顿",
        ),
    )
    await send(
        m,
        LicenceCancelled(
            **state(holder=Holder(name="受让示意公司", credit_code=B), status="cancelled"),
            reason="注销",
        ),
    )

    async def cancelled() -> bool:
        found = await mine(m)
        return found is not None and found["status"] == "cancelled"

    await eventually(cancelled, what="the cancellation in the replica")
    found = await mine(m)
    assert found is not None
    assert [h["status"] for h in found["status_history"]] == ["active", "suspended", "cancelled"]
    assert found["status_history"][0]["from"] == "2022-01-01"
    assert found["capacity"] == {"value": 30, "unit": "万吨/年"}


async def test_keys_are_issued_once_listed_by_prefix_and_revoked(
    monitoring: ServiceUnderTest,
) -> None:
    m = monitoring
    admin = m.auth("admin-token")
    issued = await m.client.post(
        f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin, json={"label": "年报系统"}
    )
    assert issued.status_code == 201, issued.text
    key = issued.json()["key"]
    assert key.startswith("lode_" + issued.json()["prefix"])
    listed = (await m.client.get(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()
    assert listed["total"] == 1
    assert "key" not in listed["items"][0]
    assert key not in str(listed)
    as_mine = {"Authorization": f"Bearer {key}"}
    own = await m.client.get("/monitoring/v1/mines", headers=as_mine)
    assert own.status_code == 200
    used = (await m.client.get(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()[
        "items"
    ][0]
    assert used["last_used_at"] is not None
    revoked = await m.client.delete(
        f"/monitoring/v1/enterprises/{A}/api-keys/{issued.json()['id']}", headers=admin
    )
    assert revoked.json()["active"] is False
    after = await m.client.get("/monitoring/v1/mines", headers=as_mine)
    assert after.status_code == 401
    assert (
        await m.client.get("/monitoring/v1/mines", headers={"Authorization": f"Bearer {key}x"})
    ).status_code == 401


async def test_a_key_sees_only_its_enterprises_mines(monitoring: ServiceUnderTest) -> None:
    m = monitoring
    await send(m, LicenceIssued(**state()))

    async def known() -> bool:
        return await mine(m) is not None

    await eventually(known, what="the mines in the replica")
    admin = m.auth("admin-token")
    key_a = (await m.client.post(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()[
        "key"
    ]
    key_b = (await m.client.post(f"/monitoring/v1/enterprises/{B}/api-keys", headers=admin)).json()[
        "key"
    ]
    a = {"Authorization": f"Bearer {key_a}"}
    b = {"Authorization": f"Bearer {key_b}"}
    assert (await m.client.get(f"/monitoring/v1/mines/{NUMBER}", headers=a)).status_code == 200
    assert (await m.client.get(f"/monitoring/v1/mines/{NUMBER}", headers=b)).status_code == 403
    assert (await m.client.get("/monitoring/v1/mines", headers=b)).json()["total"] == 0


@pytest.mark.parametrize("role", ["viewer", "planner", "inspector", "licensing_officer", "mine"])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/monitoring/v1/enterprises/{A}/api-keys"),
        ("GET", f"/monitoring/v1/enterprises/{A}/api-keys"),
        ("DELETE", f"/monitoring/v1/enterprises/{A}/api-keys/some-id"),
    ],
)
async def test_only_an_admin_manages_keys(
    monitoring: ServiceUnderTest, role: str, method: str, path: str
) -> None:
    r = await monitoring.client.request(method, path, headers=monitoring.auth(role, enterprise=A))
    assert r.status_code == 403, r.text
    assert "admin" in r.json()["detail"]


async def test_a_malformed_credit_code_is_422(monitoring: ServiceUnderTest) -> None:
    r = await monitoring.client.post(
        "/monitoring/v1/enterprises/91130881MA0A000008/api-keys",
        headers=monitoring.auth("admin-token"),
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "credit_code"


__all__ = ["httpx"]


@pytest.mark.parametrize(
    "body",
    [
        {"label": "年报\x00系统"},
        {"label": "年报\u202e系统"},
        {"label": "x" * 201},
        {"label": 5},
        {"label": "年报系统", "expires": "never"},
    ],
)
async def test_a_key_with_a_nonsense_label_is_not_issued(
    monitoring: ServiceUnderTest, body: dict[str, Any]
) -> None:
    m = monitoring
    admin = m.auth("admin-token")
    answer = await m.client.post(
        f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin, json=body
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert {e["field"].split(".")[-1] for e in answer.json()["errors"]} & {"label", "expires"}
    listed = (await m.client.get(f"/monitoring/v1/enterprises/{A}/api-keys", headers=admin)).json()
    assert listed["total"] == 0
