"""``POST /zoning/v1/analysis``: which zones and active licences an area overlaps, each
zone with its conditions, and where the area lies against the plan's region (``region``:
inside and outside hectares, the distance when it is wholly outside; ``domain.region``).

An area of many vertices is read and analysed in a worker thread (``handlers.offload``), so
the event loop keeps answering; its vertices are bounded (``VERTICES_MAX``) before anything
of it is read. The answer carries the area itself only when it says something the caller
did not send: with ``?include=geometry``, or as the EPSG:4490 conversion of corners or of
projected coordinates (licensing keeps that conversion as the licence's area).

The region is the request's ``plan_id``'s (404 when there is no such plan), else the
deployment's plan (``settings.plan_id``); ``region`` is ``null`` only when that plan is not
published yet. With ``proposal_id`` (staff) the zones are those the proposal would make
and the region is its document's (``api.proposal_analysis``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from lode_common.http import CurrentPrincipal
from lode_common.limits import STRICT_BODY, Code, PlanId
from lode_common.openapi import problems, request_body
from lode_zoning.adapters.spatial_index import Analysis
from lode_zoning.api.deps import ANY_ROLE, ZoningParts, json_body, validated
from lode_zoning.api.proposal_analysis import index_under
from lode_zoning.api.schemas import (
    AN_AREA,
    CornersAsSent,
    CrsCode,
    Geometry,
    GeometryAsSent,
    NamedCrsAsSent,
)
from lode_zoning.domain.crs import CGCS2000
from lode_zoning.domain.geometry import shape_to_geojson
from lode_zoning.domain.region import PositionInRegion
from lode_zoning.handlers.area_input import area_vertices, read_area
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import UnknownPlan

router = APIRouter(prefix="/zoning/v1", tags=["analysis"])


class AnalysisRequest(BaseModel):
    """An area to analyse (``geometry``, or ``corners`` with ``crs``), and what to count."""

    model_config = ConfigDict(**STRICT_BODY, json_schema_extra=AN_AREA)

    geometry: GeometryAsSent | None = Field(
        None, description="GeoJSON, EPSG:4490 lon/lat (or projected, with crs)"
    )
    corners: CornersAsSent | None = Field(
        None, description="[[X, Y], ...] (X northing, Y easting with zone prefix) or the text"
    )
    crs: CrsCode | NamedCrsAsSent | None = Field(None, description="e.g. EPSG:4528")
    plan_id: PlanId | None = Field(
        None,
        description="only this plan's zones, and this plan's region (404 when there is no "
        "such plan); without it, every plan's zones and the deployment's plan's region",
    )
    exclude_licence: Code | None = Field(None, description="a licence not to count (its own)")
    proposal_id: Annotated[str, Field(max_length=36, pattern="^[A-Za-z0-9-]+$")] | None = Field(
        None,
        description="staff: analyse against the zones as they would be if this open plan "
        "adjustment proposal were approved (规划调整), and the region of its document",
    )


class ZoneHit(BaseModel):
    id: str
    type: str
    code: str
    name_zh: str
    plan_id: str
    overlap_ha: float
    conditions_zh: str | None = Field(
        description="the zone's conditions as its properties state them "
        "(properties.conditions_zh), e.g. what a 限采区 asks of a right; null when none"
    )


class RegionPosition(BaseModel):
    """Where the area lies against the plan's region (规划区域), measured as ``area_ha``
    (the Gauss-Kruger plane of the area's centroid): ``inside_ha + outside_ha = area_ha``."""

    basis: Literal["administrative_boundary", "approx_extent"] = Field(
        description="administrative_boundary: the union of the plan's active "
        "administrative_boundary zones (行政区界); approx_extent: the plan's "
        "region.approx_extent_lonlat box, while no boundary zone is loaded"
    )
    zones: list[str] = Field(
        description="ids of the administrative_boundary zones used ([] for approx_extent)"
    )
    inside_ha: float = Field(description="hectares of the area inside the region")
    outside_ha: float = Field(description="hectares outside it: area_ha - inside_ha")
    distance_m: float | None = Field(
        description="null when part of the area is inside (inside_ha > 0); else the "
        "shortest distance from the area to the region in metres, to the centimetre (0 when "
        "it only touches it)"
    )


class LicenceHit(BaseModel):
    licence_no: str
    overlap_ha: float
    right_type: str | None = Field(None, description="staff only")
    holder_credit_code: str | None = Field(
        None, description="staff only: a mine learns which licences it overlaps, not whose"
    )


class AnalysisResult(BaseModel):
    area_ha: float
    geometry: Geometry | None = Field(
        None,
        description="the area as analysed, GeoJSON EPSG:4490: with ?include=geometry, or when "
        "the area was sent as corners or in a projected CRS (its conversion, not an echo)",
    )
    zones: list[ZoneHit]
    licences: list[LicenceHit]
    region: RegionPosition | None = Field(
        description="against the region of plan_id, else of the deployment's plan; null "
        "only when that plan is not published yet"
    )


def region_json(position: PositionInRegion | None) -> dict[str, Any] | None:
    """``RegionPosition`` as JSON numbers (exact decimals written as numbers)."""
    if position is None:
        return None
    return {
        "basis": position.basis.value,
        "zones": list(position.zones),
        "inside_ha": float(position.inside_ha),
        "outside_ha": float(position.outside_ha),
        "distance_m": float(position.distance_m) if position.distance_m is not None else None,
    }


@router.post(
    "/analysis",
    dependencies=[ANY_ROLE],
    summary="Spatial analysis of an area",
    response_model=AnalysisResult,
    response_model_exclude_none=True,
    openapi_extra=request_body(AnalysisRequest),
    responses=problems(403, 404, 413),
)
async def analyse(
    request: Request,
    parts: ZoningParts,
    principal: CurrentPrincipal,
    include: Annotated[
        Literal["geometry"] | None,
        Query(description="'geometry': answer the area as analysed even when it was sent so"),
    ] = None,
) -> JSONResponse:
    # read by hand rather than by FastAPI: a body of megabytes is parsed off the event loop
    body = validated(AnalysisRequest, await json_body(request))
    fields = {"geometry": body.geometry, "corners": body.corners, "crs": body.crs}
    area_body = {k: v for k, v in fields.items() if v is not None}
    region_of = body.plan_id or parts.settings.plan_id
    if body.proposal_id is None:
        index = await parts.spatial_index.current()
    else:
        index, proposed = await index_under(parts, body.proposal_id, principal)
        region_of = body.plan_id or proposed
    if body.plan_id is not None and not index.has_plan(body.plan_id):
        raise UnknownPlan(
            f"there is no plan {body.plan_id!r}; GET /zoning/v1/plans lists them", "plan_id"
        )

    def work() -> tuple[Analysis, dict[str, Any] | None]:
        area = read_area(area_body, region=None)
        result = index.analyse(
            area.geometry,
            plan_id=body.plan_id,
            exclude_licence=body.exclude_licence,
            region_of=region_of,
        )
        # the caller has the area already when it sent it as lon/lat: no 4.5 MB echo
        converted = area.source_crs != CGCS2000.code
        geometry = shape_to_geojson(area.geometry) if include or converted else None
        return result, geometry

    result, geometry = await run_geometry_work(area_vertices(area_body), work)
    # built as plain JSON (the hot path of the service): the shape is AnalysisResult's
    return JSONResponse(
        {
            "area_ha": float(result.area_ha),
            **({"geometry": geometry} if geometry is not None else {}),
            "zones": [
                {
                    "id": z.zone.zone_id,
                    "type": z.zone.type,
                    "code": z.zone.code,
                    "name_zh": z.zone.name_zh,
                    "plan_id": z.zone.plan_id,
                    "overlap_ha": float(z.overlap_ha),
                    "conditions_zh": z.zone.conditions_zh,
                }
                for z in result.zones
            ],
            "licences": [
                {
                    "licence_no": lic.licence.licence_no,
                    "overlap_ha": float(lic.overlap_ha),
                    **(
                        {
                            "right_type": lic.licence.right_type,
                            "holder_credit_code": lic.licence.holder_credit_code,
                        }
                        if principal.is_staff
                        else {}
                    ),
                }
                for lic in result.licences
            ],
            "region": region_json(result.region),
        }
    )
