"""A simulated province approval platform (省级审批平台 模拟器) for development and demos.

It speaks the exchange of API.md (Licensing, ``forward`` and ``province/decisions``):

* ``POST /applications`` takes Lode's forward payload, idempotent on ``Idempotency-Key``
  (the same key and body answer the same 202 ``{"reference"}`` again, marked
  ``Idempotent-Replayed: true``, and make no second decision; the same key with another
  body is 409). The decision is taken on arrival by :class:`SimPolicy`.
* ``callback_delay_s`` after answering, it POSTs the decision to the payload's
  ``callback_url``, signed with :func:`~lode_licensing.domain.province.sign` over the
  exact bytes sent. An answer other than 2xx (or none) is retried with back-off, each
  attempt signed again with a new timestamp. Timestamps of one application's deliveries
  strictly increase (a retry within the same second is stamped one second later, well
  inside the 300 s window), so no two deliveries carry the same signature.
* ``GET /applications/{reference or application id}`` shows the decision and every
  delivery; ``GET /applications`` lists them; ``GET /health``.

Licence numbers (统一配号) are made here, as the platform would allocate them, 23
characters matching ``^[CT][0-9]{22}$``::

    C 130881 2025 483920 000001
    | |      |    |      +-- 6 digits: this simulator's approval counter (1, 2, ...)
    | |      |    +--------- 6 digits: SHA-256 of the application id, mod 10**6
    | |      +-------------- 4 digits: year of issue (valid_from, Asia/Shanghai)
    | +--------------------- 6 digits: region code 130881 (平泉市)
    +----------------------- C 采矿 (mining) / T 探矿 (exploration)

A ``renewal``, ``change``, ``transfer`` or ``cancellation`` whose payload names a
``licence_no`` of the right letter keeps that number (numbers are permanent).

Validity: from today (Asia/Shanghai) for the term, ending the day before the anniversary:
mining 10 years, or 30/20/10 when the payload's ``scale`` is large/medium/small;
exploration 5 years (``licence_terms`` of national-standards.yaml).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, Literal

import httpx
import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from lode_licensing.domain.licence import add_years, cst_today
from lode_licensing.domain.province import sign

log = structlog.get_logger(__name__)

LICENCE_NO: Final = re.compile(r"[CT][0-9]{22}")
REGION_CODE: Final = "130881"  # 河北省承德市平泉市
LETTER: Final[Mapping[str, str]] = {"mining": "C", "exploration": "T"}
MINING_YEARS_BY_SCALE: Final[Mapping[str, int]] = {"large": 30, "medium": 20, "small": 10}
MINING_DEFAULT_YEARS: Final = 10
EXPLORATION_YEARS: Final = 5
ACCEPTED_OUTCOMES: Final = frozenset({"pass", "warn", "review"})
"""``review``: Lode forwards only eligible applications or ones accepted on review."""

_SCALE_ZH: Final = {"大型": "large", "中型": "medium", "小型": "small"}
_KEEPS_NUMBER: Final = frozenset({"renewal", "change", "transfer", "cancellation"})
_PROBLEM: Final = "application/problem+json"

Decision = Literal["approved", "rejected"]
CallbackState = Literal["pending", "delivered", "failed"]


@dataclass(frozen=True)
class SimPolicy:
    """How the simulator decides, and the faults it puts on for tests and demos.

    ``always``: approve or reject everything (None: judge by the checks).
    ``fail_first_n``: answer 500 to the first N ``POST /applications`` (retries).
    ``duplicate_callbacks``: deliver every decision twice (idempotent handling).
    ``slow_s``: wait this long before answering a POST (timeouts).
    """

    always: Literal["approve", "reject"] | None = None
    fail_first_n: int = 0
    duplicate_callbacks: bool = False
    slow_s: float = 0.0

    def __post_init__(self) -> None:
        if self.always not in (None, "approve", "reject"):
            raise ValueError(f"always is 'approve', 'reject' or None, got {self.always!r}")
        if self.fail_first_n < 0 or self.slow_s < 0:
            raise ValueError("fail_first_n and slow_s cannot be negative")


# --- the decision, pure ----------------------------------------------------------------------
def judge(payload: Mapping[str, Any], policy: SimPolicy) -> tuple[Decision, str]:
    """Approve when no check fails (every outcome pass, warn or review), else name the rules.

    A ``review`` outcome counts as accepted on review unless the payload's ``review``
    (``"reject"`` or ``{"outcome": "reject"}``) says the review rejected it.
    """
    checks = payload.get("checks") or []
    review = payload.get("review")
    review_rejected = review == "reject" or (
        isinstance(review, dict) and review.get("outcome") == "reject"
    )
    accepted = ACCEPTED_OUTCOMES - {"review"} if review_rejected else ACCEPTED_OUTCOMES
    failing = [
        f"{c.get('rule_id', '?')} ({c.get('outcome')})"
        for c in checks
        if c.get("outcome") not in accepted
    ]
    if policy.always == "reject":
        return "rejected", "rejected by the simulator's policy (always=reject)"
    if policy.always == "approve":
        ignored = f"; failing checks ignored: {', '.join(failing)}" if failing else ""
        return "approved", f"approved by the simulator's policy (always=approve){ignored}"
    if failing:
        return "rejected", f"the plan checks do not hold: {', '.join(failing)}"
    return "approved", f"approved: {len(checks)} checks pass, warn or were accepted on review"


def licence_number(right_type: str, application_id: str, counter: int, year: int) -> str:
    """The 23-character number laid out in the module docstring."""
    digest = int(hashlib.sha256(application_id.encode("utf-8")).hexdigest(), 16) % 10**6
    number = f"{LETTER[right_type]}{REGION_CODE}{year:04d}{digest:06d}{counter % 10**6:06d}"
    assert len(number) == 23, number  # the layout, not the input, would be wrong
    return number


def term_years(right_type: str, scale: str | None) -> int:
    if right_type == "exploration":
        return EXPLORATION_YEARS
    return MINING_YEARS_BY_SCALE.get(_SCALE_ZH.get(scale or "", scale or ""), MINING_DEFAULT_YEARS)


def validity(right_type: str, scale: str | None, valid_from: date) -> tuple[date, date]:
    """(valid_from, valid_to): the term's last day is the day before its anniversary."""
    return valid_from, add_years(valid_from, term_years(right_type, scale)) - timedelta(days=1)


