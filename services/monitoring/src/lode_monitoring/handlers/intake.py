"""A new output report (开发利用年报) accepted: judged, stored with its events and findings.

The hot path of ``POST /monitoring/v1/reports`` (and of the demo loader): one read of what
the report is judged with, the pure work (validation, the finding rules, the rows and
events), one write of every row (:mod:`lode_monitoring.adapters.report_store`). The rows
and events are those the rest of the service writes: ``report`` (version 1),
``output.reported`` then one ``finding.opened`` per finding in the outbox, exactly as
:func:`lode_common.messaging.outbox.emit` stages them, the ``finding`` rows of
:mod:`.finding_store`, and the ``Idempotency-Key``'s record of the answer.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from lode_common.auth import Principal
from lode_common.events import catalog
from lode_common.events.envelope import Envelope
from lode_common.messaging.outbox import outbox_rows, traced
from lode_common.metrics import count_emitted
from lode_common.plan.replica import PlanNotLoaded
from lode_common.runtime import ServiceRuntime
from lode_monitoring.adapters.report_store import Context, ReportStore, StaleContext, Writes
from lode_monitoring.container import Monitoring
from lode_monitoring.domain.errors import MonitoringError
from lode_monitoring.domain.finding import reconcile
from lode_monitoring.domain.findings import evaluate
from lode_monitoring.domain.report import parse_output_report
from lode_monitoring.handlers.finding_store import finding_values, opened_event
from lode_monitoring.handlers.reports import (
    NotYourLicence,
    ReportExists,
    event_fields,
    finding_view,
    history_of,
    licence_key,
    refuse_unknown_licence,
    view_from,
)
from lode_monitoring.handlers.standards import StandardsInForce


@dataclass(frozen=True)
class Remember:
    """Store the answer under the caller's ``Idempotency-Key`` (with the write)."""

    scope: str
    key: str
    request_hash: str


@dataclass(frozen=True)
class Intake:
    """The answer (201) and the types of the events committed with it."""

    answer: dict[str, Any]
    event_types: tuple[str, ...]


async def submit(
    store: ReportStore,
    in_force: StandardsInForce,
    body: Mapping[str, Any],
    *,
    principal: Principal,
    plan_id: str,
    today: date,
    illustrative: bool = False,
    remember: Remember | None = None,
) -> Intake:
    """Judge and store a first report for its licence, year and period.

    The plan version in force comes with the context's read; its standards are those
    ``in_force`` keeps for that version (read from the replica once a version).
    PlanNotLoaded (no plan yet), InvalidReport (an invalid field; an unknown licence for
    staff), NotYourLicence (a key for another enterprise's licence, or for a licence number
    monitoring does not know: answered alike), ReportExists (the period is reported:
    correct it instead).

    A context the store remembered from an earlier report of the licence is trusted only
    as far as the write's check: a refusal judged with it, or a write that finds it
    stale, is judged again on a fresh read."""
    looked_up = licence_key(body.get("licence_no"))
    judged = functools.partial(
        _judged,
        store,
        in_force,
        body,
        principal=principal,
        plan_id=plan_id,
        today=today,
        illustrative=illustrative,
        remember=remember,
    )
    context = await store.context(plan_id, looked_up)
    try:
        return await judged(context)
    except (StaleContext, MonitoringError, NotYourLicence):
        if not context.remembered:
            raise
    return await judged(await store.context(plan_id, looked_up, fresh=True))


async def _judged(
    store: ReportStore,
    in_force: StandardsInForce,
    body: Mapping[str, Any],
    context: Context,
    *,
    principal: Principal,
    plan_id: str,
    today: date,
    illustrative: bool,
    remember: Remember | None,
) -> Intake:
    if context.plan_version is None:
        raise PlanNotLoaded(plan_id)
    standards = await in_force.of_version(plan_id, context.plan_version)
    mine = context.mine
    if mine is None:
        refuse_unknown_licence(
            principal,
            body.get("licence_no"),
            standards,
            body_errors=lambda: parse_output_report(body, standards=standards, today=today),
        )
    if not principal.is_staff and principal.enterprise != mine["holder_credit_code"]:
        raise NotYourLicence(mine["licence_no"])
    licence = view_from(mine)
    parsed = parse_output_report(body, standards=standards, today=today, licence=licence)
    history = history_of(context.history or (), standards, today)
    found = evaluate(parsed, licence, standards, today, history=history)

    now = datetime.now(UTC)
    report_id = str(uuid.uuid4())
    report: dict[str, Any] = {
        "id": report_id,
        "version": 1,
        "is_current": True,
        "licence_no": parsed.licence_no,
        "year": parsed.year,
        "period": parsed.period,
        "body": dict(body),
        "ore_mined_10kt": parsed.ore_mined_10kt,
        "reason": None,
        "submitted_by": principal.subject,
        "submitted_at": now,
        "illustrative": illustrative,
    }
    envelopes: list[Envelope] = [
        traced(
            catalog.OutputReported(**event_fields(report, parsed, mine["mineral"])).envelope(
                parsed.licence_no
            )
        )
    ]
    to_open, _ = reconcile((), found)  # a first version has no findings of its own yet
    findings = [finding_values(f, report_id=report_id, now=now) for f in to_open]
    envelopes += [traced(opened_event(f).envelope(f["licence_no"])) for f in findings]
    answer = {
        "id": report_id,
        "version": 1,
        "licence_no": parsed.licence_no,
        "year": parsed.year,
        "period": parsed.period,
        "findings": [finding_view(f) for f in found],
    }
    remembered = (
        {
            "scope": remember.scope,
            "key": remember.key,
            "request_hash": remember.request_hash,
            "status_code": 201,
            "response": answer,
            "created_at": now,
        }
        if remember is not None
        else None
    )
    writes = Writes(report, outbox_rows(envelopes), findings, remembered)
    if not await store.write(writes):
        existing = await store.current_report_id(parsed.licence_no, parsed.year, parsed.period)
        raise ReportExists(existing or "unknown")
    return Intake(answer, tuple(e.type for e in envelopes))


async def submit_report(
    service: Monitoring,
    body: Mapping[str, Any],
    *,
    principal: Principal,
    today: date,
    illustrative: bool = False,
    remember: Remember | None = None,
) -> Intake:
    """:func:`submit` against the service's plan, on a store of the intake's connections;
    once committed, the events are counted (``lode_events_emitted_total``) and the relay is
    woken, as a unit of work does."""
    runtime = service.runtime
    async with service.intake.store() as store:
        intake = await submit(
            store,
            service.standards,
            body,
            principal=principal,
            plan_id=await service.plan_id(),
            today=today,
            illustrative=illustrative,
            remember=remember,
        )
    count_emitted(intake.event_types)
    runtime.relay.notify()
    return intake


async def close_connections(runtime: ServiceRuntime) -> None:
    """The service stops: close the intake's own connections (``on_stop``)."""
    await Monitoring.of(runtime).intake.close()
