"""``/zoning/v1/plans/{plan_id}/diff``: what changed between two versions of a plan."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from lode_common.errors import NotFound
from lode_common.http import MAX_INT32
from lode_common.openapi import problems
from lode_common.plan.diff import PlanChange, plan_changes
from lode_zoning.adapters.tables import PlanVersion
from lode_zoning.api.deps import ANY_ROLE, ZoningParts
from lode_zoning.api.plans import PlanIdPath
from lode_zoning.handlers import plans

router = APIRouter(prefix="/zoning/v1/plans", tags=["plans"])
VersionQuery = Annotated[int, Query(ge=1, le=MAX_INT32)]


class PlanChangeOut(BaseModel):
    section: str = Field(description="the document's section: indicators, entry_rules …")
    section_zh: str = Field(description="主要规划指标、准入规则 …")
    path: str = Field(
        description="where in the document of `to` (of `from` for a removed item), "
        "e.g. indicators.items[3].target"
    )
    key: str | None = Field(
        description="the item's identity (an id, a mineral, `mineral_zh / method`), "
        "or null for a figure outside any item"
    )
    kind: Literal["added", "removed", "changed"]
    before: Any = Field(description="the value in `from` (null when added)")
    after: Any = Field(description="the value in `to` (null when removed)")
    label_zh: str = Field(description="指标 building_stone_output 目标值 400 → 450")


class ChangeSummary(BaseModel):
    added: int
    removed: int
    changed: int


class PlanDiff(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    plan_id: str
    from_: int = Field(alias="from")
    to: int
    changes: list[PlanChangeOut]
    summary: ChangeSummary


@router.get(
    "/{plan_id}/diff",
    dependencies=[ANY_ROLE],
    summary="What changed between two versions of a plan (版本对比)",
    response_model=PlanDiff,
    responses=problems(404),
)
async def diff_versions(
    plan_id: PlanIdPath,
    parts: ZoningParts,
    from_: Annotated[
        int, Query(alias="from", ge=1, le=MAX_INT32, description="the earlier version")
    ],
    to: Annotated[int, Query(ge=1, le=MAX_INT32, description="the later version")],
) -> PlanDiff:
    async with parts.runtime.sessions() as session:
        latest = await plans.current_version(session, plan_id)
        if latest is None:
            raise NotFound(f"There is no plan {plan_id!r}; GET /zoning/v1/plans lists the plans.")
        before = await plans.version_of(session, plan_id, from_)
        after = before if to == from_ else await plans.version_of(session, plan_id, to)
    found_before = _found(before, "from", plan_id, from_, latest)
    found_after = _found(after, "to", plan_id, to, latest)
    changes = plan_changes(found_before.document, found_after.document)
    return PlanDiff(
        plan_id=plan_id,
        from_=from_,
        to=to,
        changes=[_out(c) for c in changes],
        summary=ChangeSummary(
            added=sum(c.kind == "added" for c in changes),
            removed=sum(c.kind == "removed" for c in changes),
            changed=sum(c.kind == "changed" for c in changes),
        ),
    )


def _found(
    row: PlanVersion | None, field: str, plan_id: str, version: int, latest: PlanVersion
) -> PlanVersion:
    if row is None:
        message = (
            f"没有第 {version} 版 (no version {version} of plan {plan_id!r}); "
            f"versions 1 to {latest.version} exist"
        )
        raise NotFound(f"{field}: {message}.", errors=[{"field": field, "message": message}])
    return row


def _out(change: PlanChange) -> PlanChangeOut:
    return PlanChangeOut(
        section=change.section,
        section_zh=change.section_zh,
        path=change.path,
        key=change.key,
        kind=change.kind,
        before=change.before,
        after=change.after,
        label_zh=change.label_zh,
    )
