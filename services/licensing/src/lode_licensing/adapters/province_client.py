"""The province approval platform client (省级审批平台): how Lode forwards an application.

:meth:`ProvinceClient.submit` makes exactly one ``POST {base_url}/applications`` with an
``Idempotency-Key`` and says what became of it. It never retries: the caller's durable job
does, with :func:`backoff_s` / :func:`retry_delay_s` and the same key, so a restart in the
middle of a retry loop loses nothing.

Exception tree::

    ProvinceError                 base: the forward did not get a 2xx
    ├── ProvinceUnavailable       transient; retry later with the same Idempotency-Key.
    │                             5xx, 408, 429, a redirect (a misconfigured
    │                             LODE_PROVINCE_URL: retried until an operator fixes it),
    │                             a timeout, a connection refused or cut. ``reason`` says
    │                             which; ``retry_after_s`` is the platform's
    │                             ``Retry-After`` (seconds or an HTTP date), else None;
    │                             ``status_code`` is None when no answer came
    └── ProvinceRefused           permanent: any other 4xx. The platform refuses this
                                  payload, sending it again will not help. ``status`` and
                                  ``detail`` (the problem's ``detail``/``title``, or the
                                  text of the answer)

Programming errors (an empty key, a base URL that is not http(s), a payload that is not
JSON-serialisable) raise ``ValueError``/``TypeError`` before anything is sent.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, Final

import httpx

from lode_common.limits import text_problem

BACKOFF_BASE_S: Final = 1.0
BACKOFF_CAP_S: Final = 300.0
BACKOFF_JITTER: Final = 0.2
"""Each delay is its nominal value less up to this fraction, so retries spread out."""

_TRANSIENT_4XX: Final = frozenset({408, 429})
_DETAIL_MAX_CHARS: Final = 500


@dataclass(frozen=True)
class ProvinceReceipt:
    """A 2xx answer: the platform's ``reference`` (None when it gave none) and what it said."""

    reference: str | None
    status_code: int
    body: Any
    """The answer's JSON, or its text when not JSON, or None when empty."""


class ProvinceError(Exception):
    """Base of the forward's failures."""


