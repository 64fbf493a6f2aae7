"""``/zoning/v1/zones``: zones and planning blocks as GeoJSON; versions, retirement, import."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lode_common.errors import Conflict, InvalidInput, NotFound, Problem
from lode_common.http import MAX_INT32, MAX_OFFSET, CurrentPrincipal, Runtime, UoW
from lode_common.limits import (
    PLAN_ID_MAX,
    STRICT_BODY,
    TEXT_MAX,
    Text,
    text_problem,
)
from lode_zoning.api.deps import ANY_ROLE, PLANNER, invalid, json_body
from lode_zoning.api.geojson import (
    FEATURE_MEMBERS,
    collection,
    feature,
    feature_shape,
    zone_fields,
    zone_input,
)
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.handlers import zones
from lode_zoning.handlers.area_input import area_vertices
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import ZoneError, ZoneQuery

router = APIRouter(prefix="/zoning/v1/zones", tags=["zones"])
GEOJSON = "application/geo+json"
ZoneId = Annotated[str, Path(max_length=64, description="a zone's id (zone_version.zone_id)")]


class Reason(BaseModel):
    model_config = STRICT_BODY

    reason: Annotated[Text, Field(min_length=2, description="why (kept in the history)")]


def _problem(error: ZoneError) -> Problem:
    if isinstance(error, zones.UnknownPlan | zones.UnknownZone):
        return NotFound(error.message + ".")
    if isinstance(error, zones.ZoneConflict):
        return Conflict(error.message + ".")
    return InvalidInput.field(error.field or "properties", error.message)


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


def _geojson(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=GEOJSON)


@router.get("", dependencies=[ANY_ROLE], summary="Zones as a GeoJSON FeatureCollection")
async def list_zones(
    runtime: Runtime,
    plan_id: Annotated[str | None, Query(max_length=PLAN_ID_MAX)] = None,
    type: Annotated[list[str] | None, Query(description="zone type(s)")] = None,
    bbox: Annotated[str | None, Query(description="min_lon,min_lat,max_lon,max_lat")] = None,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> JSONResponse:
    query = ZoneQuery(
        plan_id=plan_id,
        types=type or (),
        bbox=_bbox(bbox),
        status=None if status == "all" else status,
        limit=limit,
        offset=offset,
    )
    async with runtime.sessions() as session:
        rows, total = await zones.search(session, query)
    return _geojson(collection(rows, total))


def _attachment(name: str) -> str:
    """``Content-Disposition`` for a download named after caller input: an ASCII fallback
    (anything else becomes ``_``) and the exact name as RFC 5987 ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/export", dependencies=[ANY_ROLE], summary="Export zones as a GeoJSON file")
async def export_zones(
    runtime: Runtime,
    plan_id: Annotated[str | None, Query(max_length=PLAN_ID_MAX)] = None,
    type: Annotated[list[str] | None, Query()] = None,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
) -> JSONResponse:
    query = ZoneQuery(
        plan_id=plan_id, types=type or (), status=None if status == "all" else status, limit=None
    )
    async with runtime.sessions() as session:
        rows, total = await zones.search(session, query)
    response = _geojson(collection(rows, total))
    response.headers["Content-Disposition"] = _attachment(f"zones-{plan_id or 'all'}.geojson")
    return response


@router.get("/{zone_id}", dependencies=[ANY_ROLE], summary="One zone (its current version)")
async def get_zone(
    zone_id: ZoneId,
    runtime: Runtime,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None,
) -> JSONResponse:
    async with runtime.sessions() as session:
        try:
            rows = await zones.history(session, zone_id)
        except ZoneError as error:
            raise _problem(error) from None
    row = rows[-1] if version is None else next((r for r in rows if r.version == version), None)
    if row is None:
        raise NotFound(f"Zone {zone_id} has no version {version}; it has 1..{len(rows)}.")
    return _geojson(feature(row))


@router.get(
    "/{zone_id}/history", dependencies=[ANY_ROLE], summary="Every version of a zone, oldest first"
)
async def zone_history(zone_id: ZoneId, runtime: Runtime) -> JSONResponse:
    async with runtime.sessions() as session:
        try:
            rows = await zones.history(session, zone_id)
        except ZoneError as error:
            raise _problem(error) from None
    return _geojson(collection(rows, len(rows)))


@router.post(
    "",
    dependencies=[PLANNER],
    status_code=201,
    summary="Create a zone from a GeoJSON Feature or a corner list",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def create_zone(request: Request, uow: UoW, principal: CurrentPrincipal) -> JSONResponse:
    body = await json_body(request)
    fields = zone_fields(body)  # before the plan is looked up: a wrong body is a 422
    assert isinstance(body, dict)
    try:
        plan = await zones.plan_in_force(uow.session, fields.plan_id)
        region = await zones.region_of(uow.session, plan)
        z = await run_geometry_work(area_vertices(body), lambda: zone_input(body, fields, region))
        row = await zones.create(uow, z, actor=principal.subject)
        await uow.commit()
    except ZoningDomainError as error:
        raise invalid(error) from None
    except ZoneError as error:
        raise _problem(error) from None
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
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
async def change_zone(
    zone_id: ZoneId, request: Request, uow: UoW, principal: CurrentPrincipal
) -> JSONResponse:
    body = await json_body(request)
    feature_shape(body)
    assert isinstance(body, dict)
    reason = _reason(body)
    try:
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
        region = await zones.region_of(uow.session, plan)
        z = await run_geometry_work(area_vertices(body), lambda: zone_input(body, fields, region))
        row = await zones.change(uow, zone_id, z, actor=principal.subject, reason=reason)
        await uow.commit()
    except ZoningDomainError as error:
        raise invalid(error) from None
    except ZoneError as error:
        raise _problem(error) from None
    return _geojson(feature(row))


@router.post(
    "/{zone_id}/retire",
    dependencies=[PLANNER],
    summary="Retire a zone (kept in history, no longer in force)",
)
async def retire_zone(
    zone_id: ZoneId, body: Reason, uow: UoW, principal: CurrentPrincipal
) -> JSONResponse:
    try:
        row = await zones.retire(uow, zone_id, actor=principal.subject, reason=body.reason)
        await uow.commit()
    except ZoneError as error:
        raise _problem(error) from None
    return _geojson(feature(row))
