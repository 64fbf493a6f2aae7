"""``POST /zoning/v1/analysis``: which zones and active licences an area overlaps."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lode_common.http import CurrentPrincipal, Runtime
from lode_zoning.adapters.spatial_index import IndexHolder
from lode_zoning.api.deps import ANY_ROLE, invalid
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.domain.geometry import shape_to_geojson
from lode_zoning.handlers.area_input import read_area

router = APIRouter(prefix="/zoning/v1", tags=["analysis"])


class AnalysisRequest(BaseModel):
    geometry: dict[str, Any] | None = Field(None, description="GeoJSON, EPSG:4490 lon/lat")
    corners: list[Any] | str | None = Field(
        None, description="[[X, Y], ...] (X northing, Y easting with zone prefix) or the text"
    )
    crs: str | dict[str, Any] | None = Field(None, description="e.g. EPSG:4528")
    plan_id: str | None = Field(None, description="only this plan's zones")
    exclude_licence: str | None = Field(None, description="a licence not to count (its own)")


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
    geometry: dict[str, Any] = Field(description="the area as analysed, GeoJSON EPSG:4490")
    zones: list[ZoneHit]
    licences: list[LicenceHit]


def index_of(runtime: Any) -> IndexHolder:
    holder = runtime.extensions.get("spatial_index")
    if holder is None:
        holder = runtime.extensions["spatial_index"] = IndexHolder(runtime.sessions)
    assert isinstance(holder, IndexHolder)
    return holder


@router.post(
    "/analysis",
    dependencies=[ANY_ROLE],
    summary="Spatial analysis of an area",
    response_model=AnalysisResult,
)
async def analyse(
    body: AnalysisRequest, runtime: Runtime, principal: CurrentPrincipal
) -> JSONResponse:
    try:
        area = read_area(body.model_dump(exclude_none=True), region=None)
    except ZoningDomainError as error:
        raise invalid(error) from None
    index = await index_of(runtime).current()
    result = index.analyse(
        area.geometry, plan_id=body.plan_id, exclude_licence=body.exclude_licence
    )
    # built as plain JSON (the hot path of the service): the shape is AnalysisResult's
    return JSONResponse(
        {
            "area_ha": float(result.area_ha),
            "geometry": shape_to_geojson(area.geometry),
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