def kept_number(payload: Mapping[str, Any]) -> str | None:
    """The licence's own number for a renewal, change, transfer or cancellation."""
    number = payload.get("licence_no")
    if (
        payload.get("kind") in _KEEPS_NUMBER
        and isinstance(number, str)
        and LICENCE_NO.fullmatch(number)
        and number.startswith(LETTER[payload["right_type"]])
    ):
        return number
    return None


# --- validation of the forward payload -------------------------------------------------------
def payload_errors(payload: Any) -> list[dict[str, str]]:
    """What is wrong with a forward payload, as ``[{field, message}]`` (empty when fine)."""
    if not isinstance(payload, dict):
        return [{"field": "", "message": "the body must be a JSON object"}]
    errors: list[dict[str, str]] = []
    app_id = payload.get("application_id")
    if not isinstance(app_id, str | int) or isinstance(app_id, bool) or not str(app_id):
        errors.append({"field": "application_id", "message": "required: the application's id"})
    if payload.get("right_type") not in LETTER:
        errors.append({"field": "right_type", "message": "must be 'mining' or 'exploration'"})
    url = payload.get("callback_url")
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else None
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        errors.append(
            {"field": "callback_url", "message": "required: the absolute http(s) URL to call"}
        )
    checks = payload.get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(c, dict) for c in checks):
        errors.append({"field": "checks", "message": "must be a list of check objects"})
    return errors


# --- the simulator's state and its callbacks -------------------------------------------------
@dataclass
class Delivery:
    """One POST of a decision to the callback URL."""

    copy: int
    attempt: int
    timestamp: int
    signature: str
    status_code: int | None = None
    error: str | None = None


@dataclass
class SimRecord:
    """An application the simulator took, its decision and how the callback went."""

    reference: str
    idempotency_key: str
    fingerprint: str
    payload: dict[str, Any]
    decision: dict[str, Any]
    received_at: str
    callback_state: CallbackState = "pending"
    deliveries: list[Delivery] = field(default_factory=list)
    last_timestamp: int = 0

    def view(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "application_id": self.decision["application_id"],
            "idempotency_key": self.idempotency_key,
            "received_at": self.received_at,
            "right_type": self.payload.get("right_type"),
            "kind": self.payload.get("kind"),
            "decision": self.decision,
            "callback": {
                "url": self.payload["callback_url"],
                "state": self.callback_state,
                "deliveries": [asdict(d) for d in self.deliveries],
            },
        }


