"""Zones as GeoJSON (RFC 7946): Features out, Features in.

A Feature coming in is checked in two steps. `zone_fields` reads what is not geometry
before the plan is looked up, so a wrong body is a 422 naming the field, never "no plan
''": strict types, bounded text without control characters, no unknown member and no
unknown property (a zone's properties are its columns, its ``note`` and its
``conditions_zh``; those the service writes itself, which an export carries, are ignored).
Then `zone_input` reads the area against the plan's region: the heavy part, run off the
event loop for large geometries.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from lode_common.errors import InvalidInput
from lode_common.limits import (
    CODE_MAX,
    MINERALS_PER_ZONE_MAX,
    NAME_MAX,
    PLAN_ID_MAX,
    TEXT_MAX,
    text_problem,
)
from lode_zoning.adapters.tables import ZoneVersion
from lode_zoning.domain.geometry import Region
from lode_zoning.handlers.area_input import read_area
from lode_zoning.handlers.zones import ZoneInput

CORE = ("plan_id", "type", "code", "name_zh", "minerals", "illustrative")
DERIVED = ("id", "status", "version", "area_ha", "changed_at", "changed_by", "reason")
"""Properties the service writes itself: an exported Feature sent back carries them, and
they are ignored (not stored as attributes)."""
FEATURE_MEMBERS: Final = frozenset(
    {"type", "id", "bbox", "geometry", "properties", "corners", "crs"}
)
"""The members a zone Feature may have: GeoJSON's, and ``corners``/``crs`` for the area."""

NOTES: Final = ("note", "conditions_zh")
"""The zone's own free texts, the properties besides ``CORE``, kept with the zone: its note
(备注) and its conditions (``conditions_zh``: what the zone asks of a right in it, e.g. a
限采区's 开采条件, which the analysis names with the zone)."""
KNOWN_PROPERTIES: Final = frozenset((*CORE, *DERIVED, *NOTES))


@dataclass(frozen=True)
class ZoneFields:
    """What a Feature says about a zone besides its area, checked."""

    plan_id: str
    type: str
    code: str
    name_zh: str
    minerals: list[str]
    illustrative: bool
    properties: dict[str, Any] = field(default_factory=dict)


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


def _shape_problem(body: object, prefix: str) -> dict[str, str] | None:
    """Why ``body`` is not one Feature object, if it is not."""
    if not isinstance(body, Mapping):
        return {"field": prefix.rstrip(".") or "body", "message": "send one GeoJSON Feature object"}
    kind = body.get("type")
    if kind in ("Feature", None):
        return None
    if kind == "FeatureCollection":
        message = (
            "one GeoJSON Feature is expected here, not a FeatureCollection; to create several "
            "zones at once, POST the collection to /zoning/v1/zones/import"
        )
    elif kind in ("Polygon", "MultiPolygon"):
        message = (
            f"one GeoJSON Feature is expected, not a bare {kind}: put the {kind} in the "
            "Feature's 'geometry' and the zone's plan_id, type, code and name_zh in 'properties'"
        )
    else:
        message = f"one GeoJSON Feature is expected (type 'Feature'), got {kind!r}"
    return {"field": f"{prefix}type", "message": message}


def feature_shape(body: object, prefix: str = "") -> None:
    """Raises ``InvalidInput`` (naming ``type``) when ``body`` is not one Feature object."""
    if shape := _shape_problem(body, prefix):
        message = shape["message"]
        raise InvalidInput(message[:1].upper() + message[1:] + ".", errors=[shape])


def _attributes(
    props: Mapping[str, Any],
    defaults: Mapping[str, Any],
    where: str,
    errors: list[dict[str, str]],
) -> dict[str, Any]:
    """The properties kept with a zone besides its columns: its texts, checked. A property
    the API does not know is refused, as an unknown field is everywhere; one an earlier
    version already holds (``defaults``) is carried over as it is."""
    kept = {k: v for k, v in defaults.items() if k not in KNOWN_PROPERTIES}
    for key in props:
        if key not in KNOWN_PROPERTIES:
            errors.append(
                {
                    "field": f"{where}{str(key)[:CODE_MAX]}",
                    "message": "unknown property; a zone's properties are "
                    + ", ".join((*CORE, *NOTES)),
                }
            )
    for key in NOTES:
        value = props.get(key, defaults.get(key))
        if value is None:
            continue
        if problem := text_problem(value, max_length=TEXT_MAX, multiline=True, required=False):
            errors.append({"field": f"{where}{key}", "message": problem})
        else:
            kept[key] = value
    return kept


