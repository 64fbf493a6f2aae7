"""ProvinceClient against a real local HTTP server: how each answer maps to the tree."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
import pytest

from lode_common.testing.services import free_port
from lode_licensing.adapters.province_client import (
    BACKOFF_CAP_S,
    ProvinceClient,
    ProvinceReceipt,
    ProvinceRefused,
    ProvinceUnavailable,
    backoff_s,
    parse_retry_after,
    retry_delay_s,
)

from .servers import Answer, ScriptedPlatform, serve

PAYLOAD = {
    "application_id": "app-1",
    "right_type": "mining",
    "kind": "new",
    "applicant": {"name": "平泉市某矿业有限公司", "credit_code": "91130881MA0A000007"},
    "mineral": "铁矿",
    "checks": [],
    "callback_url": "http://127.0.0.1:1/licensing/v1/province/decisions",
}


@pytest.fixture
async def platform() -> AsyncIterator[tuple[ScriptedPlatform, str]]:
    scripted = ScriptedPlatform()
    async with serve(scripted.app()) as url:
        yield scripted, url
        scripted.stop.set()


async def submit(url: str, *, timeout_s: float = 5) -> ProvinceReceipt:
    async with ProvinceClient(url, timeout_s=timeout_s) as client:
        return await client.submit(PAYLOAD, idempotency_key="key-1")


async def test_2xx_gives_a_receipt_with_the_reference(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(202, {"reference": "HB-2025-7"}))
    receipt = await submit(url)
    assert receipt == ProvinceReceipt("HB-2025-7", 202, {"reference": "HB-2025-7"})
    [seen] = scripted.seen
    assert seen.path == "/applications"
    assert seen.headers["idempotency-key"] == "key-1"
    assert seen.headers["content-type"] == "application/json"
    assert json.loads(seen.body) == PAYLOAD
    assert "平泉市".encode() in seen.body, "Chinese text is sent as-is, not \\u-escaped"


@pytest.mark.parametrize(
    "reference",
    ["R" * 101, "HB\x00-7", "HB\u202e-7", 10**200],
    ids=["too-long", "nul", "bidi", "huge-number"],
)
async def test_a_reference_that_cannot_be_kept_is_dropped_the_forward_acknowledged(
    platform: tuple[ScriptedPlatform, str], reference: object
) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(202, {"reference": reference}))
    receipt = await submit(url)
    assert receipt.status_code == 202
    assert receipt.reference is None  # application.province_reference holds 100 characters


async def test_2xx_without_a_reference_and_a_base_path(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    scripted, url = platform
    scripted.answers += [Answer(200, text="accepted"), Answer(201, {"status": "queued"})]
    async with ProvinceClient(f"{url}/approval/api/") as client:
        first = await client.submit(PAYLOAD, idempotency_key="k")
        second = await client.submit(PAYLOAD, idempotency_key="k")
    assert first == ProvinceReceipt(None, 200, "accepted")
    assert second == ProvinceReceipt(None, 201, {"status": "queued"})
    assert [s.path for s in scripted.seen] == ["/approval/api/applications"] * 2


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_5xx_is_unavailable(platform: tuple[ScriptedPlatform, str], status: int) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(status, {"detail": "down for maintenance"}))
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(url)
    assert caught.value.status_code == status
    assert caught.value.retry_after_s is None
    assert str(status) in caught.value.reason


async def test_429_honours_retry_after_seconds(platform: tuple[ScriptedPlatform, str]) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(429, {"detail": "slow down"}, headers={"Retry-After": "7"}))
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(url)
    assert caught.value.status_code == 429
    assert caught.value.retry_after_s == 7.0
    assert retry_delay_s(1, caught.value) == 7.0


async def test_503_with_retry_after_as_an_http_date(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(url)
    assert caught.value.retry_after_s == 0.0, "a date in the past means now"


@pytest.mark.parametrize("status", [400, 404, 409, 422])
async def test_other_4xx_is_refused_with_the_problem_detail(
    platform: tuple[ScriptedPlatform, str], status: int
) -> None:
    scripted, url = platform
    problem = {"title": "Invalid", "status": status, "detail": "mineral: 砂金 is prohibited"}
    scripted.answers.append(Answer(status, problem))
    with pytest.raises(ProvinceRefused) as caught:
        await submit(url)
    assert caught.value.status == status
    assert caught.value.detail == "mineral: 砂金 is prohibited"


async def test_4xx_with_a_text_body_keeps_the_text(platform: tuple[ScriptedPlatform, str]) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(400, text="missing field applicant"))
    with pytest.raises(ProvinceRefused) as caught:
        await submit(url)
    assert caught.value.detail == "missing field applicant"


async def test_408_and_a_redirect_are_transient_not_refusals(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    scripted, url = platform
    scripted.answers += [Answer(408), Answer(307, headers={"Location": "https://elsewhere/"})]
    with pytest.raises(ProvinceUnavailable):
        await submit(url)
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(url)
    assert "LODE_PROVINCE_URL" in caught.value.reason


async def test_a_timeout_is_unavailable(platform: tuple[ScriptedPlatform, str]) -> None:
    scripted, url = platform
    scripted.answers.append(Answer(202, {"reference": "late"}, delay_s=5))
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(url, timeout_s=0.2)
    assert "0.2 s" in caught.value.reason
    assert caught.value.status_code is None


async def test_connection_refused_is_unavailable() -> None:
    with pytest.raises(ProvinceUnavailable) as caught:
        await submit(f"http://127.0.0.1:{free_port()}")
    assert "ConnectError" in caught.value.reason
    assert caught.value.status_code is None


async def test_decimals_and_dates_are_sent_as_json_strings(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    scripted, url = platform
    async with ProvinceClient(url) as client:
        await client.submit(
            {**PAYLOAD, "area_ha": Decimal("14.30"), "filed_on": date(2025, 3, 1)},
            idempotency_key="k",
        )
    sent = json.loads(scripted.seen[0].body)
    assert sent["area_ha"] == "14.30"
    assert sent["filed_on"] == "2025-03-01"


async def test_an_injected_client_is_used_and_left_open(
    platform: tuple[ScriptedPlatform, str],
) -> None:
    _, url = platform
    async with httpx.AsyncClient() as http:
        client = ProvinceClient(url, http=http)
        receipt = await client.submit(PAYLOAD, idempotency_key="k")
        await client.aclose()
        assert receipt.reference == "R-1"
        assert not http.is_closed


async def test_programming_errors_are_raised_before_sending() -> None:
    with pytest.raises(ValueError, match="absolute http"):
        ProvinceClient("province.example/api")
    async with ProvinceClient("http://127.0.0.1:1") as client:
        with pytest.raises(ValueError, match="Idempotency-Key"):
            await client.submit(PAYLOAD, idempotency_key=" ")
        with pytest.raises(TypeError, match="not JSON-serialisable"):
            await client.submit({"x": object()}, idempotency_key="k")


# --- back-off ----------------------------------------------------------------------------------
def test_backoff_doubles_from_one_second_and_is_capped_at_five_minutes() -> None:
    nominal = [backoff_s(n, rand=lambda: 0.0) for n in range(1, 12)]
    assert nominal == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert backoff_s(10_000, rand=lambda: 0.0) == BACKOFF_CAP_S


def test_backoff_jitter_stays_within_bounds() -> None:
    for attempt in range(1, 30):
        top = min(BACKOFF_CAP_S, 2.0 ** (attempt - 1))
        for _ in range(50):
            assert 0.8 * top <= backoff_s(attempt) <= top
        assert backoff_s(attempt, rand=lambda: 0.999999) >= 0.8 * top


def test_backoff_refuses_attempt_zero_and_bad_jitter() -> None:
    with pytest.raises(ValueError, match="from 1"):
        backoff_s(0)
    with pytest.raises(ValueError, match="jitter"):
        backoff_s(1, jitter=1.5)


def test_retry_delay_uses_backoff_without_retry_after_and_caps_retry_after() -> None:
    assert 0.8 <= retry_delay_s(1, ProvinceUnavailable("down")) <= 1
    assert retry_delay_s(1, ProvinceUnavailable("busy", 86_400)) == BACKOFF_CAP_S


def test_parse_retry_after() -> None:
    now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Sat, 01 Mar 2025 08:00:30 GMT", now=now) == 30.0
    for bad in (None, "", "-5", "soon", "nan", "inf"):
        assert parse_retry_after(bad) is None
