"""``POST /zoning/v1/zones/import``: a FeatureCollection or a zipped Shapefile, all or nothing;
with ``dry_run=true``, what it would do, feature by feature, and nothing stored.

This module reads the request (the collection's shape, or the Shapefile in the archive);
:mod:`.import_run` checks the features and creates the zones, :mod:`.import_preview` says
what a dry run would have done.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from lode_common.errors import INSTANCE_MAX, InvalidInput
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
from lode_zoning.api.import_preview import ImportPreview, preview
from lode_zoning.api.import_run import stage_import
from lode_zoning.api.schemas import ZoneImport
from lode_zoning.handlers.offload import THREAD_VERTICES, run_geometry_work

router = APIRouter(prefix="/zoning/v1/zones", tags=["zones"])
COLLECTION_MEMBERS = frozenset({"type", "features", "crs", "name", "bbox"})
"""The members of an imported FeatureCollection (``name`` and ``crs`` as GIS tools write)."""
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


async def _features(request: Request) -> tuple[list[Any], Any]:
    """The request's features and the ``crs`` they are in: a zipped Shapefile's, or a
    FeatureCollection's (its shape checked)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ZIP_TYPES:
        return _collection_features(await json_body(request))
    data = await request.body()
    layer = await run_geometry_work(THREAD_VERTICES, lambda: read_zipped_shapefile(data))
    features: list[Any] = [
        {**f, "properties": zone_properties(f["properties"])} for f in layer.features
    ]
    if len(features) > FEATURES_PER_IMPORT_MAX:
        raise InvalidInput.field(
            "file",
            f"at most {FEATURES_PER_IMPORT_MAX} features in one import, got "
            f"{len(features)}; split the layer and import each part",
        )
    return features, layer.crs.code


@router.post(
    "/import",
    dependencies=[PLANNER],
    status_code=201,
    summary="Import a GeoJSON FeatureCollection or a zipped Shapefile (all or nothing); "
    "dry_run=true: what it would do, nothing stored",
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
    response_model=ImportResult,
    responses={
        **problems(413),
        200: {
            "model": ImportPreview,
            "description": "dry_run=true: what the import would do with each feature "
            "(nothing is stored or published)",
        },
    },
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
    dry_run: Annotated[
        bool,
        Query(
            description="true: answer 200 with what the import would do, feature by feature "
            "(the same checks, the problems it would answer), and store nothing"
        ),
    ] = False,
) -> ImportResult | JSONResponse:
    defaults = _import_defaults(plan_id, type)
    features, crs = await _features(request)
    run = await stage_import(
        uow, parts, features, defaults=defaults, crs=crs, actor=principal.subject
    )
    if dry_run:
        answer = await preview(uow.session, run, request.url.path[:INSTANCE_MAX])
        await uow.rollback()
        return JSONResponse(answer.model_dump(mode="json"), status_code=200)
    problem = run.problem()
    if problem is not None:
        await uow.rollback()
        raise problem
    await uow.commit()
    return ImportResult(created=len(run.created), ids=run.created)
