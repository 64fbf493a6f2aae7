"""The plan period's final evaluation (终期评估, :class:`~lode_reporting.report.final_model.
FinalEvaluation`) from the read models: the annual report's indicators, evaluated at the
period's last year, with each year's figure, what was and was not achieved and why (said
from the figures), the adjustments, conflicts and findings over the period and the plan's
standing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select

from lode_common.cst import cst_date
from lode_common.plan.document import PlanDocument
from lode_reporting.adapters.tables import ReportingFinding, ReportingLicence
from lode_reporting.container import Reporting
from lode_reporting.domain import measures, plan
from lode_reporting.domain.evaluate import evaluate
from lode_reporting.domain.plan import IndicatorDefinition
from lode_reporting.domain.status import Rules
from lode_reporting.projections.journal import aware, position
from lode_reporting.queries import adjustments, succession
from lode_reporting.queries.annual import CATEGORY_ZH, _findings, _target, plan_ref
from lode_reporting.queries.facts import snapshot
from lode_reporting.report import final_model as final
from lode_reporting.report import model
from lode_reporting.report.text import quantity


def _why(
    definition: IndicatorDefinition,
    unit: str,
    outcome: final.Outcome,
    trend: Sequence[final.YearFigure],
    nature_zh: str | None,
) -> str:
    """What the figures say of the target (累计完成3幅，目标7幅，差4幅)."""
    last = trend[-1]
    goal = definition.target.target
    nature = f"（{nature_zh}指标）" if nature_zh else ""
    if last.actual is None:
        reported = [y for y in trend if y.actual is not None]
        if not reported:
            first_year, last_year = trend[0].year, trend[-1].year
            return f"规划期内（{first_year}—{last_year}年）无数据，无法评估{nature}"
        latest = reported[-1]
        return (
            f"{last.year}年无数据；最近有数据的{latest.year}年为"
            f"{quantity(latest.actual)}{unit}，目标{definition.target_text}{unit}{nature}"
        )
    if definition.cumulative and definition.target.kind == "at_least":
        line = f"累计完成{quantity(last.actual)}{unit}，目标{quantity(goal)}{unit}"
        gap = goal - last.actual
        if gap > 0:
            line += f"，差{quantity(gap)}{unit}"
        elif gap < 0:
            line += f"，超额{quantity(-gap)}{unit}"
    else:
        line = f"{last.year}年为{quantity(last.actual)}{unit}，目标{definition.target_text}{unit}"
    verdict = "，达到目标" if outcome == "achieved" else "，未达到目标"
    return line + verdict + nature


def _indicator(
    document: PlanDocument,
    definition: IndicatorDefinition,
    facts: measures.Facts,
    years: Sequence[int],
    rules: Rules,
) -> final.FinalIndicator:
    evaluations = [evaluate(definition, facts, year, rules) for year in years]
    closing = evaluations[-1]
    trend = tuple(final.YearFigure(year=e.year, actual=e.figure.actual) for e in evaluations)
    status = closing.assessment.status
    outcome: final.Outcome = (
        "achieved" if status == "met" else "no_data" if status == "no_data" else "not_achieved"
    )
    nature_zh = plan.nature_zh(document, definition.id)
    return final.FinalIndicator(
        id=definition.id,
        category_zh=CATEGORY_ZH[definition.section],
        name_zh=definition.name_zh,
        name_en=closing.name_en or closing.definition_en,
        unit_zh=closing.unit_zh,
        nature_zh=nature_zh,
        baseline=definition.target.baseline,
        target=_target(definition),
        final=closing.figure.actual,
        cumulative=definition.cumulative,
        outcome=outcome,
        why_zh=_why(definition, closing.unit_zh, outcome, trend, nature_zh),
        trend=trend,
        clause=definition.clause,
    )


def coverage(facts: measures.Facts, years: Sequence[int]) -> tuple[final.Coverage, ...]:
    """Each year: the mines in force at its end, and how many of them reported it."""
    out = []
    for year in years:
        mines = {m.licence_no for m in measures.mines_at_year_end(facts.versions, year)}
        reporting = {o.licence_no for o in measures.reports_of_year(facts.outputs, year)}
        out.append(final.Coverage(year=year, reporting=len(reporting & mines), mines=len(mines)))
    return tuple(out)


def _findings_over(
    rows: Sequence[ReportingFinding],
    licences: dict[str, ReportingLicence],
    years: Sequence[int],
) -> tuple[model.FindingCount, ...]:
    tally: dict[str, list[int]] = {}
    for year in years:
        for count in _findings(rows, licences, year).counts:
            sums = tally.setdefault(count.code, [0, 0])
            sums[0] += count.opened
            sums[1] += count.closed
    return tuple(
        model.FindingCount(code=code, opened=o, closed=c) for code, (o, c) in sorted(tally.items())
    )


async def final_evaluation(service: Reporting, plan_id: str) -> final.FinalEvaluation:
    """The final evaluation of ``plan_id`` (``PlanNotLoaded`` when it never reached
    reporting: a 404 naming plan_id)."""
    rules = service.rules
    async with snapshot(service.runtime.sessions) as session:
        plan_row = await service.plans.require(plan_id, session)
        document = plan_row.document
        as_of = await position(session)
        facts = await service.facts.load(session, document)
        definitions, _ = await succession.definitions(service, session, document)
        standing = await succession.plan_standing(service, session, plan_id, document)
        versions, proposals, conflict_rows = await adjustments.load(session, plan_id)
        licences = {
            r.licence_no: r for r in (await session.execute(select(ReportingLicence))).scalars()
        }
        findings = (await session.execute(select(ReportingFinding))).scalars().all()
    first, last = plan.period(document)
    years = list(range(first, last + 1))
    return final.FinalEvaluation(
        plan=plan_ref(plan_row),
        as_of=cst_date(aware(as_of["as_of"])) if as_of["as_of"] else date(last, 12, 31),
        generated_at=datetime.now(UTC),
        standing=standing.standing,
        standing_zh=standing.message_zh,
        standing_en=standing.message_en,
        indicators=tuple(_indicator(document, d, facts, years, rules) for d in definitions),
        coverage=coverage(facts, years),
        adjustments=adjustments.adjustments(
            versions, proposals, plan_id, date(first, 1, 1), date.max
        ),
        conflicts=adjustments.conflicts(
            conflict_rows, frozenset({plan_id}), date(first, 1, 1), date(last, 12, 31)
        ),
        findings=_findings_over(findings, licences, years),
        illustrative=any(lic.illustrative for lic in licences.values()),
    )
