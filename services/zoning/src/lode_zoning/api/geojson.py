"""Zones as GeoJSON (RFC 7946): Features out, Features in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lode_common.errors import InvalidInput
from lode_zoning.adapters.tables import ZoneVersion
from lode_zoning.domain.geometry import Region
from lode_zoning.handlers.area_input import read_area
from lode_zoning.handlers.zones import ZoneInput

CORE = ("plan_id", "type", "code", "name_zh", "minerals", "illustrative")


def feature(row: ZoneVersion) -> dict[str, Any]:
    changed_at = (
        row.changed_at.isoformat()
        if row.changed_at.tzinfo
        else (row.changed_at.isoformat() + "+00:00")
    )
    return {
        "type": "Feature",
        "id": row.zone_id,
        "geometry": row.geometry,
        "properties": {
            **row.properties,
            "id": row.zone_id,
            "plan_id": row.plan_id,
            "type": row.type,
            "code": row.code,
            "name_zh": row.name_zh,
            "minerals": row.minerals,
            "status": row.status,
            "version": row.version,
            "area_ha": float(row.area_ha),
            "illustrative": row.illustrative,
            "changed_at": changed_at,
            "changed_by": row.changed_by,
            "reason": row.reason,
        },
    }


def collection(rows: Sequence[ZoneVersion], total: int) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [feature(r) for r in rows], "total": total}


def zone_input(
    body: Mapping[str, Any],
    region: Region | None,
    *,
    defaults: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> ZoneInput:
    """A Feature (geometry in EPSG:4490, or with ``crs``, or ``corners`` + ``crs``) as a zone.

    Raises ``InvalidInput`` for missing properties and a ``ZoningDomainError`` for the area.
    """
    if body.get("type") not in ("Feature", None):
        raise InvalidInput.field(f"{prefix}type", "send one GeoJSON Feature")
    props = body.get("properties")
    if not isinstance(props, Mapping):
        raise InvalidInput.field(f"{prefix}properties", "required: plan_id, type, code, name_zh")
    merged = {**(defaults or {}), **{k: v for k, v in props.items() if v is not None}}
    errors = [
        {"field": f"{prefix}properties.{name}", "message": "required"}
        for name in ("plan_id", "type", "code", "name_zh")
        if not isinstance(merged.get(name), str) or not str(merged[name]).strip()
    ]
    minerals = merged.get("minerals", [])
    if not isinstance(minerals, list) or not all(isinstance(m, str) for m in minerals):
        errors.append(
            {
                "field": f"{prefix}properties.minerals",
                "message": 'a list of mineral names, e.g. ["铁矿"]',
            }
        )
    if errors:
        raise InvalidInput(
            "The feature lacks properties a zone needs: "
            + ", ".join(e["field"] for e in errors)
            + ".",
            errors=errors,
        )
    area = read_area(body, region)
    return ZoneInput(
        plan_id=str(merged["plan_id"]),
        type=str(merged["type"]),
        code=str(merged["code"]).strip(),
        name_zh=str(merged["name_zh"]).strip(),
        geometry=area.geometry,
        minerals=list(minerals),
        illustrative=bool(merged.get("illustrative", False)),
        properties={
            k: v
            for k, v in merged.items()
            if k not in (*CORE, "id", "status", "version", "area_ha")
        },
    )