class ProvinceUnavailable(ProvinceError):
    """The platform could not take the application now; retry with the same key."""

    def __init__(
        self, reason: str, retry_after_s: float | None = None, *, status_code: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s
        self.status_code = status_code


class ProvinceRefused(ProvinceError):
    """The platform refused the payload (a 4xx other than 408/429): a permanent answer."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"the province platform refused the application ({status}): {detail}")
        self.status = status
        self.detail = detail


class ProvinceClient:
    """Lode's side of ``forward``: one POST per :meth:`submit`, outcome mapped to the tree above.

    ``http`` may be injected (tests, a shared pool); it is then not closed by :meth:`aclose`.
    ``timeout_s`` bounds each request, whichever client sends it.
    """

    def __init__(
        self,
        base_url: str,
        *,
        http: httpx.AsyncClient | None = None,
        timeout_s: float = 10,
    ) -> None:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(
                f"the province platform URL must be an absolute http(s) URL, got {base_url!r}"
            )
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self.base_url = base_url.rstrip("/")
        self.applications_url = f"{self.base_url}/applications"
        self.timeout_s = timeout_s
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=timeout_s)

    async def submit(self, payload: Mapping[str, Any], *, idempotency_key: str) -> ProvinceReceipt:
        """POST the application once; a receipt on 2xx, else ProvinceUnavailable/Refused."""
        if not idempotency_key.strip():
            raise ValueError("an Idempotency-Key is required: retries must reuse it")
        body = json.dumps(
            payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json
        ).encode("utf-8")
        headers = {
            "Idempotency-Key": idempotency_key,
            "Content-Type": "application/json",
            "Accept": "application/json, application/problem+json",
        }
        try:
            response = await self._http.post(
                self.applications_url, content=body, headers=headers, timeout=self.timeout_s
            )
        except httpx.TimeoutException as exc:
            raise ProvinceUnavailable(
                f"no answer from {self.applications_url} within {self.timeout_s} s "
                f"({type(exc).__name__})"
            ) from exc
        except httpx.TransportError as exc:
            raise ProvinceUnavailable(
                f"could not reach {self.applications_url}: {type(exc).__name__}: {exc}"
            ) from exc
        return _receipt_or_raise(response)

    async def aclose(self) -> None:
        """Close the HTTP client this object made (an injected one is left to its owner)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ProvinceClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


REFERENCE_MAX = 100
"""The longest platform reference kept (``application.province_reference`` is 100)."""


def _reference(value: object) -> str | None:
    """The platform's reference when it is one Lode can keep: text or a number, at most
    :data:`REFERENCE_MAX` characters, no control characters; otherwise None (the forward
    is still acknowledged: the reference is informative)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, int) and value.bit_length() > 4 * REFERENCE_MAX:
        return None  # far more digits than a reference has (and than str() may print)
    text = value if isinstance(value, str) else str(value)
    if text_problem(text, max_length=REFERENCE_MAX) is not None:
        return None
    return text


def _receipt_or_raise(response: httpx.Response) -> ProvinceReceipt:
    status = response.status_code
    body = _parsed_body(response)
    if 200 <= status < 300:
        reference = body.get("reference") if isinstance(body, dict) else None
        return ProvinceReceipt(_reference(reference), status, body)
    where = f"{response.request.method} {response.request.url}"
    if status >= 500 or status in _TRANSIENT_4XX:
        raise _unavailable(f"{where} answered {status} {response.reason_phrase}".rstrip(), response)
    if 400 <= status < 500:
        raise ProvinceRefused(status, _detail(body, response))
    # 1xx cannot reach here; 3xx is not followed: the URL is wrong, not the payload.
    location = response.headers.get("Location", "")
    raise _unavailable(
        f"{where} answered {status} (redirect to {location!r}): check LODE_PROVINCE_URL",
        response,
    )


def _unavailable(reason: str, response: httpx.Response) -> ProvinceUnavailable:
    return ProvinceUnavailable(
        reason,
        parse_retry_after(response.headers.get("Retry-After")),
        status_code=response.status_code,
    )


def _parsed_body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _detail(body: Any, response: httpx.Response) -> str:
    if isinstance(body, dict):
        for key in ("detail", "title", "message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                errors = body.get("errors")
                return f"{value} {json.dumps(errors, ensure_ascii=False)}" if errors else value
    text = response.text.strip()
    return text[:_DETAIL_MAX_CHARS] if text else response.reason_phrase or "no detail given"


def _json(value: object) -> object:
    """JSON for the values an application carries, as pydantic's JSON mode writes them."""
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable: {value!r}")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date), or None."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
        return max(seconds, 0.0)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def backoff_s(
    attempt: int,
    *,
    base_s: float = BACKOFF_BASE_S,
    cap_s: float = BACKOFF_CAP_S,
    jitter: float = BACKOFF_JITTER,
    rand: Callable[[], float] = random.random,
) -> float:
    """The wait before retry number ``attempt`` (from 1): 1 s, 2 s, 4 s … capped at 5 min.

    The nominal ``min(cap_s, base_s * 2 ** (attempt - 1))`` less up to ``jitter`` of it
    (``rand()`` in [0, 1)), so the result is in ``[nominal * (1 - jitter), nominal]`` and
    never above ``cap_s``.
    """
    if attempt < 1:
        raise ValueError(f"retry attempts count from 1, got {attempt}")
    if not 0 <= jitter < 1:
        raise ValueError(f"jitter is a fraction in [0, 1), got {jitter}")
    # 2 ** 62 s is far past any cap: stop there rather than overflow a float.
    nominal = min(cap_s, base_s * 2.0 ** min(attempt - 1, 62))
    return nominal * (1 - jitter * rand())


def retry_delay_s(
    attempt: int, error: ProvinceUnavailable, *, cap_s: float = BACKOFF_CAP_S
) -> float:
    """The wait before retry ``attempt``: the platform's ``Retry-After`` when it gave one
    (bounded by ``cap_s``), else :func:`backoff_s`."""
    if error.retry_after_s is not None:
        return min(error.retry_after_s, cap_s)
    return backoff_s(attempt, cap_s=cap_s)
