"""The plan's adjustments (规划调整情况) and its conflicts with licences in force, for a span
of days (a report's year, a plan's whole period), from the plan history, the proposals and
the conflicts reporting keeps (:mod:`lode_reporting.projections.adjustments`).

The conversions are pure functions of the rows (:func:`adjustments`, :func:`conflicts`), so
the annual report and the final evaluation say the same thing of the same year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.cst import cst_date
from lode_common.plan.diff import plan_changes
from lode_reporting.adapters.tables import (
    ReportingConflict,
    ReportingPlanVersion,
    ReportingProposal,
)
from lode_reporting.projections.journal import aware
from lode_reporting.report import model


def decided_on(version: ReportingPlanVersion) -> date:
    """The day a version was approved, or, for one loaded without a date, published (CST)."""
    return version.approved_on or cst_date(aware(version.published_at))


def adjustments(
    versions: Sequence[ReportingPlanVersion],
    proposals: Sequence[ReportingProposal],
    plan_id: str,
    first: date,
    last: date,
) -> model.Adjustments:
    """The versions of ``plan_id`` after its first approved between ``first`` and ``last``,
    each against the version before it, and the proposals for it rejected in that span."""
    mine = sorted((v for v in versions if v.plan_id == plan_id), key=lambda v: v.version)
    by_version = {v.version: v for v in mine}
    by_proposal = {p.proposal_id: p for p in proposals}
    out = []
    for version in mine:
        if version.version <= 1 or not first <= decided_on(version) <= last:
            continue
        before = max((n for n in by_version if n < version.version), default=None)
        changes = (
            ()
            if before is None
            else tuple(
                model.PlanChangeLine(section_zh=c.section_zh, label_zh=c.label_zh)
                for c in plan_changes(by_version[before].document, version.document)
            )
        )
        proposal = by_proposal.get(version.proposal_id or "")
        out.append(
            model.Adjustment(
                plan_id=plan_id,
                version=version.version,
                approval_ref=version.approval_ref,
                approved_on=version.approved_on,
                published_on=cst_date(aware(version.published_at)),
                grounds=proposal.grounds if proposal else None,
                reason=proposal.reason if proposal else None,
                proposal_id=version.proposal_id,
                predecessor_plan_id=version.predecessor_plan_id,
                compared_with=before,
                changes=changes,
            )
        )
    rejected = tuple(
        model.RejectedProposal(
            proposal_id=p.proposal_id,
            grounds=p.grounds,
            reason=p.reason,
            rejected_on=p.decided_on,
            rejection_reason=p.rejection_reason,
        )
        for p in sorted(proposals, key=lambda p: (p.decided_on or first, p.proposal_id))
        if p.status == "rejected"
        and p.plan_id == plan_id
        and p.decided_on is not None
        and first <= p.decided_on <= last
    )
    return model.Adjustments(versions=tuple(out), rejected=rejected)


def conflicts(
    rows: Sequence[ReportingConflict], plan_ids: frozenset[str], first: date, last: date
) -> model.Conflicts:
    """Conflicts with ``plan_ids`` by rule: detected and resolved between ``first`` and
    ``last``, and open at the end of ``last`` (detected by then, not resolved by then)."""
    tally: dict[str, list[int]] = {}
    for row in rows:
        if row.plan_id not in plan_ids:
            continue
        counts = tally.setdefault(row.rule_id, [0, 0, 0])
        if row.detected_on is not None and first <= row.detected_on <= last:
            counts[0] += 1
        if row.resolved_on is not None and first <= row.resolved_on <= last:
            counts[1] += 1
        detected_by_end = row.detected_on is not None and row.detected_on <= last
        if detected_by_end and (row.resolved_on is None or row.resolved_on > last):
            counts[2] += 1
    return model.Conflicts(
        counts=tuple(
            model.ConflictCount(rule_id=rule, detected=d, resolved=r, open_at_end=o)
            for rule, (d, r, o) in sorted(tally.items())
            if d or r or o
        )
    )


async def load(
    session: AsyncSession, plan_id: str
) -> tuple[list[ReportingPlanVersion], list[ReportingProposal], list[ReportingConflict]]:
    """The plan's versions and proposals, and every conflict (each names its plan)."""
    versions = (
        (
            await session.execute(
                select(ReportingPlanVersion).where(col(ReportingPlanVersion.plan_id) == plan_id)
            )
        )
        .scalars()
        .all()
    )
    proposals = (
        (
            await session.execute(
                select(ReportingProposal).where(col(ReportingProposal.plan_id) == plan_id)
            )
        )
        .scalars()
        .all()
    )
    rows = (await session.execute(select(ReportingConflict))).scalars().all()
    return list(versions), list(proposals), list(rows)
