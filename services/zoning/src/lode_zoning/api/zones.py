"""``/zoning/v1/zones``: zones and planning blocks as GeoJSON; versions, retirement, import."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lode_common.errors import InvalidInput, NotFound
from lode_common.http import MAX_INT32, MAX_OFFSET, CurrentPrincipal, UoW
from lode_common.limits import (
    CODE_MAX,
    NAME_MAX,
    PLAN_ID_MAX,
    STRICT_BODY,
    TEXT_MAX,
    Text,
    text_pattern,
    text_problem,
    unsafe_character,
)
from lode_common.openapi import problems, request_body
from lode_zoning.api.deps import ANY_ROLE, PLANNER, ZoningParts, json_body
from lode_zoning.api.geojson import (
    FEATURE_MEMBERS,
    collection,
    feature,
    feature_shape,
    zone_fields,
    zone_input,
)
from lode_zoning.api.schemas import ZoneChange, ZoneCollection, ZoneFeature, ZoneFeatureIn
from lode_zoning.handlers import zones
from lode_zoning.handlers.area_input import area_vertices
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import ZoneQuery

router = APIRouter(prefix="/zoning/v1/zones", tags=["zones"])
GEOJSON = "application/geo+json"
_NUMBER = r"\s*[-+]?(\d{1,20}(\.\d{0,20})?|\.\d{1,20})([eE][-+]?\d{1,2})?\s*"
BBOX_PATTERN = f"^{_NUMBER}(,{_NUMBER}){{3}}$"
"""Four finite numbers, as `_bbox` reads them (published; `_bbox` checks their order)."""
ZoneId = Annotated[str, Path(max_length=64, description="a zone's id (zone_version.zone_id)")]


class Reason(BaseModel):
    model_config = STRICT_BODY

    reason: Annotated[Text, Field(min_length=2, description="why (kept in the history)")]


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidInput.field("bbox", "four numbers: min_lon,min_lat,max_lon,max_lat") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise InvalidInput.field("bbox", "four finite numbers: min_lon,min_lat,max_lon,max_lat")
    if west > east or south > north:
        raise InvalidInput.field("bbox", "min before max: min_lon,min_lat,max_lon,max_lat")
    return west, south, east, north


def _filter_text(name: str, value: str | None) -> str | None:
    """A text filter, stripped; 422 naming ``name`` when it carries an unsafe character."""
    if value is None or not value.strip():
        return None
    if unsafe := unsafe_character(value):
        raise InvalidInput.field(name, f"must not contain {unsafe}")
    return value.strip()


class GeoJSONResponse(JSONResponse):
    """A zone or zones, as ``application/geo+json`` (RFC 7946)."""

    media_type = GEOJSON


def _geojson(body: dict[str, Any], status: int = 200) -> GeoJSONResponse:
    return GeoJSONResponse(body, status_code=status)


@router.get(
    "",
    dependencies=[ANY_ROLE],
    summary="Zones as a GeoJSON FeatureCollection",
    response_model=ZoneCollection,
    response_class=GeoJSONResponse,
)
async def list_zones(
    parts: ZoningParts,
    plan_id: Annotated[str | None, Query(max_length=PLAN_ID_MAX)] = None,
    type: Annotated[list[str] | None, Query(description="zone type(s)")] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="min_lon,min_lat,max_lon,max_lat (min before max)",
            json_schema_extra={"pattern": BBOX_PATTERN},
        ),
    ] = None,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    code: Annotated[
        str | None,
        Query(
            max_length=CODE_MAX,
            description="the zone's code (编号), exactly",
            json_schema_extra={"pattern": text_pattern()},
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=NAME_MAX,
            description="part of the zone's name (name_zh) or code, either case",
            json_schema_extra={"pattern": text_pattern()},
        ),
    ] = None,
) -> GeoJSONResponse:
    query = ZoneQuery(
        plan_id=plan_id,
        types=type or (),
        code=_filter_text("code", code),
        text=_filter_text("q", q),
        bbox=_bbox(bbox),
        status=None if status == "all" else status,
        limit=limit,
        offset=offset,
    )
    async with parts.runtime.sessions() as session:
        rows, total = await zones.search(session, query)
    return _geojson(collection(rows, total))


def _attachment(name: str) -> str:
    """``Content-Disposition`` for a download named after caller input: an ASCII fallback
    (anything else becomes ``_``) and the exact name as RFC 5987 ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/export",
    dependencies=[ANY_ROLE],
    summary="Export zones as a GeoJSON file",
    response_model=ZoneCollection,
    response_class=GeoJSONResponse,
)
async def export_zones(
    parts: ZoningParts,
    plan_id: Annotated[str | None, Query(max_length=PLAN_ID_MAX)] = None,
    type: Annotated[list[str] | None, Query()] = None,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
) -> GeoJSONResponse:
    query = ZoneQuery(
        plan_id=plan_id, types=type or (), status=None if status == "all" else status, limit=None
    )
    async with parts.runtime.sessions() as session:
        rows, total = await zones.search(session, query)
    response = _geojson(collection(rows, total))
    response.headers["Content-Disposition"] = _attachment(f"zones-{plan_id or 'all'}.geojson")
    return response


