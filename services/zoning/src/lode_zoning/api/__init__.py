"""HTTP routers of the zoning service, and the bodies they read by hand (published with
``lode_common.openapi.publish_bodies``)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter
from pydantic import BaseModel

from lode_common.openapi import HandReadBody
from lode_zoning.api import analysis, impact, plan_diff, plans, proposals, zone_import, zones
from lode_zoning.api.schemas import (
    MultiPolygon,
    NamedCrs,
    Polygon,
    ZoneChange,
    ZoneFeatureIn,
    ZoneImport,
)

ROUTERS: list[APIRouter] = [
    plans.router,
    plan_diff.router,
    proposals.router,
    impact.router,
    zone_import.router,
    zones.router,
    analysis.router,
]
BODIES: Sequence[type[BaseModel] | HandReadBody] = (
    analysis.AnalysisRequest,
    ZoneFeatureIn,
    ZoneChange,
    ZoneImport,
    Polygon,
    MultiPolygon,
    NamedCrs,
    plans.TO_PUBLISH,
    proposals.ProposalIn,
)