def _text(
    merged: Mapping[str, Any], name: str, limit: int, where: str, errors: list[dict[str, str]]
) -> str:
    value = merged.get(name)
    if value is None:
        errors.append({"field": f"{where}{name}", "message": "required"})
        return ""
    problem = text_problem(value.strip() if isinstance(value, str) else value, max_length=limit)
    if problem:
        errors.append({"field": f"{where}{name}", "message": problem})
        return ""
    assert isinstance(value, str)
    return value.strip()


def _minerals(merged: Mapping[str, Any], where: str, errors: list[dict[str, str]]) -> list[str]:
    minerals = merged.get("minerals", [])
    if not isinstance(minerals, list):
        errors.append({"field": f"{where}minerals", "message": 'a list of names, e.g. ["铁矿"]'})
        return []
    if len(minerals) > MINERALS_PER_ZONE_MAX:
        errors.append(
            {
                "field": f"{where}minerals",
                "message": f"at most {MINERALS_PER_ZONE_MAX} minerals, got {len(minerals)}",
            }
        )
        return []
    names = []
    for i, name in enumerate(minerals):
        if problem := text_problem(name, max_length=CODE_MAX):
            errors.append({"field": f"{where}minerals[{i}]", "message": problem})
        else:
            names.append(name.strip())
    return names


def zone_fields(
    body: object,
    *,
    defaults: Mapping[str, Any] | None = None,
    prefix: str = "",
    members: Collection[str] = FEATURE_MEMBERS,
) -> ZoneFields:
    """The checked properties of a Feature (``defaults`` fill what it does not say).

    Raises ``InvalidInput`` listing every wrong field, each under ``prefix``: a body that is
    not one Feature, an unknown member, a missing, mistyped, overlong or unsafe property.
    """
    feature_shape(body, prefix)
    assert isinstance(body, Mapping)
    errors = [
        {
            "field": f"{prefix}{str(name)[:CODE_MAX]}",
            "message": f"unknown member; a zone Feature has {', '.join(sorted(members))}",
        }
        for name in body
        if name not in members
    ]
    props = body.get("properties")
    if props is not None and not isinstance(props, Mapping):
        errors.append(
            {"field": f"{prefix}properties", "message": "an object: plan_id, type, code, name_zh"}
        )
        props = {}
    merged = {**(defaults or {}), **{k: v for k, v in (props or {}).items() if v is not None}}
    where = f"{prefix}properties."
    plan_id = _text(merged, "plan_id", PLAN_ID_MAX, where, errors)
    zone_type = _text(merged, "type", CODE_MAX, where, errors)
    code = _text(merged, "code", CODE_MAX, where, errors)
    name_zh = _text(merged, "name_zh", NAME_MAX, where, errors)
    minerals = _minerals(merged, where, errors)
    illustrative = merged.get("illustrative", False)
    if not isinstance(illustrative, bool):
        errors.append({"field": f"{where}illustrative", "message": "true or false"})
    attributes = _attributes(
        {k: v for k, v in (props or {}).items() if v is not None}, defaults or {}, where, errors
    )
    if errors:
        raise InvalidInput(
            "The feature cannot be a zone as sent: "
            + ", ".join(dict.fromkeys(e["field"] for e in errors))
            + ".",
            errors=errors,
        )
    return ZoneFields(
        plan_id=plan_id,
        type=zone_type,
        code=code,
        name_zh=name_zh,
        minerals=minerals,
        illustrative=bool(illustrative),
        properties=attributes,
    )


def zone_input(body: Mapping[str, Any], fields: ZoneFields, region: Region | None) -> ZoneInput:
    """The zone: ``fields`` and the Feature's area (geometry in EPSG:4490, or with ``crs``,
    or ``corners`` + ``crs``). Raises a ``ZoningDomainError`` for the area."""
    area = read_area(body, region)
    return ZoneInput(
        plan_id=fields.plan_id,
        type=fields.type,
        code=fields.code,
        name_zh=fields.name_zh,
        geometry=area.geometry,
        minerals=list(fields.minerals),
        illustrative=fields.illustrative,
        properties=dict(fields.properties),
    )
