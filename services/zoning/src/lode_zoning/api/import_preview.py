"""What a zone import would do, feature by feature (``POST /zoning/v1/zones/import?dry_run=true``).

The preview is the import run to its last stage and rolled back (:mod:`.import_run`): the
same checks, the same problems in the same words, nothing stored or published. The import
creates zones only, all or nothing; so each feature either passes (``create``) or is refused
(``refused``, with the problems the import's 422 lists for it), and past
``IMPORT_ERRORS_MAX`` problems the rest are ``unchecked`` as the import stops looking. A
feature refused because its code is taken says by what: a zone of the plan already stored
(``existing_zone_id``, what differs from it in ``fields``, its ``area_ha_before``), which
``PUT /zoning/v1/zones/{id}`` changes, or an earlier feature of the same file
(``duplicate_of``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field
from shapely.geometry import shape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_zoning.adapters.tables import ZoneVersion
from lode_zoning.api.geojson import NOTES
from lode_zoning.api.import_run import FeatureOutcome, ImportRun
from lode_zoning.domain.geometry import vertex_count
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import ZoneInput

Change = Literal["create", "refused", "unchecked"]
COMPARED = ("type", "name_zh", "minerals", "illustrative", *NOTES, "geometry")
"""What ``fields`` compares of a feature with the stored zone of its code (plan and code
are the same by definition)."""


class FieldProblem(BaseModel):
    field: str
    message: str


class PreviewItem(BaseModel):
    """One feature of the file, as the import would take it."""

    index: int = Field(description="the feature's place in the file (features[index])")
    change: Change = Field(
        description="create: it passes, and the import creates it unless another feature is "
        "refused (all or nothing); refused: see errors; unchecked: past the import's limit "
        "of problems, not looked at"
    )
    plan_id: str | None = None
    type: str | None = None
    code: str | None = None
    name_zh: str | None = None
    area_ha_after: float | None = Field(None, description="its area as the import reads it")
    area_ha_before: float | None = Field(
        None, description="the area of the stored zone of its code, when there is one"
    )
    existing_zone_id: str | None = Field(
        None, description="the stored zone of the plan with its code, which refuses it"
    )
    duplicate_of: int | None = Field(
        None, description="the earlier feature of the file with its code, which refuses it"
    )
    fields: list[str] = Field(
        default_factory=list,
        description="what differs from the stored zone of its code: " + ", ".join(COMPARED),
    )
    geometry: dict[str, Any] | None = Field(
        None, description="its area as it would be stored (EPSG:4490 GeoJSON), for the map"
    )
    errors: list[FieldProblem] = Field(
        default_factory=list, description="its problems, as the import's 422 lists them"
    )


class PreviewSummary(BaseModel):
    features: int
    create: int
    refused: int
    unchecked: int


class ImportPreview(BaseModel):
    """What ``POST /zoning/v1/zones/import`` would do with the same request."""

    dry_run: Literal[True] = True
    would_import: bool = Field(description="true: the import would create every feature")
    summary: PreviewSummary
    items: list[PreviewItem]
    problem: dict[str, Any] | None = Field(
        None, description="the problem details (422) the import would answer, or null"
    )


def _change(outcome: FeatureOutcome) -> Change:
    if outcome.zone_id is not None:
        return "create"
    return "refused" if outcome.errors else "unchecked"


async def _holders(
    session: AsyncSession, taken: Iterable[FeatureOutcome]
) -> dict[tuple[str, str], ZoneVersion]:
    """The zones in force that hold the codes of ``taken`` (by plan and code), read in the
    import's own transaction: those the file created before are among them."""
    wanted = {(o.zone.plan_id, o.zone.code) for o in taken if o.zone is not None}
    if not wanted:
        return {}
    rows = (
        await session.execute(
            select(ZoneVersion).where(
                col(ZoneVersion.is_current).is_(True),
                col(ZoneVersion.status) == "active",
                col(ZoneVersion.plan_id).in_({plan for plan, _ in wanted}),
                col(ZoneVersion.code).in_({code for _, code in wanted}),
            )
        )
    ).scalars()
    return {(r.plan_id, r.code): r for r in rows if (r.plan_id, r.code) in wanted}


def _differences(stored: ZoneVersion, zone: ZoneInput) -> list[str]:
    """The fields of ``COMPARED`` in which ``zone`` differs from ``stored`` (the areas
    compared as shapes: the same area drawn from another first vertex is the same)."""
    given = {
        "type": zone.type,
        "name_zh": zone.name_zh,
        "minerals": list(zone.minerals),
        "illustrative": zone.illustrative,
        **{note: zone.properties.get(note) for note in NOTES},
    }
    kept = {
        "type": stored.type,
        "name_zh": stored.name_zh,
        "minerals": list(stored.minerals),
        "illustrative": stored.illustrative,
        **{note: stored.properties.get(note) for note in NOTES},
    }
    differs = [name for name in COMPARED if name != "geometry" and given[name] != kept[name]]
    if stored.geometry != zone.geojson and not shape(stored.geometry).equals(zone.geometry):
        differs.append("geometry")
    return differs


async def preview(session: AsyncSession, run: ImportRun, instance: str) -> ImportPreview:
    """The preview of ``run``, read in its transaction before it is rolled back."""
    taken = [o for o in run.outcomes if o.code_taken]
    holders = await _holders(session, taken)
    made = {o.zone_id: o.number for o in run.outcomes if o.zone_id is not None}

    def compare() -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for o in taken:
            assert o.zone is not None
            holder = holders.get((o.zone.plan_id, o.zone.code))
            if holder is not None and holder.zone_id not in made:
                found[o.number] = _differences(holder, o.zone)
        return found

    vertices = sum(vertex_count(h.geometry) for h in holders.values())
    differences = await run_geometry_work(vertices, compare)
    items = [_item(o, holders, made, differences) for o in run.outcomes]
    problem = run.problem()
    counts = {change: sum(1 for i in items if i.change == change) for change in get_args(Change)}
    return ImportPreview(
        would_import=problem is None,
        summary=PreviewSummary(features=len(items), **counts),
        items=items,
        problem=problem.body(instance) if problem else None,
    )


def _item(
    outcome: FeatureOutcome,
    holders: dict[tuple[str, str], ZoneVersion],
    made: dict[str, int],
    differences: dict[int, list[str]],
) -> PreviewItem:
    fields, zone = outcome.fields, outcome.zone
    item = PreviewItem(
        index=outcome.number,
        change=_change(outcome),
        plan_id=fields.plan_id if fields else None,
        type=fields.type if fields else None,
        code=fields.code if fields else None,
        name_zh=fields.name_zh if fields else None,
        area_ha_after=float(zone.area_ha) if zone else None,
        geometry=zone.geojson if zone else None,
        errors=[FieldProblem(**e) for e in outcome.errors],
    )
    holder = holders.get((zone.plan_id, zone.code)) if zone and outcome.code_taken else None
    if holder is not None and holder.zone_id in made:
        item.duplicate_of = made[holder.zone_id]
    elif holder is not None:
        item.existing_zone_id = holder.zone_id
        item.area_ha_before = float(holder.area_ha)
        item.fields = differences.get(outcome.number, [])
    return item