class ProvinceSimulator:
    """The state behind the app (``app.state.simulator``): records, counters, callbacks."""

    def __init__(
        self,
        *,
        secret: str,
        policy: SimPolicy,
        callback_delay_s: float,
        callback_attempts: int,
        callback_backoff_s: float,
        http: httpx.AsyncClient | None,
    ) -> None:
        if not secret:
            raise ValueError("the province secret (LODE_PROVINCE_SECRET) is empty")
        if callback_attempts < 1:
            raise ValueError(f"callback_attempts must be at least 1, got {callback_attempts}")
        self.secret = secret
        self.policy = policy
        self.callback_delay_s = callback_delay_s
        self.callback_attempts = callback_attempts
        self.callback_backoff_s = callback_backoff_s
        self.http = http
        self.posts = 0
        self.approvals = 0
        self.records: dict[str, SimRecord] = {}
        self._by_key: dict[str, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def record_for(self, key: str) -> SimRecord | None:
        reference = self._by_key.get(key)
        return self.records[reference] if reference is not None else None

    def find(self, ident: str) -> SimRecord | None:
        """By reference, else the latest record of that application id."""
        if ident in self.records:
            return self.records[ident]
        found = [r for r in self.records.values() if str(r.decision["application_id"]) == ident]
        return found[-1] if found else None

    def take(self, payload: dict[str, Any], *, key: str, fingerprint: str) -> SimRecord:
        """Record a new application and decide it (no await: atomic on the event loop)."""
        now = datetime.now(UTC)
        verdict, reason = judge(payload, self.policy)
        decision: dict[str, Any] = {
            "application_id": payload["application_id"],
            "decision": verdict,
            "licence_no": None,
            "valid_from": None,
            "valid_to": None,
            "reason": reason,
        }
        if verdict == "approved":
            scale = payload.get("scale")
            valid_from, valid_to = validity(
                payload["right_type"], scale if isinstance(scale, str) else None, cst_today(now)
            )
            number = kept_number(payload)
            if number is None:
                self.approvals += 1
                number = licence_number(
                    payload["right_type"],
                    str(payload["application_id"]),
                    self.approvals,
                    valid_from.year,
                )
            decision |= {
                "licence_no": number,
                "valid_from": valid_from.isoformat(),
                "valid_to": valid_to.isoformat(),
            }
        reference = f"SIM-{len(self.records) + 1:06d}"
        record = SimRecord(reference, key, fingerprint, payload, decision, now.isoformat())
        self.records[reference] = record
        self._by_key[key] = reference
        log.info("province_sim.decided", reference=reference, **decision)
        return record

    def schedule_callbacks(self, record: SimRecord) -> None:
        task = asyncio.create_task(self._callbacks(record), name=f"callback {record.reference}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every scheduled callback has been delivered or given up."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.drain()

    async def _callbacks(self, record: SimRecord) -> None:
        await asyncio.sleep(self.callback_delay_s)
        raw = json.dumps(record.decision, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            for copy in range(1, 3 if self.policy.duplicate_callbacks else 2):
                if not await self._deliver(record, raw, copy):
                    record.callback_state = "failed"
                    return
            record.callback_state = "delivered"
        except Exception:
            record.callback_state = "failed"
            log.exception("province_sim.callback_crashed", reference=record.reference)

    async def _deliver(self, record: SimRecord, raw: bytes, copy: int) -> bool:
        assert self.http is not None  # set by the app's lifespan
        url = record.payload["callback_url"]
        for attempt in range(1, self.callback_attempts + 1):
            timestamp = max(int(time.time()), record.last_timestamp + 1)
            record.last_timestamp = timestamp
            signature = sign(self.secret, str(timestamp), raw)
            delivery = Delivery(copy, attempt, timestamp, signature)
            record.deliveries.append(delivery)
            headers = {
                "Content-Type": "application/json",
                "X-Lode-Timestamp": str(timestamp),
                "X-Lode-Signature": signature,
            }
            try:
                response = await self.http.post(url, content=raw, headers=headers)
                delivery.status_code = response.status_code
                if response.is_success:
                    log.info("province_sim.delivered", reference=record.reference, copy=copy)
                    return True
            except httpx.HTTPError as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "province_sim.callback_failed", reference=record.reference, **asdict(delivery)
            )
            if attempt < self.callback_attempts:
                await asyncio.sleep(min(30.0, self.callback_backoff_s * 2.0 ** (attempt - 1)))
        return False


# --- the app ---------------------------------------------------------------------------------
def _problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=_PROBLEM)


def create_sim_app(
    *,
    secret: str,
    policy: SimPolicy,
    callback_delay_s: float = 0.5,
    http: httpx.AsyncClient | None = None,
    callback_attempts: int = 5,
    callback_backoff_s: float = 0.5,
) -> FastAPI:
    """The simulator as an ASGI app; ``http`` (injected) is used for callbacks and not closed."""
    sim = ProvinceSimulator(
        secret=secret,
        policy=policy,
        callback_delay_s=callback_delay_s,
        callback_attempts=callback_attempts,
        callback_backoff_s=callback_backoff_s,
        http=http,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        owned = sim.http is None
        if owned:
            sim.http = httpx.AsyncClient(timeout=5.0)
        try:
            yield
        finally:
            await sim.stop()
            if owned and sim.http is not None:
                await sim.http.aclose()
                sim.http = None

    app = FastAPI(
        title="Province approval platform (simulated)",
        description="省级审批平台 模拟器: takes Lode's forwards and calls back signed decisions.",
        lifespan=lifespan,
    )
    app.state.simulator = sim

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/applications", status_code=202)
    async def receive(request: Request) -> JSONResponse:
        sim.posts += 1
        if sim.posts <= policy.fail_first_n:
            await asyncio.sleep(policy.slow_s)
            return _problem(
                500,
                "Simulated failure",
                f"fail_first_n={policy.fail_first_n}: POST {sim.posts} fails on purpose",
            )
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            return _problem(400, "Bad request", "the Idempotency-Key header is required")
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return _problem(400, "Bad request", "the body is not JSON")
        errors = payload_errors(payload)
        if errors:
            detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
            return _problem(422, "Invalid forward payload", detail, errors=errors)
        fingerprint = hashlib.sha256(
            json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        record = sim.record_for(key)
        if record is not None:
            if record.fingerprint != fingerprint:
                return _problem(
                    409,
                    "Conflict",
                    f"Idempotency-Key {key!r} was used for another body "
                    f"(application {record.decision['application_id']})",
                )
            await asyncio.sleep(policy.slow_s)
            return JSONResponse(
                {"reference": record.reference},
                status_code=202,
                headers={"Idempotent-Replayed": "true"},
            )
        record = sim.take(payload, key=key, fingerprint=fingerprint)
        try:
            await asyncio.sleep(policy.slow_s)
        finally:  # taken is taken: a caller that gave up waiting still gets the callback
            sim.schedule_callbacks(record)
        return JSONResponse({"reference": record.reference}, status_code=202)

    @app.get("/applications")
    async def list_records() -> dict[str, Any]:
        items = [r.view() for r in sim.records.values()]
        return {"items": items, "total": len(items)}

    @app.get("/applications/{ident}", response_model=None)
    async def show(ident: str) -> dict[str, Any] | JSONResponse:
        record = sim.find(ident)
        if record is None:
            return _problem(404, "Not found", f"no application with reference or id {ident!r}")
        return record.view()

    return app


def run(
    host: str,
    port: int,
    secret: str,
    *,
    policy: SimPolicy | None = None,
    callback_delay_s: float = 0.5,
    callback_attempts: int = 8,
    callback_backoff_s: float = 1.0,
    log_level: str = "info",
) -> None:
    """Serve the simulator with uvicorn until Ctrl-C.

    Callbacks are retried for longer than in tests (1, 2, 4 … 30 s, about 1.5 min in all),
    so a Lode restarted during a demo still gets its decisions.
    """
    import uvicorn

    app = create_sim_app(
        secret=secret,
        policy=policy or SimPolicy(),
        callback_delay_s=callback_delay_s,
        callback_attempts=callback_attempts,
        callback_backoff_s=callback_backoff_s,
    )
    uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level)).run()


def province_sim_command(
    host: str,
    port: int,
    secret: str | None,
    approve: str | None,
    fail_first: int,
    duplicate_callbacks: bool,
) -> None:
    """``lode province-sim``: run the simulator and print what Lode must be started with.

    ``secret`` defaults to ``LODE_PROVINCE_SECRET``, else a fresh random one (printed).
    ``approve``: ``approve``/``reject`` for every application, or None/``policy`` to judge
    by the checks. Raises ValueError on a bad option.
    """
    always: Literal["approve", "reject"] | None
    if approve in (None, "", "policy", "checks"):
        always = None
    elif approve in ("approve", "reject"):
        always = "approve" if approve == "approve" else "reject"
    else:
        raise ValueError(f"--approve is 'approve', 'reject' or 'policy', got {approve!r}")
    policy = SimPolicy(
        always=always,
        fail_first_n=fail_first,
        duplicate_callbacks=duplicate_callbacks,
    )
    secret = secret or os.environ.get("LODE_PROVINCE_SECRET") or ""
    generated = not secret
    if generated:
        secret = secrets.token_urlsafe(32)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    url_host = f"[{shown_host}]" if ":" in shown_host else shown_host
    print("Province approval platform (simulated) — start Lode with:", flush=True)
    print(f"  export LODE_PROVINCE_URL=http://{url_host}:{port}", flush=True)
    if generated:
        print(f"  export LODE_PROVINCE_SECRET={secret}", flush=True)
    else:
        print("  LODE_PROVINCE_SECRET: the same secret as this simulator's", flush=True)
    print(
        f"  decisions: {always or 'by the checks'}; fail first {fail_first} POSTs; "
        f"duplicate callbacks: {'yes' if duplicate_callbacks else 'no'}",
        flush=True,
    )
    run(host, port, secret, policy=policy)