@router.get(
    "/{zone_id}",
    dependencies=[ANY_ROLE],
    summary="One zone (its current version)",
    response_model=ZoneFeature,
    response_class=GeoJSONResponse,
    responses=problems(404),
)
async def get_zone(
    zone_id: ZoneId,
    parts: ZoningParts,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None,
) -> GeoJSONResponse:
    async with parts.runtime.sessions() as session:
        rows = await zones.history(session, zone_id)
    row = rows[-1] if version is None else next((r for r in rows if r.version == version), None)
    if row is None:
        raise NotFound(f"Zone {zone_id} has no version {version}; it has 1..{len(rows)}.")
    return _geojson(feature(row))


@router.get(
    "/{zone_id}/history",
    dependencies=[ANY_ROLE],
    summary="Every version of a zone, oldest first",
    response_model=ZoneCollection,
    response_class=GeoJSONResponse,
    responses=problems(404),
)
async def zone_history(zone_id: ZoneId, parts: ZoningParts) -> GeoJSONResponse:
    async with parts.runtime.sessions() as session:
        rows = await zones.history(session, zone_id)
    return _geojson(collection(rows, len(rows)))


@router.post(
    "",
    dependencies=[PLANNER],
    status_code=201,
    summary="Create a zone from a GeoJSON Feature or a corner list",
    openapi_extra=request_body(ZoneFeatureIn),
    response_model=ZoneFeature,
    response_class=GeoJSONResponse,
    responses=problems(404, 409, 413),
)
async def create_zone(
    request: Request, uow: UoW, principal: CurrentPrincipal, parts: ZoningParts
) -> GeoJSONResponse:
    body = await json_body(request)
    fields = zone_fields(body)  # before the plan is looked up: a wrong body is a 422
    assert isinstance(body, dict)
    plan = await zones.plan_in_force(uow.session, fields.plan_id)
    region = await parts.boundaries.region(uow.session, plan)
    z = await run_geometry_work(area_vertices(body), lambda: zone_input(body, fields, region))
    row = await zones.create(uow, z, actor=principal.subject)
    await uow.commit()
    return _geojson(feature(row), 201)


def _reason(body: dict[str, Any]) -> str:
    reason = body.get("reason")
    if reason is None:
        raise InvalidInput.field("reason", "required: say why the zone changes")
    problem = text_problem(reason, max_length=TEXT_MAX, multiline=True)
    if problem is None and len(str(reason).strip()) < 2:
        problem = "at least 2 characters: say why the zone changes"
    if problem is not None:
        raise InvalidInput.field("reason", problem)
    return str(reason)


@router.put(
    "/{zone_id}",
    dependencies=[PLANNER],
    summary="Change a zone: a new version (the old one is kept); 'reason' required",
    openapi_extra=request_body(ZoneChange),
    response_model=ZoneFeature,
    response_class=GeoJSONResponse,
    responses=problems(404, 409, 413),
)
async def change_zone(
    zone_id: ZoneId, request: Request, uow: UoW, principal: CurrentPrincipal, parts: ZoningParts
) -> GeoJSONResponse:
    body = await json_body(request)
    feature_shape(body)
    assert isinstance(body, dict)
    reason = _reason(body)
    old = await zones.current(uow.session, zone_id)
    defaults = {
        **old.properties,
        "plan_id": old.plan_id,
        "type": old.type,
        "code": old.code,
        "name_zh": old.name_zh,
        "minerals": old.minerals,
        "illustrative": old.illustrative,
    }
    fields = zone_fields(body, defaults=defaults, members=FEATURE_MEMBERS | {"reason"})
    body = {"geometry": old.geometry, **body}
    plan = await zones.plan_in_force(uow.session, old.plan_id)
    region = await parts.boundaries.region(uow.session, plan)
    z = await run_geometry_work(area_vertices(body), lambda: zone_input(body, fields, region))
    row = await zones.change(uow, zone_id, z, actor=principal.subject, reason=reason)
    await uow.commit()
    return _geojson(feature(row))


@router.post(
    "/{zone_id}/retire",
    dependencies=[PLANNER],
    summary="Retire a zone (kept in history, no longer in force)",
    response_model=ZoneFeature,
    response_class=GeoJSONResponse,
    responses=problems(404, 409),
)
async def retire_zone(
    zone_id: ZoneId, body: Reason, uow: UoW, principal: CurrentPrincipal
) -> GeoJSONResponse:
    row = await zones.retire(uow, zone_id, actor=principal.subject, reason=body.reason)
    await uow.commit()
    return _geojson(feature(row))
