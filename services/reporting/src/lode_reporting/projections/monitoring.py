"""Output reports, exploration results, project progress and findings, from
``lode.monitoring``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.envelope import Envelope
from lode_reporting.adapters.tables import (
    ReportingExploration,
    ReportingFinding,
    ReportingOutput,
    ReportingProgress,
)
from lode_reporting.projections.journal import aware


def _qty(value: Any) -> Decimal | None:
    return None if value is None else _exact(value)


def _exact(value: Any) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value)


async def output_report(session: AsyncSession, envelope: Envelope) -> None:
    """A report or its correction: the row keyed by report id takes the newest version, so
    a correction replaces the previous version's contribution."""
    data = envelope.data
    row = await session.get(ReportingOutput, data["report_id"])
    if row is not None and row.version >= data["version"]:
        return  # an older version delivered late
    state = {
        "version": data["version"],
        "licence_no": data["licence_no"],
        "year": data["year"],
        "period": data["period"],
        "mineral": data.get("mineral"),
        "ore_mined_10kt": _exact(data["ore_mined_10kt"]),
        "products": [
            {"name": p["name"], "grade_pct": p.get("grade_pct"), "output_10kt": p["output_10kt"]}
            for p in data.get("products") or []
        ],
        "mining_recovery_pct": _qty(data.get("mining_recovery_pct")),
        "processing_recovery_pct": _qty(data.get("processing_recovery_pct")),
        "comprehensive_utilization_pct": _qty(data.get("comprehensive_utilization_pct")),
        "disturbed_area_ha": _qty(data.get("disturbed_area_ha")),
        "restored_area_ha": _qty(data.get("restored_area_ha")),
        "illustrative": bool(data.get("illustrative", False)),
        "event_id": envelope.id,
    }
    if row is None:
        session.add(ReportingOutput(report_id=data["report_id"], **state))
        return
    for key, value in state.items():
        setattr(row, key, value)


async def exploration_result(session: AsyncSession, envelope: Envelope) -> None:
    data = envelope.data
    if await session.get(ReportingExploration, data["result_id"]) is not None:
        return
    session.add(
        ReportingExploration(
            result_id=data["result_id"],
            licence_no=data.get("licence_no"),
            year=data["year"],
            mineral=data["mineral"],
            new_resources_ore_10kt=_exact(data["new_resources_ore_10kt"]),
            event_id=envelope.id,
        )
    )


async def project_progress(session: AsyncSession, envelope: Envelope) -> None:
    data = envelope.data
    if await session.get(ReportingProgress, data["progress_id"]) is not None:
        return
    session.add(
        ReportingProgress(
            progress_id=data["progress_id"],
            project_id=data["project_id"],
            year=data["year"],
            completed_sheets=data.get("completed_sheets"),
            restored_area_ha=_qty(data.get("restored_area_ha")),
            site=data.get("site"),
            event_id=envelope.id,
        )
    )


async def finding_event(session: AsyncSession, envelope: Envelope) -> None:
    """Opened or closed: the finding's status follows its latest event; every event is
    kept in its history (in event time order)."""
    data = envelope.data
    status = "closed" if envelope.base_type.endswith(".closed") else "open"
    entry = {
        "event_id": envelope.id,
        "type": envelope.type,
        "time": envelope.time.isoformat(),
        "status": status,
        "message": data["message"],
        **({"note": data["note"]} if data.get("note") else {}),
        **({"closed_by": data["closed_by"]} if data.get("closed_by") else {}),
    }
    row = await session.get(ReportingFinding, data["finding_id"])
    if row is None:
        session.add(
            ReportingFinding(
                finding_id=data["finding_id"],
                licence_no=data["licence_no"],
                code=data["code"],
                severity=data["severity"],
                message=data["message"],
                standard=data["standard"],
                year=data.get("year"),
                status=status,
                history=[entry],
                event_id=envelope.id,
                event_time=envelope.time,
            )
        )
        return
    row.history = sorted([*row.history, entry], key=lambda e: (e["time"], e["event_id"]))
    if aware(row.event_time) <= envelope.time:
        row.status, row.message, row.severity = status, data["message"], data["severity"]
        row.event_id, row.event_time = envelope.id, envelope.time
