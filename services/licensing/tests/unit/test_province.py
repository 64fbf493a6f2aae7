"""Province platform callbacks: signing string, window, signature, replay; forward keys."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import pytest

from lode_licensing.domain.errors import SignatureRejected
from lode_licensing.domain.province import (
    InMemoryReplayGuard,
    forward_idempotency_key,
    sign,
    signing_string,
    verify_callback,
    verify_signature,
)

SECRET = "province-test-secret"
BODY = '{"application_id": "a-1", "decision": "approved", "reason": "同意"}'.encode()
NOW = 1_700_000_000


def headers(timestamp: int = NOW, body: bytes = BODY, secret: str = SECRET) -> tuple[str, str]:
    return str(timestamp), sign(secret, str(timestamp), body)


def test_the_signing_string_and_header_format() -> None:
    assert signing_string("1700000000", b"{}") == b"1700000000.{}"
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, "1700000000", BODY) == f"sha256={expected}"


@pytest.mark.parametrize("offset", [0, 299, 300, -299, -300])
def test_within_the_window(offset: int) -> None:
    timestamp, signature = headers(NOW - offset)
    verified = verify_signature(
        secret=SECRET,
        timestamp_header=timestamp,
        signature_header=signature,
        raw_body=BODY,
        now=NOW,
    )
    assert verified.timestamp == NOW - offset
    assert verified.remember_until == NOW - offset + 300


@pytest.mark.parametrize(
    ("offset", "words"), [(301, "s old"), (-301, "in the future"), (86_400, "old")]
)
def test_outside_the_window_is_stale(offset: int, words: str) -> None:
    timestamp, signature = headers(NOW - offset)
    with pytest.raises(SignatureRejected) as caught:
        verify_signature(
            secret=SECRET,
            timestamp_header=timestamp,
            signature_header=signature,
            raw_body=BODY,
            now=NOW,
        )
    assert caught.value.reason == "stale"
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("body", "secret"),
    [
        (BODY.replace(b"approved", b"rejected"), SECRET),  # tampered body
        (BODY + b" ", SECRET),  # one byte more
        (BODY, "wrong-secret"),
    ],
)
def test_tampered_body_or_wrong_secret(body: bytes, secret: str) -> None:
    timestamp, signature = headers(secret=secret)
    with pytest.raises(SignatureRejected) as caught:
        verify_signature(
            secret=SECRET,
            timestamp_header=timestamp,
            signature_header=signature,
            raw_body=body,
            now=NOW,
        )
    assert caught.value.reason == "bad_signature"


def test_a_signature_for_another_timestamp_is_bad() -> None:
    _, signature = headers(NOW - 10)
    with pytest.raises(SignatureRejected) as caught:
        verify_signature(
            secret=SECRET,
            timestamp_header=str(NOW),
            signature_header=signature,
            raw_body=BODY,
            now=NOW,
        )
    assert caught.value.reason == "bad_signature"


def test_uppercase_hex_is_the_same_signature() -> None:
    timestamp, signature = headers()
    upper = "sha256=" + signature.removeprefix("sha256=").upper()
    verify_signature(
        secret=SECRET, timestamp_header=timestamp, signature_header=upper, raw_body=BODY, now=NOW
    )


@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        (None, "sha256=" + "0" * 64),
        ("", "sha256=" + "0" * 64),
        ("17e8", "sha256=" + "0" * 64),
        ("-5", "sha256=" + "0" * 64),
        ("1700000000.5", "sha256=" + "0" * 64),
        (str(NOW), None),
        (str(NOW), "0" * 64),
        (str(NOW), "sha1=" + "0" * 40),
        (str(NOW), "sha256=" + "0" * 63),
        (str(NOW), "sha256=" + "g" * 64),
        (str(NOW), "sha256="),
    ],
)
def test_malformed_headers(timestamp: str | None, signature: str | None) -> None:
    with pytest.raises(SignatureRejected) as caught:
        verify_signature(
            secret=SECRET,
            timestamp_header=timestamp,
            signature_header=signature,
            raw_body=BODY,
            now=NOW,
        )
    assert caught.value.reason == "malformed"


async def test_a_replayed_signature_is_refused() -> None:
    guard = InMemoryReplayGuard()
    timestamp, signature = headers()
    args: dict[str, Any] = {
        "secret": SECRET,
        "timestamp_header": timestamp,
        "signature_header": signature,
        "raw_body": BODY,
    }
    await verify_callback(**args, now=NOW, guard=guard)
    with pytest.raises(SignatureRejected) as caught:
        await verify_callback(**args, now=NOW + 5, guard=guard)
    assert caught.value.reason == "replayed"


async def test_a_retry_signed_again_is_accepted() -> None:
    guard = InMemoryReplayGuard()
    for timestamp in (NOW, NOW + 1):
        ts, signature = headers(timestamp)
        await verify_callback(
            secret=SECRET,
            timestamp_header=ts,
            signature_header=signature,
            raw_body=BODY,
            now=NOW + 1,
            guard=guard,
        )


async def test_forged_callbacks_do_not_fill_the_store() -> None:
    guard = InMemoryReplayGuard()
    with pytest.raises(SignatureRejected):
        await verify_callback(
            secret=SECRET,
            timestamp_header=str(NOW),
            signature_header="sha256=" + "0" * 64,
            raw_body=BODY,
            now=NOW,
            guard=guard,
        )
    assert len(guard) == 0


async def test_the_store_forgets_what_the_window_refuses_anyway() -> None:
    guard = InMemoryReplayGuard()
    assert await guard.remember("a", until=NOW + 300, now=NOW)
    assert not await guard.remember("a", until=NOW + 300, now=NOW + 300)
    assert await guard.remember("b", until=NOW + 1000, now=NOW + 301)
    assert len(guard) == 1  # "a" forgotten


def test_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        sign("", "1", b"")


def test_forward_keys_are_stable_per_attempt() -> None:
    first = forward_idempotency_key("app-1", 1)
    assert first == forward_idempotency_key("app-1", 1)
    assert first != forward_idempotency_key("app-1", 2)
    assert first != forward_idempotency_key("app-2", 1)
    with pytest.raises(ValueError, match="count from 1"):
        forward_idempotency_key("app-1", 0)
