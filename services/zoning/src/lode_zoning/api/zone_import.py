"""``POST /zoning/v1/zones/import``: a FeatureCollection or a zipped Shapefile, all or nothing.

Every feature is checked as ``POST /zoning/v1/zones`` checks one, each problem named with
the feature's index (``features[3].properties.code``), in stages: the properties of every
feature, then the plans they name, then their areas (off the event loop, in one go), then
the unit of work that creates them; any problem and nothing is imported.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from lode_common.errors import InvalidInput
from lode_common.http import CurrentPrincipal, UoW
from lode_common.limits import (
    CODE_MAX,
    FEATURES_PER_IMPORT_MAX,
    PLAN_ID_MAX,
    text_pattern,
    text_problem,
)
from lode_common.openapi import problems, request_body
from lode_zoning.adapters.shapefile import read_zipped_shapefile, zone_properties
from lode_zoning.api.deps import PLANNER, ZoningParts, json_body
from lode_zoning.api.geojson import ZoneFields, zone_fields, zone_input
from lode_zoning.api.schemas import ZoneImport
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.handlers import zones
from lode_zoning.handlers.area_input import area_vertices
from lode_zoning.handlers.offload import THREAD_VERTICES, run_geometry_work
from lode_zoning.handlers.zones import ZoneError, ZoneInput

router = APIRouter(prefix="/zoning/v1/zones", tags=["zones"])
COLLECTION_MEMBERS = frozenset({"type", "features", "crs", "name", "bbox"})
"""The members of an imported FeatureCollection (``name`` and ``crs`` as GIS tools write)."""
IMPORT_ERRORS_MAX = 200
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


class ImportResult(BaseModel):
    created: int
    ids: list[str]


def _import_defaults(plan_id: str | None, zone_type: str | None) -> dict[str, str]:
    """The query's ``plan_id`` and ``type``, for features that do not name one."""
    defaults = {}
    for name, value, limit in (("plan_id", plan_id, PLAN_ID_MAX), ("type", zone_type, CODE_MAX)):
        if value is None:
            continue
        if problem := text_problem(value, max_length=limit):
            raise InvalidInput.field(name, problem)
        defaults[name] = value
    return defaults


def _collection_features(body: Any) -> tuple[list[Any], Any]:
    """The features and the ``crs`` of an imported FeatureCollection, its shape checked."""
    if not isinstance(body, dict) or body.get("type") != "FeatureCollection":
        raise InvalidInput.field(
            "type",
            "send a GeoJSON FeatureCollection (or a zipped Shapefile); "
            "one Feature is created with POST /zoning/v1/zones",
        )
    unknown = [
        {"field": str(name)[:CODE_MAX], "message": "unknown member of a FeatureCollection"}
        for name in body
        if name not in COLLECTION_MEMBERS
    ]
    if unknown:
        raise InvalidInput(
            "The collection has members an import does not read; remove them.", errors=unknown
        )
    listed = body.get("features")
    if not isinstance(listed, list) or not listed:
        raise InvalidInput.field("features", "a non-empty list of Features")
    if len(listed) > FEATURES_PER_IMPORT_MAX:
        raise InvalidInput.field(
            "features",
            f"at most {FEATURES_PER_IMPORT_MAX} features in one import, got {len(listed)}; "
            "split the file and import each part",
        )
    return listed, body.get("crs")


def _read_areas(
    checked: list[tuple[int, dict[str, Any], ZoneFields]], regions: dict[str, Any]
) -> tuple[list[tuple[int, ZoneInput]], list[dict[str, str]]]:
    """Every checked feature's area (the heavy part of an import, run in one go)."""
    read: list[tuple[int, ZoneInput]] = []
    errors: list[dict[str, str]] = []
    for number, item, fields in checked:
        prefix = f"features[{number}]."
        try:
            read.append((number, zone_input(item, fields, regions[fields.plan_id])))
        except ZoningDomainError as error:
            errors += [
                {"field": prefix + e["field"], "message": e["message"]}
                for e in error.field_errors()
            ] or [{"field": prefix.rstrip("."), "message": error.detail}]
        if len(errors) >= IMPORT_ERRORS_MAX:
            break
    return read, errors


