"""``/zoning/v1/plans``: the plans as versioned data (规划数据库)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from functools import partial
from typing import Annotated, Any

import yaml
from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from lode_common.cst import cst_today
from lode_common.errors import Conflict, InvalidInput, NotFound
from lode_common.http import MAX_INT32, CurrentPrincipal, UoW
from lode_common.limits import PLAN_ID_MAX, PLAN_NOTE_MAX, PLAN_NUMBER_MAX, text_problem
from lode_common.openapi import HandReadBody, problems, request_body
from lode_common.plan.document import (
    Indicators,
    MineralPolicy,
    PlanDocument,
    PlanRegion,
    Project,
    TextTarget,
    ZoneType,
)
from lode_common.plan.entry_rules import EntryRule
from lode_common.plan.standards import NationalStandards
from lode_common.plan.succession import Standing, standing
from lode_common.types import UtcDatetime
from lode_zoning.adapters.tables import PlanVersion
from lode_zoning.api.deps import ANY_ROLE, PLANNER, ZoningParts
from lode_zoning.handlers import plans

router = APIRouter(prefix="/zoning/v1/plans", tags=["plans"])
PARSE_IN_THREAD_BYTES = 64 * 1024
"""From this size a document is parsed in a worker thread (the Pingquan plan is ~20 KB)."""
PlanIdPath = Annotated[str, Path(max_length=PLAN_ID_MAX)]
NOTE_MAX = PLAN_NOTE_MAX
"""A publication's note: a line or two, sent in the query string."""
APPROVAL_REF_MAX = 300
"""A reference such as 承自然资规〔2026〕12号, or a line saying where the approval is."""
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class PlanSummary(BaseModel):
    plan_id: str
    version: int
    title_zh: str
    region_adcode: str
    parent_plan_id: str | None
    published_at: UtcDatetime
    published_by: str
    note: str | None = None
    approval_ref: str | None = Field(
        None, description="the approving level's reference (批准文号) the version rests on"
    )
    approved_on: date | None = None
    proposal_id: str | None = Field(
        None, description="the adjustment proposal (规划调整) it was approved from"
    )
    predecessor_plan_id: str | None = Field(None, description="the plan it succeeds (规划接续)")
    superseded_by: str | None = Field(None, description="the successor that closed it")
    standing: Standing | None = Field(
        None,
        description="in_force | ended_in_force (period over, no successor yet: stays in "
        "force) | superseded | not_yet, today in China Standard Time",
    )
    standing_zh: str | None = None
    standing_en: str | None = None


class PlanList(BaseModel):
    items: list[PlanSummary]
    total: int


class PlanInForce(PlanSummary):
    """The version in force: what the plan decides, and the national standards it uses
    (the sections of its document, as published)."""

    period: list[int] = Field(description="规划期 [2021, 2025]")
    region: PlanRegion
    indicators: Indicators = Field(description="专栏2 主要规划指标")
    text_targets: list[TextTarget]
    mineral_policy: MineralPolicy = Field(description="专栏3, 专栏4")
    entry_rules: list[EntryRule]
    zone_types: list[ZoneType]
    projects: list[Project]
    standards: NationalStandards = Field(description="national standards in force")


class PlanVersionDocument(PlanSummary):
    document: PlanDocument = Field(description="the whole document, as published")


TO_PUBLISH = HandReadBody(
    "PlanDocumentToPublish",
    PlanDocument,
    optional=("standards",),
    description="A plan document to publish; without `standards` it keeps the national "
    "standards of the version in force (or the bundled ones for a new plan).",
)


def _summary(row: PlanVersion, predecessors: Mapping[str, str | None] | None = None) -> PlanSummary:
    """The version's summary; with the published plans' ``predecessors``, where the plan
    stands today (``lode_common.plan.succession.standing``)."""
    summary = PlanSummary.model_validate(row, from_attributes=True)
    summary.predecessor_plan_id = row.document["plan"].get("predecessor_plan_id")
    period = row.document["plan"].get("period")
    if predecessors is not None and period:
        found = standing(row.plan_id, (period[0], period[1]), predecessors, cst_today())
        summary.standing = found.standing
        summary.standing_zh = found.message_zh
        summary.standing_en = found.message_en
    return summary


async def _predecessors(session: Any) -> dict[str, str | None]:
    return {
        r.plan_id: r.document["plan"].get("predecessor_plan_id")
        for r in await plans.current_plans(session)
    }


def _in_force(row: PlanVersion, predecessors: Mapping[str, str | None]) -> JSONResponse:
    """The answer as stored: the document was validated when it was published, and is
    sent as published (exact numbers, no nulls); its shape is `PlanInForce`'s."""
    doc = row.document
    return JSONResponse(
        {
            **_summary(row, predecessors).model_dump(mode="json"),
            "period": list(doc["plan"].get("period", [])),
            "region": doc["region"],
            "indicators": doc["indicators"],
            "text_targets": doc.get("text_targets", []),
            "mineral_policy": doc["mineral_policy"],
            "entry_rules": doc["entry_rules"],
            "zone_types": doc["zones"]["types"],
            "projects": doc.get("projects", []),
            "standards": doc["standards"],
        }
    )


@router.get("", dependencies=[ANY_ROLE], summary="The plans and their versions in force")
async def list_plans(parts: ZoningParts) -> PlanList:
    async with parts.runtime.sessions() as session:
        rows = await plans.current_plans(session)
    predecessors = {r.plan_id: r.document["plan"].get("predecessor_plan_id") for r in rows}
    return PlanList(items=[_summary(r, predecessors) for r in rows], total=len(rows))


