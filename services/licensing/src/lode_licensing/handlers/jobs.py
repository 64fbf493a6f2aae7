"""Background work of the licensing service, each step read from and written to the
database so a restart carries on where it stopped:

* re-check: applications left in ``pending_checks`` (zoning was down) are checked again;
* forward: forwarded applications the province platform has not acknowledged are sent
  again with the same ``Idempotency-Key``, with back-off;
* plan changes: after a plan version or zone change, the licences in force are swept for
  conflicts with the plan (:mod:`.conflict_sweep`) and open applications checked under an
  older version are checked again (:mod:`.recheck`);
* expiry: once a day (China Standard Time), licences past their validity become expired.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import structlog
from sqlalchemy import or_, select
from sqlmodel import col

from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_licensing.adapters.province_client import (
    ProvinceClient,
    ProvinceRefused,
    ProvinceUnavailable,
    backoff_s,
    retry_delay_s,
)
from lode_licensing.adapters.tables import Application
from lode_licensing.container import Licensing
from lode_licensing.domain.licence import cst_today
from lode_licensing.handlers import applications, conflict_sweep, licences, recheck

log = structlog.get_logger(__name__)


async def _due(runtime: ServiceRuntime, status: str, **where: Any) -> list[str]:
    now = datetime.now(UTC)
    query = select(col(Application.id)).where(
        col(Application.status) == status,
        or_(col(Application.next_attempt_at).is_(None), col(Application.next_attempt_at) <= now),
    )
    for name, value in where.items():
        query = query.where(getattr(Application, name) == value)
    async with runtime.sessions() as session:
        return list((await session.execute(query.limit(100))).scalars())


async def recheck_once(runtime: ServiceRuntime) -> int:
    done = 0
    service = Licensing.of(runtime)
    for application_id in await _due(runtime, "pending_checks"):
        status = await applications.run_pending_checks(service, application_id)
        done += status != "pending_checks"
    return done


async def after_plan_change(runtime: ServiceRuntime) -> None:
    """Open applications checked under an older version are checked again; the licences in
    force are swept for conflicts when a plan version or zone change asked for it. The plan
    not having reached licensing yet is no error here: there is nothing to do before it."""
    try:
        await recheck.recheck_once(runtime)
        await conflict_sweep.sweep_once(runtime)
    except PlanNotLoaded:
        pass
    except Exception:  # a failed round is tried again next round, and said in the log
        log.exception("re-check or conflict sweep failed; retried next round")


def forward_payload(
    row: Application, callback_url: str, basis: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The forward's body; ``basis``: what the right rests on (``grant``,
    ``exploration_licence_no``: :func:`.applications.forward_basis`)."""
    return {
        "application_id": row.id,
        "right_type": row.right_type,
        "kind": row.kind,
        "applicant": {"name": row.applicant_name, "credit_code": row.applicant_credit_code},
        "mineral": row.mineral,
        "licence_no": row.licence_no,
        "area": row.body.get("area_lonlat") or (row.body.get("area") or {}).get("geometry"),
        "capacity": row.body.get("capacity"),
        "mining_method": row.body.get("mining_method"),
        "checks": row.checks,
        "verdict": row.verdict,
        "review": row.review_outcome,
        "callback_url": callback_url,
        **(basis or {}),
    }


def _scale(row: Application) -> str | None:
    """The scale the checks classified (the platform sets the term by it)."""
    for check in row.checks:
        scale = (check.get("details") or {}).get("scale")
        if isinstance(scale, str):
            return scale
    return None


async def forward_once(runtime: ServiceRuntime, province: ProvinceClient, callback_url: str) -> int:
    sent = 0
    for application_id in await _due(runtime, "forwarded", forward_acknowledged=False):
        async with runtime.sessions() as session:
            row = await applications.load(session, application_id)
            basis = await applications.forward_basis(session, row)
        try:
            receipt = await province.submit(
                forward_payload(row, callback_url, basis),
                idempotency_key=row.forward_key or row.id,
            )
        except ProvinceUnavailable as exc:
            await _after_forward(
                runtime,
                application_id,
                error=exc.reason,
                delay=partial(retry_delay_s, error=exc),
            )
            continue
        except ProvinceRefused as exc:
            # 401/403/404 mean a wrong URL or credentials here, not a wrong application:
            # keep retrying (slowly) until the operator fixes the configuration
            misconfigured = exc.status in (401, 403, 404)
            await _after_forward(
                runtime,
                application_id,
                error=str(exc),
                delay=(lambda n: backoff_s(n)) if misconfigured else None,
            )
            continue
        async with runtime.uow() as uow:
            row = await applications.load(uow.session, application_id, lock=True)
            row.forward_acknowledged = True
            row.province_reference = receipt.reference
            row.last_error = None
            row.next_attempt_at = None
            await uow.commit()
        sent += 1
    return sent


async def _after_forward(
    runtime: ServiceRuntime,
    application_id: str,
    *,
    error: str,
    delay: Callable[[int], float] | None,
) -> None:
    async with runtime.uow() as uow:
        row = await applications.load(uow.session, application_id, lock=True)
        row.attempts += 1
        row.last_error = error[:500]
        # a refusal is permanent: no more attempts; an officer reads last_error and acts
        row.next_attempt_at = (
            datetime.now(UTC) + timedelta(seconds=delay(row.attempts))
            if delay
            else datetime.now(UTC) + timedelta(days=3650)
        )
        await uow.commit()
    log.warning(
        "forward to the province platform failed",
        application_id=application_id,
        error=error,
        retrying=delay is not None,
    )


async def expire_once(runtime: ServiceRuntime, now: datetime | None = None) -> list[str]:
    today = cst_today(now or datetime.now(UTC))
    async with runtime.uow() as uow:
        expired = await licences.expire_lapsed(uow, today)
        await uow.commit()
    if expired:
        log.info("licences expired", count=len(expired), today=str(today))
    return expired


async def recheck_and_forward(runtime: ServiceRuntime) -> None:
    """Background job: pending checks, re-checks and the conflict sweep after a plan change,
    and unacknowledged forwards, every few seconds."""
    service = Licensing.of(runtime)
    interval = service.settings.recheck_interval_s
    while True:
        await recheck_once(runtime)
        await after_plan_change(runtime)
        if service.province is not None:
            await forward_once(runtime, service.province, service.callback_url)
        service.woken.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(service.woken.wait(), timeout=interval)


async def daily_expiry(runtime: ServiceRuntime) -> None:
    """Background job: the expiry check, at start and then every interval (default 1 h)."""
    interval = Licensing.of(runtime).settings.expiry_check_interval_s
    while True:
        await expire_once(runtime)
        await asyncio.sleep(interval)