@router.post(
    "/import",
    dependencies=[PLANNER],
    status_code=201,
    summary="Import a GeoJSON FeatureCollection or a zipped Shapefile (all or nothing)",
    openapi_extra=request_body(
        ZoneImport,
        "application/geo+json",
        alternatives={
            "application/zip": {
                "schema": {
                    "type": "string",
                    "format": "binary",
                    "description": "a zipped Shapefile (.shp, .shx, .dbf, .prj)",
                }
            }
        },
    ),
    responses=problems(413),
)
async def import_zones(
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    parts: ZoningParts,
    # bounded by `_import_defaults` (its problems name the parameter as the import's field)
    plan_id: Annotated[
        str | None,
        Query(
            description="for features that name none",
            json_schema_extra={
                "minLength": 1,
                "maxLength": PLAN_ID_MAX,
                "pattern": text_pattern(),
            },
        ),
    ] = None,
    type: Annotated[
        str | None,
        Query(
            description="for features that name none",
            json_schema_extra={"minLength": 1, "maxLength": CODE_MAX, "pattern": text_pattern()},
        ),
    ] = None,
) -> ImportResult:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    defaults = _import_defaults(plan_id, type)
    crs: Any = None
    if content_type in ZIP_TYPES:
        data = await request.body()
        layer = await run_geometry_work(THREAD_VERTICES, lambda: read_zipped_shapefile(data))
        crs = layer.crs.code
        features: list[Any] = [
            {**f, "properties": zone_properties(f["properties"])} for f in layer.features
        ]
        if len(features) > FEATURES_PER_IMPORT_MAX:
            raise InvalidInput.field(
                "file",
                f"at most {FEATURES_PER_IMPORT_MAX} features in one import, got "
                f"{len(features)}; split the layer and import each part",
            )
    else:
        features, crs = _collection_features(await json_body(request))
    errors: list[dict[str, str]] = []
    checked: list[tuple[int, dict[str, Any], ZoneFields]] = []
    for number, item in enumerate(features):
        prefix = f"features[{number}]."
        try:
            fields = zone_fields(item, defaults=defaults, prefix=prefix)
        except InvalidInput as error:
            errors += error.errors or [{"field": prefix.rstrip("."), "message": error.detail}]
        else:
            item = {**item, "crs": item.get("crs", crs)} if crs else item
            checked.append((number, item, fields))
        if len(errors) >= IMPORT_ERRORS_MAX:
            break
    regions: dict[str, Any] = {}
    known: list[tuple[int, dict[str, Any], ZoneFields]] = []
    for number, item, fields in checked:
        try:
            if fields.plan_id not in regions:
                plan = await zones.plan_in_force(uow.session, fields.plan_id)
                regions[fields.plan_id] = await parts.boundaries.region(uow.session, plan)
            known.append((number, item, fields))
        except ZoneError as error:
            errors.append(
                {"field": f"features[{number}].properties.plan_id", "message": error.message}
            )
    vertices = sum(area_vertices(item) for _, item, _ in known)
    read, area_errors = await run_geometry_work(vertices, lambda: _read_areas(known, regions))
    errors += area_errors
    created: list[str] = []
    for number, z in read:
        try:
            created.append((await zones.create(uow, z, actor=principal.subject)).zone_id)
        except ZoneError as error:
            field = error.field or "properties"
            errors.append({"field": f"features[{number}].{field}", "message": error.message})
        if len(errors) >= IMPORT_ERRORS_MAX:
            break
    if errors:
        await uow.rollback()
        raise InvalidInput(
            f"{len(errors)} problem(s) in the import; nothing was imported. Fix the features "
            "listed and import the whole file again.",
            errors=errors[:IMPORT_ERRORS_MAX],
        )
    await uow.commit()
    return ImportResult(created=len(created), ids=created)
