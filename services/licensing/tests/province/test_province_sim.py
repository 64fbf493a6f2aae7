"""The province platform simulator over real HTTP: decisions, signed callbacks, faults."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from lode.doubles.province_sim import ProvinceSimulator, SimPolicy, create_sim_app
from lode_licensing.adapters.province_client import (
    ProvinceClient,
    ProvinceRefused,
    ProvinceUnavailable,
)
from lode_licensing.domain.errors import SignatureRejected
from lode_licensing.domain.licence import add_years, cst_today
from lode_licensing.domain.province import forward_idempotency_key, verify_signature

from .servers import SECRET, Callback, Receiver, serve

LICENCE_NO = re.compile(r"^[CT][0-9]{22}$")
ONE_DAY = timedelta(days=1)
DECISION_FIELDS = {"application_id", "decision", "licence_no", "valid_from", "valid_to", "reason"}


@dataclass
class Exchange:
    """A running simulator, a running receiver standing in for Lode, and a client."""

    sim_url: str
    sim: ProvinceSimulator
    receiver: Receiver
    callback_url: str
    client: ProvinceClient
    http: httpx.AsyncClient

    def payload(
        self,
        application_id: str = "app-1",
        *,
        right_type: str = "mining",
        checks: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        return {
            "application_id": application_id,
            "right_type": right_type,
            "kind": "new",
            "applicant": {"name": "平泉市某矿业有限公司", "credit_code": "91130881MA0A000007"},
            "mineral": "铁矿" if right_type == "mining" else "金矿",
            "area": {"geometry": {"type": "Point", "coordinates": [118.7, 41.0]}},
            "checks": [check("mining_mineral_policy"), check("ecological_red_line")]
            if checks is None
            else checks,
            "callback_url": self.callback_url,
            **extra,
        }

    async def forward(self, payload: dict[str, Any], attempt: int = 1) -> str | None:
        key = forward_idempotency_key(str(payload["application_id"]), attempt)
        return (await self.client.submit(payload, idempotency_key=key)).reference

    async def decisions(self, count: int) -> list[dict[str, Any]]:
        """The first ``count`` callbacks once they arrived, each checked to be signed right."""
        await self.receiver.wait_for(count)
        return [verified(call) for call in self.receiver.calls[:count]]


def check(rule_id: str, outcome: str = "pass") -> dict[str, Any]:
    return {"rule_id": rule_id, "outcome": outcome, "message": "...", "clause": "专栏4"}


def verified(call: Callback) -> dict[str, Any]:
    verify_signature(
        secret=SECRET,
        timestamp_header=call.timestamp,
        signature_header=call.signature,
        raw_body=call.raw,
        now=time.time(),
    )
    assert call.content_type == "application/json"
    body: dict[str, Any] = json.loads(call.raw)
    assert set(body) == DECISION_FIELDS
    return body


@asynccontextmanager
async def exchange(
    policy: SimPolicy | None = None, *, receiver: Receiver | None = None, **sim_options: Any
) -> AsyncIterator[Exchange]:
    receiver = receiver or Receiver()
    app = create_sim_app(
        secret=SECRET,
        policy=policy or SimPolicy(),
        callback_delay_s=sim_options.pop("callback_delay_s", 0.01),
        callback_backoff_s=sim_options.pop("callback_backoff_s", 0.02),
        **sim_options,
    )
    async with (
        serve(receiver.app()) as receiver_url,
        serve(app) as sim_url,
        httpx.AsyncClient(base_url=sim_url) as http,
    ):
        client = ProvinceClient(sim_url, timeout_s=5)
        callback_url = f"{receiver_url}/licensing/v1/province/decisions"
        try:
            yield Exchange(sim_url, app.state.simulator, receiver, callback_url, client, http)
        finally:
            await client.aclose()


def today_cst() -> date:
    return cst_today(datetime.now(UTC))


# --- approve and reject ----------------------------------------------------------------------
async def test_approval_is_called_back_signed_with_a_mining_licence_number() -> None:
    async with exchange() as ex:
        reference = await ex.forward(ex.payload(checks=[check("a"), check("b", "warn")]))
        [decision] = await ex.decisions(1)
        record = (await ex.http.get(f"/applications/{reference}")).json()
    assert reference is not None
    assert reference.startswith("SIM-")
    assert decision["application_id"] == "app-1"
    assert decision["decision"] == "approved"
    licence_no = decision["licence_no"]
    assert LICENCE_NO.fullmatch(licence_no)
    assert licence_no.startswith("C130881")
    valid_from = date.fromisoformat(decision["valid_from"])
    assert valid_from == today_cst()
    assert licence_no[7:11] == f"{valid_from.year:04d}"
    assert date.fromisoformat(decision["valid_to"]) == add_years(valid_from, 10) - ONE_DAY
    assert record["decision"] == decision
    assert record["callback"]["state"] == "delivered"
    assert [d["status_code"] for d in record["callback"]["deliveries"]] == [200]


async def test_exploration_approval_gets_a_t_number_and_five_years() -> None:
    async with exchange() as ex:
        await ex.forward(ex.payload("exp-9", right_type="exploration"))
        [decision] = await ex.decisions(1)
    assert decision["decision"] == "approved"
    assert LICENCE_NO.fullmatch(decision["licence_no"])
    assert decision["licence_no"].startswith("T130881")
    valid_from = date.fromisoformat(decision["valid_from"])
    assert date.fromisoformat(decision["valid_to"]) == add_years(valid_from, 5) - ONE_DAY


@pytest.mark.parametrize(("scale", "years"), [("large", 30), ("medium", 20), ("small", 10)])
async def test_a_mining_term_follows_the_scale(scale: str, years: int) -> None:
    async with exchange() as ex:
        await ex.forward(ex.payload(scale=scale))
        [decision] = await ex.decisions(1)
    valid_from = date.fromisoformat(decision["valid_from"])
    assert date.fromisoformat(decision["valid_to"]) == add_years(valid_from, years) - ONE_DAY


async def test_a_review_accepted_check_is_approved() -> None:
    async with exchange() as ex:
        checks = [check("mining_mineral_policy"), check("outside_blocks", "review")]
        await ex.forward(ex.payload(checks=checks))
        [decision] = await ex.decisions(1)
    assert decision["decision"] == "approved"


async def test_rejection_names_the_failing_rules_and_issues_nothing() -> None:
    checks = [
        check("mining_mineral_policy"),
        check("ecological_red_line", "fail"),
        check("scale_minimum", "warn"),
        check("licence_overlap", "fail"),
    ]
    async with exchange() as ex:
        await ex.forward(ex.payload(checks=checks))
        [decision] = await ex.decisions(1)
    assert decision["decision"] == "rejected"
    assert decision["licence_no"] is None
    assert decision["valid_from"] is None
    assert decision["valid_to"] is None
    assert "ecological_red_line" in decision["reason"]
    assert "licence_overlap" in decision["reason"]
    assert "mining_mineral_policy" not in decision["reason"]
    assert "scale_minimum" not in decision["reason"]


async def test_always_overrides_the_checks() -> None:
    async with exchange(SimPolicy(always="reject")) as ex:
        await ex.forward(ex.payload())
        [rejected] = await ex.decisions(1)
    async with exchange(SimPolicy(always="approve")) as ex:
        await ex.forward(ex.payload(checks=[check("ecological_red_line", "fail")]))
        [approved] = await ex.decisions(1)
    assert rejected["decision"] == "rejected"
    assert "always=reject" in rejected["reason"]
    assert approved["decision"] == "approved"
    assert LICENCE_NO.fullmatch(approved["licence_no"])


async def test_every_approval_gets_its_own_number() -> None:
    async with exchange() as ex:
        for n in range(3):
            await ex.forward(ex.payload(f"app-{n}"))
        await ex.forward(ex.payload("app-0"), attempt=2)  # a second forward of app-0
        decisions = await ex.decisions(4)
    numbers = [d["licence_no"] for d in decisions]
    assert len(set(numbers)) == 4
    assert all(LICENCE_NO.fullmatch(n) for n in numbers)


async def test_a_renewal_keeps_the_licence_number() -> None:
    async with exchange() as ex:
        payload = ex.payload(kind="renewal", licence_no="C1308812021017120000001")
        await ex.forward(payload)
        [decision] = await ex.decisions(1)
    assert decision["licence_no"] == "C1308812021017120000001"


# --- idempotency and faults ------------------------------------------------------------------
async def test_the_same_key_twice_gives_one_decision_and_the_same_reference() -> None:
    async with exchange() as ex:
        payload = ex.payload()
        first = await ex.forward(payload)
        second = await ex.forward(payload)
        headers = {"Idempotency-Key": forward_idempotency_key("app-1", 1)}
        raw = await ex.http.post("/applications", json=payload, headers=headers)
        await ex.sim.drain()
        listing = (await ex.http.get("/applications")).json()
    assert first == second == raw.json()["reference"]
    assert raw.status_code == 202
    assert raw.headers["Idempotent-Replayed"] == "true"
    assert len(ex.receiver.calls) == 1
    assert listing["total"] == 1


async def test_the_same_key_with_another_body_is_409() -> None:
    async with exchange() as ex:
        await ex.forward(ex.payload())
        with pytest.raises(ProvinceRefused) as caught:
            await ex.forward(ex.payload(mineral="砂金"))
    assert caught.value.status == 409


async def test_fail_first_n_answers_500_then_202() -> None:
    async with exchange(SimPolicy(fail_first_n=2)) as ex:
        payload = ex.payload()
        for _ in range(2):
            with pytest.raises(ProvinceUnavailable) as caught:
                await ex.forward(payload)
            assert caught.value.status_code == 500
        reference = await ex.forward(payload)
        [decision] = await ex.decisions(1)
    assert reference is not None
    assert decision["decision"] == "approved"


async def test_duplicate_callbacks_come_twice_with_different_timestamps_and_signatures() -> None:
    async with exchange(SimPolicy(duplicate_callbacks=True)) as ex:
        await ex.forward(ex.payload())
        first, second = await ex.decisions(2)
        await ex.sim.drain()
    one, two = ex.receiver.calls
    assert first == second
    assert one.raw == two.raw
    assert one.timestamp != two.timestamp
    assert one.signature != two.signature
    assert len(ex.receiver.calls) == 2


async def test_a_callback_answered_503_is_retried_and_signed_again() -> None:
    async with exchange(receiver=Receiver(fail_first=2)) as ex:
        reference = await ex.forward(ex.payload())
        decisions = await ex.decisions(3)
        await ex.sim.drain()
        record = (await ex.http.get("/applications/app-1")).json()
    assert decisions[0] == decisions[1] == decisions[2]
    stamps = [int(call.timestamp or 0) for call in ex.receiver.calls]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 3, "each attempt carries a new timestamp"
    assert len({call.signature for call in ex.receiver.calls}) == 3
    assert record["reference"] == reference
    assert record["callback"]["state"] == "delivered"
    assert [d["status_code"] for d in record["callback"]["deliveries"]] == [503, 503, 200]


async def test_a_callback_that_never_succeeds_is_given_up_after_the_attempts() -> None:
    receiver = Receiver(fail_first=100)
    async with exchange(receiver=receiver, callback_attempts=3) as ex:
        await ex.forward(ex.payload())
        await receiver.wait_for(3)
        await ex.sim.drain()
        record = (await ex.http.get("/applications/app-1")).json()
    assert len(receiver.calls) == 3
    assert record["callback"]["state"] == "failed"


async def test_a_signature_made_with_another_secret_does_not_verify() -> None:
    async with exchange() as ex:
        await ex.forward(ex.payload())
        await ex.decisions(1)
    call = ex.receiver.calls[0]
    with pytest.raises(SignatureRejected):
        verify_signature(
            secret="another-secret-0123456789abcdef-0123456789",
            timestamp_header=call.timestamp,
            signature_header=call.signature,
            raw_body=call.raw,
            now=time.time(),
        )


async def test_slow_s_makes_the_client_time_out_and_the_retry_finds_the_same_answer() -> None:
    async with exchange(SimPolicy(slow_s=0.5)) as ex:
        payload = ex.payload()
        key = forward_idempotency_key("app-1", 1)
        async with ProvinceClient(ex.sim_url, timeout_s=0.1) as impatient:
            with pytest.raises(ProvinceUnavailable):
                await impatient.submit(payload, idempotency_key=key)
        receipt = await ex.client.submit(payload, idempotency_key=key)
        await ex.decisions(1)
        await ex.sim.drain()
    assert receipt.reference == "SIM-000001"
    assert len(ex.receiver.calls) == 1


# --- the simulator's own HTTP surface --------------------------------------------------------
async def test_invalid_forwards_are_refused() -> None:
    async with exchange() as ex:
        no_key = await ex.http.post("/applications", json=ex.payload())
        invalid = await ex.http.post(
            "/applications",
            json={"application_id": "x", "right_type": "quarry", "callback_url": "ftp://x"},
            headers={"Idempotency-Key": "k"},
        )
        missing = await ex.http.get("/applications/nope")
        health = await ex.http.get("/health")
    assert no_key.status_code == 400
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in invalid.json()["errors"]} == {"right_type", "callback_url"}
    assert missing.status_code == 404
    assert health.json() == {"status": "ok"}
