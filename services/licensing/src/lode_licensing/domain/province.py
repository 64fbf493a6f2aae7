"""The province approval platform exchange (省级审批平台), its pure parts.

Callbacks are signed: ``X-Lode-Timestamp`` (unix seconds) and ``X-Lode-Signature:
sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>``. A callback is refused
(:class:`~.errors.SignatureRejected`) when a header is missing or malformed, when the
timestamp is more than the window (300 s) from now in either direction, when the
signature does not match (compared in constant time), or when the same signature was
seen before. A platform that retries signs again with a new timestamp, so a repeated
signature is a replay. The store of seen signatures is injected (:class:`ReplayGuard`).

Forwarding is retried with one ``Idempotency-Key`` per forward attempt, derived from the
application id and the attempt number (:func:`forward_idempotency_key`).

A forwarded new application carries what the right rests on (:func:`forward_basis`), so
the platform sees the whole basis: the grant it was won by (``grant``: method, conclusion,
price, winner and contract with its instalments; never the reserve price 底价) or the
exploration licence it converts (``exploration_licence_no``, 探转采).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from typing import Any, Final, Protocol

from .checks.context import GrantBasis
from .errors import SignatureRejected

SIGNATURE_PREFIX: Final = "sha256="
DEFAULT_WINDOW_SECONDS: Final = 300
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")
_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")
_FORWARD_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "https://lode.example/licensing/forward")


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the province secret is empty")
    return key


def signing_string(timestamp: str, raw_body: bytes) -> bytes:
    """The canonical bytes signed: ``timestamp + "." + raw body`` (the body exactly as sent)."""
    return timestamp.encode("ascii") + b"." + raw_body


def sign(secret: str | bytes, timestamp: str, raw_body: bytes) -> str:
    """The ``X-Lode-Signature`` value: ``sha256=<hex HMAC-SHA256>``."""
    digest = hmac.new(_key(secret), signing_string(timestamp, raw_body), hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


@dataclass(frozen=True)
class VerifiedCallback:
    """A callback whose signature holds: timestamp, signature (hex), remember-until time."""

    timestamp: int
    signature: str
    remember_until: int


def verify_signature(
    *,
    secret: str | bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    raw_body: bytes,
    now: float,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> VerifiedCallback:
    """Check format, freshness and signature (not replay: see :func:`verify_callback`)."""
    if timestamp_header is None or not _UNIX_SECONDS.fullmatch(timestamp_header.strip()):
        raise SignatureRejected(
            "malformed", f"X-Lode-Timestamp must be unix seconds, got {timestamp_header!r}"
        )
    if (
        signature_header is None
        or not signature_header.startswith(SIGNATURE_PREFIX)
        or not _HEX_DIGEST.fullmatch(signature_header[len(SIGNATURE_PREFIX) :])
    ):
        raise SignatureRejected(
            "malformed", "X-Lode-Signature must be sha256=<64 hex digits of HMAC-SHA256>"
        )
    timestamp_text = timestamp_header.strip()
    timestamp = int(timestamp_text)
    skew = now - timestamp
    if abs(skew) > window_seconds:
        direction = "old" if skew > 0 else "in the future"
        raise SignatureRejected(
            "stale",
            f"timestamp is {abs(skew):.0f} s {direction}; at most {window_seconds} s is accepted",
        )
    given = signature_header[len(SIGNATURE_PREFIX) :].lower()
    expected = sign(secret, timestamp_text, raw_body)[len(SIGNATURE_PREFIX) :]
    if not hmac.compare_digest(given, expected):
        raise SignatureRejected(
            "bad_signature", "the signature does not match the body and timestamp"
        )
    return VerifiedCallback(timestamp, given, timestamp + window_seconds)


class ReplayGuard(Protocol):
    """The store of signatures already accepted (a table, a cache)."""

    async def remember(self, signature: str, *, until: int, now: int) -> bool:
        """Record ``signature`` until the unix time ``until``; False when it was already there.

        Must be atomic: two concurrent calls with one signature give one True. Entries
        past ``until`` may be forgotten (the window refuses them anyway).
        """
        ...


class InMemoryReplayGuard:
    """A :class:`ReplayGuard` in a dict, for tests and the single-process runner."""

    def __init__(self) -> None:
        self._seen: dict[str, int] = {}

    async def remember(self, signature: str, *, until: int, now: int) -> bool:
        self._seen = {sig: exp for sig, exp in self._seen.items() if exp >= now}
        if signature in self._seen:
            return False
        self._seen[signature] = until
        return True

    def __len__(self) -> int:
        return len(self._seen)


async def verify_callback(
    *,
    secret: str | bytes,
    timestamp_header: str | None,
    signature_header: str | None,
    raw_body: bytes,
    now: float,
    guard: ReplayGuard,
    window_seconds: int = DEFAULT_WINDOW_SECONDS,
) -> VerifiedCallback:
    """Verify a callback fully: format, freshness, signature, then replay (in that order).

    The replay store is written only for a callback whose signature holds, so forged
    requests cannot fill it.
    """
    verified = verify_signature(
        secret=secret,
        timestamp_header=timestamp_header,
        signature_header=signature_header,
        raw_body=raw_body,
        now=now,
        window_seconds=window_seconds,
    )
    if not await guard.remember(verified.signature, until=verified.remember_until, now=int(now)):
        raise SignatureRejected("replayed", "this signature was already received")
    return verified


def forward_idempotency_key(application_id: str, attempt: int) -> str:
    """The ``Idempotency-Key`` of a forward attempt: the same for every retry of that attempt."""
    if attempt < 1:
        raise ValueError(f"forward attempts count from 1, got {attempt}")
    return str(uuid.uuid5(_FORWARD_NAMESPACE, f"{application_id}#{attempt}"))


def grant_reference(grant: GrantBasis) -> dict[str, Any]:
    """The grant as the province platform receives it: ``{grant_id, method, concluded_on,
    price_cny_10k, winner, contract: {signed_on, contract_ref, instalments}}``. Built from
    a :class:`~.checks.context.GrantBasis`, which holds no reserve price: it cannot leak."""
    winner = grant.winner
    return {
        "grant_id": grant.grant_id,
        "method": grant.method,
        "concluded_on": grant.concluded_on,
        "price_cny_10k": grant.price_cny_10k,
        "winner": {"name": winner.name, "credit_code": winner.credit_code} if winner else None,
        "contract": {
            "signed_on": grant.signed_on,
            "contract_ref": grant.contract_ref,
            "instalments": [
                {"due": i.due, "amount_cny_10k": i.amount_cny_10k} for i in grant.instalments
            ],
        },
    }


def forward_basis(grant: GrantBasis | None, exploration_licence_no: str | None) -> dict[str, Any]:
    """What a forwarded application adds to the payload about its basis: ``grant`` when it
    names one, ``exploration_licence_no`` when it converts one (探转采); nothing otherwise."""
    basis: dict[str, Any] = {}
    if grant is not None:
        basis["grant"] = grant_reference(grant)
    if exploration_licence_no is not None:
        basis["exploration_licence_no"] = exploration_licence_no
    return basis
