"""The stages of a zone import, shared by the import and its preview (``dry_run``).

Every feature is checked as ``POST /zoning/v1/zones`` checks one, each problem named with
the feature's index (``features[3].properties.code``), in stages: the properties of every
feature, then the plans they name, then their areas (off the event loop, in one go), then
the zones are created in the unit of work. :func:`stage_import` runs them and leaves the
unit of work uncommitted: the import commits it when nothing was refused, the preview
rolls it back and says what each feature would have become. One path for both, so a
preview cannot promise what the import then refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lode_common.errors import InvalidInput
from lode_common.messaging.outbox import UnitOfWork
from lode_zoning.api.geojson import ZoneFields, zone_fields, zone_input
from lode_zoning.container import Zoning
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.handlers import zones
from lode_zoning.handlers.area_input import area_vertices
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import ZoneConflict, ZoneError, ZoneInput

IMPORT_ERRORS_MAX = 200
"""Problems one import answers: past them it stops looking (a file that wrong is redone)."""


@dataclass
class FeatureOutcome:
    """What became of one feature of the file: its checked fields and area, the zone it
    created in the unit of work, or its problems (none of them when it passed)."""

    number: int
    fields: ZoneFields | None = None
    zone: ZoneInput | None = None
    zone_id: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    code_taken: bool = False
    """Refused because its plan has a zone of its code already (the file's or the plan's)."""


@dataclass
class ImportRun:
    """The staged import: one outcome per feature, in the file's order, and every problem
    in the order the stages found them (the order the import's 422 lists them)."""

    outcomes: list[FeatureOutcome]
    errors: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, outcome: FeatureOutcome, errors: Sequence[dict[str, str]]) -> None:
        outcome.errors += errors
        self.errors += errors

    @property
    def full(self) -> bool:
        return len(self.errors) >= IMPORT_ERRORS_MAX

    @property
    def created(self) -> list[str]:
        return [o.zone_id for o in self.outcomes if o.zone_id is not None]

    def problem(self) -> InvalidInput | None:
        """The import's answer when anything was refused (nothing is imported then)."""
        if not self.errors:
            return None
        return InvalidInput(
            f"{len(self.errors)} problem(s) in the import; nothing was imported. Fix the "
            "features listed and import the whole file again.",
            errors=self.errors[:IMPORT_ERRORS_MAX],
        )


def _check_properties(
    run: ImportRun, features: Sequence[Any], defaults: dict[str, str], crs: Any
) -> list[tuple[FeatureOutcome, dict[str, Any]]]:
    """Stage 1: every feature's properties (no database, no geometry)."""
    checked: list[tuple[FeatureOutcome, dict[str, Any]]] = []
    for outcome, item in zip(run.outcomes, features, strict=True):
        prefix = f"features[{outcome.number}]."
        try:
            outcome.fields = zone_fields(item, defaults=defaults, prefix=prefix)
        except InvalidInput as error:
            run.refuse(
                outcome, error.errors or [{"field": prefix.rstrip("."), "message": error.detail}]
            )
        else:
            checked.append((outcome, {**item, "crs": item.get("crs", crs)} if crs else item))
        if run.full:
            break
    return checked


def _read_areas(
    checked: list[tuple[FeatureOutcome, dict[str, Any]]], regions: dict[str, Any]
) -> list[tuple[FeatureOutcome, list[dict[str, str]]]]:
    """Stage 3: every checked feature's area (the heavy part, run in one go off the loop);
    the outcomes get their zone, the problems are returned to be recorded in order."""
    refused: list[tuple[FeatureOutcome, list[dict[str, str]]]] = []
    count = 0
    for outcome, item in checked:
        assert outcome.fields is not None
        prefix = f"features[{outcome.number}]."
        try:
            outcome.zone = zone_input(item, outcome.fields, regions[outcome.fields.plan_id])
        except ZoningDomainError as error:
            errors = [
                {"field": prefix + e["field"], "message": e["message"]}
                for e in error.field_errors()
            ] or [{"field": prefix.rstrip("."), "message": error.detail}]
            refused.append((outcome, errors))
            count += len(errors)
        if count >= IMPORT_ERRORS_MAX:
            break
    return refused


async def stage_import(
    uow: UnitOfWork,
    parts: Zoning,
    features: Sequence[Any],
    *,
    defaults: dict[str, str],
    crs: Any,
    actor: str,
) -> ImportRun:
    """Check every feature and create its zone in ``uow``, which is left uncommitted."""
    run = ImportRun([FeatureOutcome(number) for number in range(len(features))])
    checked = _check_properties(run, features, defaults, crs)
    regions: dict[str, Any] = {}
    known: list[tuple[FeatureOutcome, dict[str, Any]]] = []
    for outcome, item in checked:  # stage 2: the plans the features name
        assert outcome.fields is not None
        plan_id = outcome.fields.plan_id
        try:
            if plan_id not in regions:
                plan = await zones.plan_in_force(uow.session, plan_id)
                regions[plan_id] = await parts.boundaries.region(uow.session, plan)
            known.append((outcome, item))
        except ZoneError as error:
            field_name = f"features[{outcome.number}].properties.plan_id"
            run.refuse(outcome, [{"field": field_name, "message": error.message}])
    vertices = sum(area_vertices(item) for _, item in known)
    for outcome, errors in await run_geometry_work(vertices, lambda: _read_areas(known, regions)):
        run.refuse(outcome, errors)
    for outcome, _ in known:  # stage 4: the zones, in the unit of work
        if outcome.zone is None:
            continue
        try:
            row = await zones.create(uow, outcome.zone, actor=actor)
            outcome.zone_id = row.zone_id
        except ZoneError as error:
            outcome.code_taken = isinstance(error, ZoneConflict)
            where = f"features[{outcome.number}].{error.field or 'properties'}"
            run.refuse(outcome, [{"field": where, "message": error.message}])
        if run.full:
            break
    return run
