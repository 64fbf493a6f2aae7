"""``POST /zoning/v1/analysis``: which zones and active licences an area overlaps.

An area of many vertices is read and analysed in a worker thread (``handlers.offload``), so
the event loop keeps answering; its vertices are bounded (``VERTICES_MAX``) before anything
of it is read. The answer carries the area itself only when it says something the caller
did not send: with ``?include=geometry``, or as the EPSG:4490 conversion of corners or of
projected coordinates (licensing keeps that conversion as the licence's area).
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
from lode_zoning.handlers.area_input import area_vertices, read_area
from lode_zoning.handlers.offload import run_geometry_work

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
    plan_id: PlanId | None = Field(None, description="only this plan's zones")
    exclude_licence: Code | None = Field(None, description="a licence not to count (its own)")


class ZoneHit(BaseModel):
    id: str
    type: str
    code: str
    name_zh: str
    plan_id: str
    overlap_ha: float


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


@router.post(
    "/analysis",
    dependencies=[ANY_ROLE],
    summary="Spatial analysis of an area",
    response_model=AnalysisResult,
    response_model_exclude_none=True,
    openapi_extra=request_body(AnalysisRequest),
    responses=problems(413),
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
    index = await parts.spatial_index.current()

    def work() -> tuple[Analysis, dict[str, Any] | None]:
        area = read_area(area_body, region=None)
        result = index.analyse(
            area.geometry, plan_id=body.plan_id, exclude_licence=body.exclude_licence
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
        }
    )
