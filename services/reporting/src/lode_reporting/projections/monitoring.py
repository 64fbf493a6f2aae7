"""Output and reserves reports, exploration results, project progress and findings, from
``lode.monitoring``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import (
    ExplorationResultReported,
    FindingClosed,
    FindingOpened,
    OutputCorrected,
    OutputReported,
    ProjectProgressReported,
    ReservesCorrected,
    ReservesReported,
)
from lode_common.events.envelope import Envelope
from lode_common.replica_rows import keep_newest
from lode_reporting.adapters.tables import (
    ReportingExploration,
    ReportingFinding,
    ReportingOutput,
    ReportingProgress,
    ReportingReserves,
)
from lode_reporting.projections.journal import aware


async def output_report(
    session: AsyncSession, envelope: Envelope, report: OutputReported | OutputCorrected
) -> None:
    """A report or its correction: the row keyed by report id takes the newest version, so
    a correction replaces the previous version's contribution."""
    await keep_newest(
        session,
        ReportingOutput,
        {"report_id": report.report_id},
        report.version,
        {
            "licence_no": report.licence_no,
            "year": report.year,
            "period": report.period,
            "mineral": report.mineral,
            "ore_mined_10kt": report.ore_mined_10kt,
            "products": [p.model_dump(mode="json") for p in report.products],
            "mining_recovery_pct": report.mining_recovery_pct,
            "processing_recovery_pct": report.processing_recovery_pct,
            "comprehensive_utilization_pct": report.comprehensive_utilization_pct,
            "disturbed_area_ha": report.disturbed_area_ha,
            "restored_area_ha": report.restored_area_ha,
            "output_value_cny_10k": report.output_value_cny_10k,
            "illustrative": report.illustrative,
            "event_id": envelope.id,
        },
    )


async def reserves_report(
    session: AsyncSession, envelope: Envelope, report: ReservesReported | ReservesCorrected
) -> None:
    """A reserves report (储量年报) or its correction: as for output reports, the row keyed by
    report id takes the newest version, so a correction replaces the previous figures."""
    await keep_newest(
        session,
        ReportingReserves,
        {"report_id": report.report_id},
        report.version,
        {
            "licence_no": report.licence_no,
            "year": report.year,
            "mineral": report.mineral,
            "opening_10kt": report.opening_10kt,
            "extracted_10kt": report.extracted_10kt,
            "lost_10kt": report.lost_10kt,
            "new_proven_10kt": report.new_proven_10kt,
            "recalculated_10kt": report.recalculated_10kt,
            "closing_10kt": report.closing_10kt,
            "illustrative": report.illustrative,
            "event_id": envelope.id,
        },
    )


async def exploration_result(
    session: AsyncSession, envelope: Envelope, result: ExplorationResultReported
) -> None:
    if await session.get(ReportingExploration, result.result_id) is not None:
        return
    session.add(
        ReportingExploration(
            result_id=result.result_id,
            licence_no=result.licence_no,
            year=result.year,
            mineral=result.mineral,
            new_resources_ore_10kt=result.new_resources_ore_10kt,
            event_id=envelope.id,
        )
    )


async def project_progress(
    session: AsyncSession, envelope: Envelope, progress: ProjectProgressReported
) -> None:
    if await session.get(ReportingProgress, progress.progress_id) is not None:
        return
    session.add(
        ReportingProgress(
            progress_id=progress.progress_id,
            project_id=progress.project_id,
            year=progress.year,
            completed_sheets=progress.completed_sheets,
            restored_area_ha=progress.restored_area_ha,
            site=progress.site,
            event_id=envelope.id,
        )
    )


async def finding_event(
    session: AsyncSession, envelope: Envelope, finding: FindingOpened | FindingClosed
) -> None:
    """Opened or closed: the finding's status follows its latest event; every event is
    kept in its history (in event time order)."""
    status = "closed" if isinstance(finding, FindingClosed) else "open"
    entry: dict[str, Any] = {
        "event_id": envelope.id,
        "type": envelope.type,
        "time": envelope.time.isoformat(),
        "status": status,
        "message": finding.message,
    }
    if isinstance(finding, FindingClosed):
        if finding.note:
            entry["note"] = finding.note
        if finding.closed_by:
            entry["closed_by"] = finding.closed_by
    row = await session.get(ReportingFinding, finding.finding_id)
    if row is None:
        session.add(
            ReportingFinding(
                finding_id=finding.finding_id,
                licence_no=finding.licence_no,
                code=finding.code,
                severity=finding.severity,
                message=finding.message,
                standard=finding.standard,
                year=finding.year,
                status=status,
                history=[entry],
                event_id=envelope.id,
                event_time=envelope.time,
            )
        )
        return
    row.history = sorted([*row.history, entry], key=lambda e: (e["time"], e["event_id"]))
    if aware(row.event_time) <= envelope.time:
        row.status, row.message, row.severity = status, finding.message, finding.severity
        row.event_id, row.event_time = envelope.id, envelope.time
