"""The year's implementation report (:class:`~lode_reporting.report.model.AnnualReport`)
assembled from the read models: the same figures as ``/indicators`` for that year."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import select
from sqlmodel import col

from lode_common.cst import cst_date
from lode_common.events.catalog import LicenceCancelled, LicenceRevoked, LicenceSuspended
from lode_common.events.envelope import Envelope
from lode_common.events.registry import payload_class
from lode_common.plan.document import PlanDocument
from lode_common.plan.replica import PlanInForce
from lode_reporting.adapters.tables import (
    JournalEntry,
    ReportingExploration,
    ReportingFinding,
    ReportingLicence,
    ReportingLicenceVersion,
    ReportingOutput,
    ReportingProgress,
    ReportingReserves,
)
from lode_reporting.container import Reporting
from lode_reporting.domain import measures, plan
from lode_reporting.domain.evaluate import evaluate
from lode_reporting.domain.plan import IndicatorDefinition
from lode_reporting.domain.status import Rules
from lode_reporting.projections.journal import aware, position
from lode_reporting.queries import adjustments, grants, sections, succession, supervision
from lode_reporting.queries.facts import snapshot
from lode_reporting.report import model

CATEGORY_ZH = {"专栏2": "主要规划指标（专栏2）", "text": "规划文本目标"}
CLOSING = ("expired", "revoked", "cancelled")


def _target(definition: IndicatorDefinition) -> model.Target:
    if definition.target.kind == "at_least" and definition.section == "专栏2":
        return definition.target.target
    return definition.target_text


def _indicator_rows(
    document: PlanDocument,
    definitions: Sequence[IndicatorDefinition],
    facts: measures.Facts,
    year: int,
    rules: Rules,
) -> tuple[model.IndicatorRow, ...]:
    rows = []
    for definition in definitions:
        evaluation = evaluate(definition, facts, year, rules)
        actual, cumulative = evaluation.figure.actual, None
        if definition.cumulative and actual is not None:
            before = evaluate(definition, facts, year - 1, rules).figure.actual
            actual, cumulative = actual - (before or Decimal(0)), evaluation.figure.actual
        rows.append(
            model.IndicatorRow(
                id=definition.id,
                category_zh=CATEGORY_ZH[definition.section],
                name_zh=definition.name_zh,
                name_en=evaluation.name_en or evaluation.definition_en,
                unit_zh=evaluation.unit_zh,
                baseline_2020=definition.target.baseline,
                target=_target(definition),
                actual=actual,
                cumulative=cumulative,
                status=model.IndicatorStatus(evaluation.assessment.status),
                clause=definition.clause,
                nature_zh=plan.nature_zh(document, definition.id),
            )
        )
    return tuple(rows)


REASONED = (LicenceSuspended, LicenceRevoked, LicenceCancelled)
"""The licence events that say why (暂扣, 吊销, 注销)."""


def _reason(entry: JournalEntry) -> str | None:
    """Why a licence changed, from the event the journal kept, read as its catalog model."""
    envelope = Envelope.model_validate(entry.envelope)
    kind = payload_class(envelope.type)
    if kind is None or not issubclass(kind, REASONED):
        return None
    payload = kind.model_validate(envelope.data)
    return payload.reason if isinstance(payload, REASONED) else None


def _day(entry: dict[str, Any]) -> date:
    return cst_date(datetime.fromisoformat(entry["time"]))


def _findings(
    rows: Sequence[ReportingFinding], licences: dict[str, ReportingLicence], year: int
) -> model.Findings:
    """The year's findings, counted by code: those about the year (their ``year``), or
    for a finding about no year, those opened or closed in it (China Standard Time)."""
    counts: dict[str, list[int]] = {}
    items = []
    for row in sorted(rows, key=lambda r: (r.code, r.licence_no, r.finding_id)):
        opened = [_day(h) for h in row.history if h["status"] == "open"]
        closed = [_day(h) for h in row.history if h["status"] == "closed"]
        if row.year is not None:
            opened_in = opened[:1] if row.year == year else []
            closed_in = closed[-1:] if row.year == year and row.status == "closed" else []
        else:
            opened_in = [d for d in opened if d.year == year]
            closed_in = [d for d in closed if d.year == year]
        if not opened_in and not closed_in:
            continue
        tally = counts.setdefault(row.code, [0, 0])
        tally[0] += len(opened_in)
        tally[1] += len(closed_in)
        licence = licences.get(row.licence_no)
        items.append(
            model.FindingRow(
                licence_no=row.licence_no,
                holder=licence.holder_name if licence else "",
                mineral_zh=licence.mineral if licence else "",
                code=row.code,
                severity=cast(model.Severity, row.severity),
                message=row.message,
                standard=row.standard,
                opened_on=opened[0] if opened else closed[0],
                closed_on=closed[-1] if row.status == "closed" and closed else None,
            )
        )
    return model.Findings(
        counts=tuple(
            model.FindingCount(code=code, opened=o, closed=c)
            for code, (o, c) in sorted(counts.items())
        ),
        items=tuple(items),
    )


def plan_ref(plan_in_force: PlanInForce) -> model.PlanRef:
    """The plan a report measures and the version of its data used, as the report names it
    (the annual report, the final evaluation)."""
    document = plan_in_force.document
    info = document.plan
    return model.PlanRef(
        id=plan_in_force.plan_id,
        name_zh=info.title_zh,
        name_en=info.title_en or plan_in_force.plan_id,
        version=plan_in_force.version,
        period=plan.period(document),
        region_zh=document.region.name_zh,
        base_year=info.base_year,
        target_year=info.target_year,
    )


async def annual_report(service: Reporting, plan_id: str, year: int) -> model.AnnualReport:
    """The report of ``year`` for the plan version in force; ``PlanNotLoaded`` when no
    version has arrived; :class:`~lode_reporting.domain.plan.YearOutsidePlan` when the year
    is outside the plan period."""
    rules = service.rules
    async with snapshot(service.runtime.sessions) as session:
        plan_row = await service.plans.require(plan_id, session)
        document = plan_row.document
        plan.check_report_year(document, year)
        as_of = await position(session)
        facts = await service.facts.load(session, document)
        licences = {
            r.licence_no: r for r in (await session.execute(select(ReportingLicence))).scalars()
        }
        versions = (
            await session.execute(
                select(ReportingLicenceVersion, JournalEntry)
                .join(
                    JournalEntry,
                    col(JournalEntry.event_id) == col(ReportingLicenceVersion.event_id),
                )
                .where(
                    col(ReportingLicenceVersion.effective_on) >= date(year, 1, 1),
                    col(ReportingLicenceVersion.effective_on) <= date(year, 12, 31),
                )
            )
        ).all()
        findings = (await session.execute(select(ReportingFinding))).scalars().all()
        outputs = (
            (
                await session.execute(
                    select(ReportingOutput).where(col(ReportingOutput.year) == year)
                )
            )
            .scalars()
            .all()
        )
        progress = (await session.execute(select(ReportingProgress))).scalars().all()
        reserves = (
            (
                await session.execute(
                    select(ReportingReserves).where(col(ReportingReserves.year) == year)
                )
            )
            .scalars()
            .all()
        )
        explorations = (
            (
                await session.execute(
                    select(ReportingExploration).where(col(ReportingExploration.year) == year)
                )
            )
            .scalars()
            .all()
        )
        versions_kept, proposals, conflict_rows = await adjustments.load(session, plan_id)
        definitions, _ = await succession.definitions(service, session, document)
        grant_year = await grants.grant_year(session, year)
        supervised = await supervision.supervision_year(session, year, today=service.today())
    year_first, year_last = date(year, 1, 1), date(year, 12, 31)
    first, _ = plan.period(document)
    issued, closed = [], []
    for version, entry in versions:
        action = entry.type.rsplit(".", 2)[-2]
        licence = licences.get(version.licence_no)
        change = model.LicenceChange(
            licence_no=version.licence_no,
            holder=licence.holder_name if licence else "",
            mineral_zh=version.mineral,
            scale=cast(model.Scale | None, version.scale),
            right_type=cast(model.RightType, version.right_type),
            change=cast(model.LicenceChangeKind, action),
            on=version.effective_on,
            reason=_reason(entry),
        )
        if action == "issued":
            issued.append(change)
        elif action in CLOSING:
            closed.append(change)
    output_rows, output_value = sections.output_section(facts, document, year)
    restoration_target = next(
        (
            t.limit.min
            for t in document.text_targets
            if t.id == measures.RESTORATION_PROJECT and t.limit.min is not None
        ),
        Decimal(150),
    )
    project_names = {p.id: p.name_zh for p in document.projects}
    restoration_rows = [
        p
        for p in progress
        if p.project_id == measures.RESTORATION_PROJECT and first <= p.year <= year
    ]
    in_year = [p for p in restoration_rows if p.year == year]
    cumulative = sum((p.restored_area_ha or Decimal(0) for p in restoration_rows), Decimal(0))
    mines = []
    for row in sorted(outputs, key=lambda o: (o.licence_no, o.period)):
        if row.disturbed_area_ha is None and row.restored_area_ha is None:
            continue
        licence = licences.get(row.licence_no)
        planned = next(
            (
                Decimal(str(step["restored_area_ha"]))
                for step in (licence.restoration_plan if licence else [])
                if step["year"] == year
            ),
            None,
        )
        mines.append(
            model.MineRestoration(
                licence_no=row.licence_no,
                holder=licence.holder_name if licence else "",
                mineral_zh=row.mineral or (licence.mineral if licence else ""),
                disturbed_area_ha=row.disturbed_area_ha,
                restored_area_ha=row.restored_area_ha,
                planned_restored_ha=planned,
            )
        )
    return model.AnnualReport(
        plan=plan_ref(plan_row),
        year=year,
        as_of=cst_date(aware(as_of["as_of"])) if as_of["as_of"] else date(year, 12, 31),
        generated_at=datetime.now(UTC),
        indicators=_indicator_rows(document, definitions, facts, year, rules),
        findings=_findings(findings, licences, year),
        licences_issued=tuple(sorted(issued, key=lambda c: (c.on, c.licence_no))),
        licences_closed=tuple(sorted(closed, key=lambda c: (c.on, c.licence_no))),
        restoration=model.Restoration(
            target_ha=restoration_target,
            restored_cumulative_ha=cumulative,
            projects=tuple(
                model.RestorationProject(
                    project_id=p.project_id,
                    name_zh=project_names.get(p.project_id, p.project_id),
                    site=p.site,
                    restored_in_year_ha=p.restored_area_ha or Decimal(0),
                    restored_cumulative_ha=cumulative,
                )
                for p in sorted(in_year, key=lambda p: p.progress_id)
            ),
            mines=tuple(mines),
        ),
        output_by_mineral=output_rows,
        output_value=output_value,
        reserves_by_mineral=sections.reserves_section(facts, year),
        previous_plan=sections.previous_plan(document),
        adjustments=adjustments.adjustments(
            versions_kept, proposals, plan_id, year_first, year_last
        ),
        conflicts=adjustments.conflicts(conflict_rows, frozenset({plan_id}), year_first, year_last),
        grants=grant_year,
        supervision=supervised,
        exploration_results=tuple(
            model.ExplorationResult(
                mineral_zh=e.mineral,
                new_resources_ore_10kt=e.new_resources_ore_10kt,
                licence_no=e.licence_no,
                holder=licences[e.licence_no].holder_name if e.licence_no in licences else None,
            )
            for e in sorted(explorations, key=lambda e: e.result_id)
        ),
        illustrative=any(lic.illustrative for lic in licences.values())
        or any(o.illustrative for o in outputs)
        or any(r.illustrative for r in reserves),
    )
