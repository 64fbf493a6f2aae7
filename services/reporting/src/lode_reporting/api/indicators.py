"""Plan indicators against their targets (规划指标监测): the year's figures, where each came
from (its events) and the trend from the 2020 baseline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import col

from lode_common.events.quantities import Quantity
from lode_common.openapi import problems
from lode_reporting.adapters.tables import JournalEntry
from lode_reporting.api.deps import STAFF, IndicatorId, PlanId, Service, YearQuery
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain.evaluate import Evaluation, evaluate
from lode_reporting.domain.measures import Facts
from lode_reporting.domain.plan import IndicatorDefinition
from lode_reporting.domain.status import Kind, Rules, Status
from lode_reporting.domain.succession import Baseline
from lode_reporting.projections.journal import aware, position
from lode_reporting.queries import succession
from lode_reporting.queries.facts import journal_state, snapshot

router = APIRouter(prefix="/reporting/v1", tags=["indicators"])


class AsOf(BaseModel):
    as_of: datetime | None
    as_of_position: int
    as_of_event_id: str | None


class IndicatorItem(BaseModel):
    id: str
    name_zh: str
    unit_zh: str
    target: Quantity
    target_text: str
    kind: Kind
    section: Literal["专栏2", "text"]
    year: int
    actual: Quantity | None
    status: Status
    clause: str
    baseline_2020: Quantity | None
    baseline_source: Literal["plan", "predecessor", "events"] | None = Field(
        None,
        description="where the baseline comes from: the plan's own figure, or (a successor "
        "plan) the predecessor's final actual of baseline_year",
    )
    baseline_year: int | None = None
    baseline_plan_id: str | None = Field(None, description="the predecessor, for its baseline")
    path: Quantity | None
    explanation: str
    definition_en: str
    name_en: str


class PlanStandingOut(BaseModel):
    """Where the plan stands today (规划期与接续): in_force, ended_in_force (its period has
    ended; it stays in force until a successor is approved), superseded, not_yet."""

    standing: Literal["in_force", "ended_in_force", "superseded", "not_yet"]
    period: tuple[int, int]
    successor_plan_id: str | None
    predecessor_plan_id: str | None
    message_zh: str
    message_en: str


class Indicators(AsOf):
    plan_id: str
    plan_version: int
    year: int
    standing: PlanStandingOut
    items: list[IndicatorItem]


class Source(BaseModel):
    event_id: str
    type: str
    time: datetime
    licence_no: str | None
    contribution: Quantity | None
    note: str


class Sources(AsOf):
    indicator_id: str
    year: int
    actual: Quantity | None
    unit_zh: str
    items: list[Source]


class TrendPoint(BaseModel):
    year: int
    actual: Quantity | None
    status: Status
    path: Quantity | None


class Trend(AsOf):
    id: str
    name_zh: str
    unit_zh: str
    target: Quantity
    target_text: str
    clause: str
    baseline_2020: Quantity | None
    baseline_source: Literal["plan", "predecessor", "events"] | None
    baseline_year: int | None = None
    years: list[TrendPoint]


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.0001"))


def _item(evaluation: Evaluation, baseline: Baseline | None = None) -> IndicatorItem:
    d = evaluation.definition
    return IndicatorItem(
        id=d.id,
        name_zh=d.name_zh,
        unit_zh=evaluation.unit_zh,
        target=d.target.target,
        target_text=d.target_text,
        kind=d.target.kind,
        section=d.section,
        year=evaluation.year,
        actual=_rounded(evaluation.figure.actual),
        status=evaluation.assessment.status,
        clause=d.clause,
        baseline_2020=d.target.baseline,
        baseline_source=baseline.source if baseline else None,
        baseline_year=baseline.year if baseline else None,
        baseline_plan_id=baseline.plan_id if baseline else None,
        path=_rounded(evaluation.assessment.path),
        explanation=evaluation.assessment.explanation,
        definition_en=evaluation.definition_en,
        name_en=evaluation.name_en,
    )


def _not_modified(request: Request, etag: str) -> Response | None:
    """304 when the caller already holds this answer (``If-None-Match``)."""
    held = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in held or "*" in held:
        return Response(status_code=304, headers={"ETag": etag})
    return None


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the `If-None-Match` ETag is current"}
}


@router.get(
    "/indicators",
    dependencies=[STAFF],
    response_model=Indicators,
    summary="Every indicator of 专栏2 and every text target: target, actual, status, clause",
    description="Answers carry a weak `ETag`; send it back in `If-None-Match` and an "
    "unchanged answer is a 304 with no body (a dashboard polling costs one small query).",
    responses={**NOT_MODIFIED, **problems(404)},
)
async def indicators(
    service: Service,
    request: Request,
    response: Response,
    year: YearQuery,
    plan_id: PlanId,
) -> Indicators | Response:
    async with snapshot(service.runtime.sessions) as session:
        plan = await service.plans.require(plan_id, session)
        document = plan.document
        plan_rules.check_year(document, year)
        state = await journal_state(session)
        etag = service.etag(state, plan.version)
        if (unchanged := _not_modified(request, etag)) is not None:
            return unchanged
        as_of = await position(session)
        facts = await service.facts.load(session, document, state)
        definitions, baselines = await succession.definitions(service, session, document)
        standing = await succession.plan_standing(service, session, plan_id, document)
    rules = service.rules
    items = [_item(evaluate(d, facts, year, rules), baselines.get(d.id)) for d in definitions]
    response.headers["ETag"] = etag
    return Indicators(
        plan_id=plan_id,
        plan_version=plan.version,
        year=year,
        standing=PlanStandingOut(
            standing=standing.standing,
            period=standing.period,
            successor_plan_id=standing.successor_plan_id,
            predecessor_plan_id=document.plan.predecessor_plan_id,
            message_zh=standing.message_zh,
            message_en=standing.message_en,
        ),
        items=items,
        **as_of,
    )


@router.get(
    "/indicators/{indicator_id}/sources",
    dependencies=[STAFF],
    response_model=Sources,
    summary="The events behind an indicator's figure for a year, with what each contributed",
    responses={**NOT_MODIFIED, **problems(404)},
)
async def sources(
    service: Service,
    request: Request,
    response: Response,
    indicator_id: IndicatorId,
    year: YearQuery,
    plan_id: PlanId,
) -> Sources | Response:
    async with snapshot(service.runtime.sessions) as session:
        plan = await service.plans.require(plan_id, session)
        document = plan.document
        definition = plan_rules.definition(document, indicator_id)
        plan_rules.check_year(document, year)
        state = await journal_state(session)
        etag = service.etag(state, plan.version)
        if (unchanged := _not_modified(request, etag)) is not None:
            return unchanged
        response.headers["ETag"] = etag
        as_of = await position(session)
        facts = await service.facts.load(session, document, state)
        evaluation = evaluate(definition, facts, year, service.rules)
        ids = [c.event_id for c in evaluation.figure.contributions]
        journal = {
            e.event_id: e
            for e in (
                await session.execute(
                    select(JournalEntry).where(col(JournalEntry.event_id).in_(ids))
                )
            ).scalars()
        }
    items = []
    for c in evaluation.figure.contributions:
        entry = journal[c.event_id]
        items.append(
            Source(
                event_id=c.event_id,
                type=entry.type,
                time=aware(entry.time),
                licence_no=c.licence_no,
                contribution=_rounded(c.amount),
                note=c.note,
            )
        )
    return Sources(
        indicator_id=indicator_id,
        year=year,
        actual=_rounded(evaluation.figure.actual),
        unit_zh=evaluation.unit_zh,
        items=items,
        **as_of,
    )


def _baseline(
    definition: IndicatorDefinition, facts: Facts, rules: Rules, source: Baseline | None
) -> tuple[Decimal | None, Literal["plan", "predecessor", "events"] | None]:
    if definition.target.baseline is not None:
        return definition.target.baseline, source.source if source else "plan"
    figure = evaluate(definition, facts, definition.target.base_year, rules).figure
    if figure.actual is not None:
        return figure.actual, "events"
    return None, None


@router.get(
    "/indicators/{indicator_id}/trend",
    dependencies=[STAFF],
    response_model=Trend,
    summary="An indicator's 2020 baseline and its figure for each year of the plan period",
    responses=problems(404),
)
async def trend(service: Service, indicator_id: IndicatorId, plan_id: PlanId) -> Trend:
    async with snapshot(service.runtime.sessions) as session:
        document = (await service.plans.require(plan_id, session)).document
        plan_rules.definition(document, indicator_id)  # UnknownIndicator: a 404
        definitions, baselines = await succession.definitions(service, session, document)
        definition = next(d for d in definitions if d.id == indicator_id)
        as_of = await position(session)
        facts = await service.facts.load(session, document)
    rules = service.rules
    first, last = plan_rules.period(document)
    points = []
    unit = definition.unit_zh
    for year in range(first, last + 1):
        evaluation = evaluate(definition, facts, year, rules)
        unit = evaluation.unit_zh
        points.append(
            TrendPoint(
                year=year,
                actual=_rounded(evaluation.figure.actual),
                status=evaluation.assessment.status,
                path=_rounded(evaluation.assessment.path),
            )
        )
    baseline, baseline_source = _baseline(definition, facts, rules, baselines.get(indicator_id))
    return Trend(
        id=definition.id,
        name_zh=definition.name_zh,
        unit_zh=unit,
        target=definition.target.target,
        target_text=definition.target_text,
        clause=definition.clause,
        baseline_2020=_rounded(baseline),
        baseline_source=baseline_source,
        baseline_year=definition.target.base_year if baseline is not None else None,
        years=points,
        **as_of,
    )
