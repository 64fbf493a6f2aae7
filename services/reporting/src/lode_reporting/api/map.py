"""The map (一张图): current zones and licence areas as one GeoJSON FeatureCollection
(EPSG:4490 lon/lat), for the dashboard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlmodel import col

from lode_common.http import CurrentPrincipal, Runtime
from lode_reporting.adapters.tables import ReportingLicence, ReportingZone
from lode_reporting.api.deps import STAFF
from lode_reporting.projections.journal import position
from lode_reporting.queries.facts import snapshot

router = APIRouter(prefix="/reporting/v1", tags=["map"])


@router.get(
    "/map",
    dependencies=[STAFF],
    summary="Current zones and licence areas (GeoJSON FeatureCollection, EPSG:4490)",
)
async def map_features(runtime: Runtime, principal: CurrentPrincipal) -> dict[str, Any]:
    async with snapshot(runtime.sessions) as session:
        as_of = await position(session)
        zones = (
            await session.execute(
                select(ReportingZone)
                .where(col(ReportingZone.retired).is_(False))
                .order_by(col(ReportingZone.type), col(ReportingZone.code))
            )
        ).scalars()
        licences = (
            await session.execute(
                select(ReportingLicence).order_by(col(ReportingLicence.licence_no))
            )
        ).scalars()
        features: list[dict[str, Any]] = [
            {
                "type": "Feature",
                "geometry": z.geometry,
                "properties": {
                    "kind": "zone",
                    "zone_id": z.zone_id,
                    "type": z.type,
                    "code": z.code,
                    "name_zh": z.name_zh,
                    "illustrative": z.illustrative,
                },
            }
            for z in zones
            if z.geometry is not None
        ]
        for lic in licences:
            if lic.area is None:
                continue
            properties: dict[str, Any] = {
                "kind": "licence",
                "licence_no": lic.licence_no,
                "right_type": lic.right_type,
                "status": lic.status,
                "mineral": lic.mineral,
                "scale": lic.scale,
                "illustrative": lic.illustrative,
            }
            if principal.is_staff:
                properties["holder_name"] = lic.holder_name
            features.append({"type": "Feature", "geometry": lic.area, "properties": properties})
    return {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},
        "features": features,
        "as_of": as_of["as_of"].isoformat() if as_of["as_of"] else None,
        "as_of_position": as_of["as_of_position"],
    }
