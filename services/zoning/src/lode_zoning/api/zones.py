"""``/zoning/v1/zones``: zones and planning blocks as GeoJSON; versions, retirement, import."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lode_common.errors import Conflict, InvalidInput, NotFound, Problem
from lode_common.http import MAX_INT32, MAX_OFFSET, CurrentPrincipal, Runtime, UoW
from lode_common.json_body import parse_json
from lode_zoning.adapters.shapefile import read_zipped_shapefile, zone_properties
from lode_zoning.api.deps import ANY_ROLE, PLANNER, invalid
from lode_zoning.api.geojson import collection, feature, zone_input
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.handlers import zones
from lode_zoning.handlers.zones import ZoneError, ZoneQuery

router = APIRouter(prefix="/zoning/v1/zones", tags=["zones"])
GEOJSON = "application/geo+json"
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/octet-stream")


class Reason(BaseModel):
    reason: str = Field(min_length=2, max_length=1000, description="why (kept in the history)")


class ImportResult(BaseModel):
    created: int
    ids: list[str]


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
    if west > east or south > north:
        raise InvalidInput.field("bbox", "min before max: min_lon,min_lat,max_lon,max_lat")
    return west, south, east, north


def _geojson(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=GEOJSON)


@router.get("", dependencies=[ANY_ROLE], summary="Zones as a GeoJSON FeatureCollection")
async def list_zones(
    runtime: Runtime,
    plan_id: str | None = None,
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
    plan_id: str | None = None,
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
    zone_id: str, runtime: Runtime, version: Annotated[int | None, Query(ge=1, le=MAX_INT32)] = None
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
async def zone_history(zone_id: str, runtime: Runtime) -> JSONResponse:
    async with runtime.sessions() as session:
        try:
            rows = await zones.history(session, zone_id)
        except ZoneError as error:
            raise _problem(error) from None
    return _geojson(collection(rows, len(rows)))


async def _json_body(request: Request) -> Any:
    return parse_json(await request.body())


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
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", "send one GeoJSON Feature object")
    try:
        plan = await zones.plan_in_force(
            uow.session, str((body.get("properties") or {}).get("plan_id", ""))
        )
        region = await zones.region_of(uow.session, plan)
        row = await zones.create(uow, zone_input(body, region), actor=principal.subject)
        await uow.commit()
    except ZoningDomainError as error:
        raise invalid(error) from None
    except ZoneError as error:
        raise _problem(error) from None
    return _geojson(feature(row), 201)


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
    zone_id: str, request: Request, uow: UoW, principal: CurrentPrincipal
) -> JSONResponse:
    body = await _json_body(request)
    if not isinstance(body, dict):
        raise InvalidInput.field("body", "send one GeoJSON Feature object with 'reason'")
    reason = body.get("reason")
    if not isinstance(reason, str) or len(reason.strip()) < 2:
        raise InvalidInput.field("reason", "required: say why the zone changes")
    try:
        old = await zones.current(uow.session, zone_id)
        defaults = {
            "plan_id": old.plan_id,
            "type": old.type,
            "code": old.code,
            "name_zh": old.name_zh,
            "minerals": old.minerals,
            "illustrative": old.illustrative,
            **old.properties,
        }
        body = {"geometry": old.geometry, **body}
        plan = await zones.plan_in_force(uow.session, old.plan_id)
        region = await zones.region_of(uow.session, plan)
        z = zone_input(body, region, defaults=defaults)
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
    zone_id: str, body: Reason, uow: UoW, principal: CurrentPrincipal
) -> JSONResponse:
    try:
        row = await zones.retire(uow, zone_id, actor=principal.subject, reason=body.reason)
        await uow.commit()
    except ZoneError as error:
        raise _problem(error) from None
    return _geojson(feature(row))


@router.post(
    "/import",
    dependencies=[PLANNER],
    status_code=201,
    summary="Import a GeoJSON FeatureCollection or a zipped Shapefile (all or nothing)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/geo+json": {"schema": {"type": "object"}},
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def import_zones(
    request: Request,
    uow: UoW,
    principal: CurrentPrincipal,
    plan_id: Annotated[str | None, Query(description="for features that do not name one")] = None,
    type: Annotated[str | None, Query(description="for features that do not name one")] = None,
) -> ImportResult:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    defaults = {k: v for k, v in {"plan_id": plan_id, "type": type}.items() if v}
    crs: str | None = None
    if content_type in ZIP_TYPES:
        try:
            layer = read_zipped_shapefile(await request.body())
        except ZoningDomainError as error:
            raise invalid(error) from None
        crs = layer.crs.code
        features = [{**f, "properties": zone_properties(f["properties"])} for f in layer.features]
    else:
        body = await _json_body(request)
        if not isinstance(body, dict) or body.get("type") != "FeatureCollection":
            raise InvalidInput.field("type", "send a GeoJSON FeatureCollection or a zip")
        listed = body.get("features")
        if not isinstance(listed, list) or not listed:
            raise InvalidInput.field("features", "a non-empty list of Features")
        features = listed
        crs = body.get("crs")
    created: list[str] = []
    errors: list[dict[str, str]] = []
    regions: dict[str, Any] = {}
    for number, item in enumerate(features):
        prefix = f"features[{number}]."
        if not isinstance(item, dict):
            errors.append({"field": prefix.rstrip("."), "message": "not a Feature object"})
            continue
        item = {**item, "crs": item.get("crs", crs)} if crs else item
        try:
            wanted = str({**defaults, **(item.get("properties") or {})}.get("plan_id", ""))
            if wanted not in regions:
                plan = await zones.plan_in_force(uow.session, wanted)
                regions[wanted] = await zones.region_of(uow.session, plan)
            z = zone_input(item, regions[wanted], defaults=defaults, prefix=prefix)
            created.append((await zones.create(uow, z, actor=principal.subject)).zone_id)
        except ZoningDomainError as error:
            errors += [
                {"field": prefix + e["field"], "message": e["message"]}
                for e in error.field_errors()
            ] or [{"field": prefix.rstrip("."), "message": error.detail}]
        except InvalidInput as error:
            errors += error.errors or [{"field": prefix.rstrip("."), "message": error.detail}]
        except ZoneError as error:
            errors.append(
                {"field": prefix + (error.field or "properties"), "message": error.message}
            )
        if len(errors) >= 200:
            break
    if errors:
        await uow.rollback()
        raise InvalidInput(
            f"{len(errors)} problem(s) in the import; nothing was imported. Fix the features "
            "listed and import the whole file again.",
            errors=errors[:200],
        )
    await uow.commit()
    return ImportResult(created=len(created), ids=created)