@router.get(
    "/{plan_id}",
    dependencies=[ANY_ROLE],
    summary="A plan's version in force",
    response_model=PlanInForce,
    responses=problems(404),
)
async def get_plan(
    plan_id: PlanIdPath,
    parts: ZoningParts,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT32, description="a past version")] = None,
) -> JSONResponse:
    async with parts.runtime.sessions() as session:
        row = await (
            plans.version_of(session, plan_id, version)
            if version
            else plans.current_version(session, plan_id)
        )
        predecessors = await _predecessors(session)
    if row is None:
        raise _unknown(plan_id, version)
    return _in_force(row, predecessors)


@router.get(
    "/{plan_id}/versions",
    dependencies=[ANY_ROLE],
    summary="Every published version",
    responses=problems(404),
)
async def list_versions(plan_id: PlanIdPath, parts: ZoningParts) -> PlanList:
    async with parts.runtime.sessions() as session:
        rows = await plans.versions(session, plan_id)
    if not rows:
        raise _unknown(plan_id, None)
    return PlanList(items=[_summary(r) for r in rows], total=len(rows))


@router.get(
    "/{plan_id}/versions/{version}",
    dependencies=[ANY_ROLE],
    summary="One version's whole document",
    response_model=PlanVersionDocument,
    responses=problems(404),
)
async def get_version(
    plan_id: PlanIdPath, version: Annotated[int, Path(ge=1, le=MAX_INT32)], parts: ZoningParts
) -> JSONResponse:
    async with parts.runtime.sessions() as session:
        row = await plans.version_of(session, plan_id, version)
    if row is None:
        raise _unknown(plan_id, version)
    return JSONResponse({**_summary(row).model_dump(mode="json"), "document": row.document})


@router.put(
    "/{plan_id}",
    dependencies=[PLANNER],
    status_code=201,
    summary="Publish a new version of a plan document (JSON or YAML)",
    openapi_extra=request_body(TO_PUBLISH, "application/json", *YAML_TYPES),
    responses=problems(409, 413),
)
async def publish_plan(
    plan_id: PlanIdPath,
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    note: Annotated[
        str | None, Query(max_length=NOTE_MAX, description="why this version (kept with it)")
    ] = None,
    approval_ref: Annotated[
        str | None,
        Query(
            max_length=APPROVAL_REF_MAX,
            description="required: the approving level's reference (批准文号) of a plan "
            "approved elsewhere; an adjustment is proposed under /proposals instead",
        ),
    ] = None,
    approved_on: Annotated[date | None, Query(description="the approval's date")] = None,
) -> PlanSummary:
    if note is not None and (problem := text_problem(note, max_length=NOTE_MAX, multiline=True)):
        raise InvalidInput.field("note", problem)
    _check_approval(plan_id, approval_ref, approved_on)
    assert approval_ref is not None
    raw = await _document_from(request)
    row = await plans.publish(
        uow,
        plan_id=plan_id,
        raw=raw,
        actor=principal.subject,
        note=note,
        approval_ref=approval_ref.strip(),
        approved_on=approved_on,
    )
    try:
        await uow.commit()
    except IntegrityError:
        raise Conflict(
            f"Another version of {plan_id} was published at the same moment; read it with "
            f"GET /zoning/v1/plans/{plan_id} and publish again if yours is still needed."
        ) from None
    return _summary(row)


def _check_approval(plan_id: str, approval_ref: str | None, approved_on: date | None) -> None:
    """A direct publication loads a plan approved elsewhere: it says by what (批准文号)."""
    if approval_ref is None or not approval_ref.strip():
        raise InvalidInput.field(
            "approval_ref",
            "required: a version is published directly only when it was approved elsewhere; "
            "give the approving level's reference (批准文号), or propose the change with POST "
            f"/zoning/v1/plans/{plan_id}/proposals for the approving level to approve",
        )
    if problem := text_problem(approval_ref.strip(), max_length=APPROVAL_REF_MAX):
        raise InvalidInput.field("approval_ref", problem)
    if approved_on is not None and approved_on > cst_today():
        raise InvalidInput.field("approved_on", "in the future; give the approval's date")


async def _document_from(request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if not body:
        raise InvalidInput.field("body", "empty: send the plan document as JSON or YAML")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput.field("body", "not UTF-8 text; save the file as UTF-8") from None
    if content_type == "application/json":
        parse: Callable[[], Any] = partial(_json, text)
    elif content_type in YAML_TYPES or not content_type:
        parse = partial(yaml.safe_load, text)
    else:
        raise InvalidInput.field(
            "content-type",
            f"{content_type} is not accepted; send application/json or application/yaml",
        )
    try:
        # YAML is read in Python: a document of megabytes is seconds of CPU, off the loop
        raw = parse() if len(body) < PARSE_IN_THREAD_BYTES else await to_thread.run_sync(parse)
    except yaml.YAMLError as error:
        raise InvalidInput.field("body", f"not valid YAML: {error}") from None
    except RecursionError:
        raise InvalidInput.field(
            "body", "nested too deeply to read; send the plan document's own structure"
        ) from None
    except ValueError:  # an integer literal past Python's 4,300 digits (YAML or JSON)
        raise InvalidInput.field(
            "body",
            "a number has too many digits to read; a plan's figures are at most "
            f"{PLAN_NUMBER_MAX:,} in magnitude",
        ) from None
    if not isinstance(raw, dict):
        raise InvalidInput.field("body", "the document must be a mapping at its top level")
    return raw


def _json(text: str) -> Any:
    """Raises ``ValueError`` for a number of too many digits and ``RecursionError``."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput.field(
            "body", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def _unknown(plan_id: str, version: int | None) -> NotFound:
    what = f"version {version} of plan {plan_id!r}" if version else f"plan {plan_id!r}"
    return NotFound(f"There is no {what}; GET /zoning/v1/plans lists the plans.")
