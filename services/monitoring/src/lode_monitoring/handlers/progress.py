"""Exploration results and project progress stored with their events (one unit of work)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from lode_common.events import catalog
from lode_common.messaging.outbox import UnitOfWork
from lode_monitoring.adapters.tables import ExplorationResult, ProjectProgress
from lode_monitoring.domain import report


def record_exploration(
    uow: UnitOfWork, result: report.ExplorationResult, *, actor: str
) -> ExplorationResult:
    row = ExplorationResult(
        id=str(uuid.uuid4()),
        licence_no=result.licence_no,
        year=result.year,
        mineral=result.mineral_zh,
        new_resources_ore_10kt=result.new_resources_ore_10kt,
        submitted_by=actor,
        submitted_at=datetime.now(UTC),
    )
    uow.session.add(row)
    uow.emit(
        catalog.ExplorationResultReported(
            result_id=row.id,
            licence_no=row.licence_no,
            year=row.year,
            mineral=row.mineral,
            new_resources_ore_10kt=row.new_resources_ore_10kt,
        ),
        subject=row.licence_no or row.id,
    )
    return row


def record_progress(
    uow: UnitOfWork, progress: report.ProjectProgress, *, actor: str
) -> ProjectProgress:
    row = ProjectProgress(
        id=str(uuid.uuid4()),
        project_id=progress.project_id,
        year=progress.year,
        completed_sheets=progress.completed_sheets,
        restored_area_ha=progress.restored_area_ha,
        site=progress.site,
        submitted_by=actor,
        submitted_at=datetime.now(UTC),
    )
    uow.session.add(row)
    uow.emit(
        catalog.ProjectProgressReported(
            progress_id=row.id,
            project_id=row.project_id,
            year=row.year,
            completed_sheets=row.completed_sheets,
            restored_area_ha=row.restored_area_ha,
            site=row.site,
        ),
        subject=row.project_id,
    )
    return row
