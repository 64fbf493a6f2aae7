"""The zone features riding along a plan adjustment proposal, read against today's zones.

A feature with ``properties.id`` of a current zone of the adjusted plan changes that zone
(what it does not say is kept); ``properties.retire: true`` with an id retires it; a
feature without an id is a new zone. For a successor plan (规划接续) every current zone of
the predecessor the proposal does not retire is carried over to the successor (copied,
under new ids), with its change when it has one.

Features are checked as ``POST /zoning/v1/zones/import`` checks them (``zone_fields``,
``zone_input``), every problem named ``zones[3].properties.code``; they are read when the
proposal is sent and read again on approval (the zones may have moved meanwhile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.errors import InvalidInput
from lode_common.limits import FEATURES_PER_IMPORT_MAX
from lode_zoning.adapters.tables import PlanVersion, ZoneVersion
from lode_zoning.api.geojson import FEATURE_MEMBERS, feature_shape, zone_fields, zone_input
from lode_zoning.domain.errors import ZoningDomainError
from lode_zoning.domain.geometry import Region
from lode_zoning.handlers.area_input import area_vertices
from lode_zoning.handlers.boundaries import Boundaries
from lode_zoning.handlers.offload import run_geometry_work
from lode_zoning.handlers.zones import ZoneInput

ERRORS_MAX = 200
RETIRE = "retire"


@dataclass
class ZoneChanges:
    """What the proposal's features do to the zones, read and checked."""

    created: list[ZoneInput] = field(default_factory=list)
    changed: dict[str, ZoneInput] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    carried: list[ZoneVersion] = field(default_factory=list)
    """successor only: the predecessor's zones copied unchanged"""

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "changed": len(self.changed),
            "retired": len(self.retired),
            "zones_carried_over": len(self.carried) + (len(self.changed) if self.carried else 0),
        }


async def current_zones(session: AsyncSession, plan_id: str) -> list[ZoneVersion]:
    """The plan's current active zones."""
    query = select(ZoneVersion).where(
        col(ZoneVersion.plan_id) == plan_id,
        col(ZoneVersion.is_current).is_(True),
        col(ZoneVersion.status) == "active",
    )
    return list((await session.execute(query)).scalars())


def _defaults(old: ZoneVersion | None, plan_id: str) -> dict[str, Any]:
    if old is None:
        return {"plan_id": plan_id}
    return {
        **old.properties,
        "plan_id": plan_id,
        "type": old.type,
        "code": old.code,
        "name_zh": old.name_zh,
        "minerals": old.minerals,
        "illustrative": old.illustrative,
    }


def _error(errors: list[dict[str, str]], where: str, message: str) -> None:
    errors.append({"field": where, "message": message})


async def read_zone_changes(
    session: AsyncSession,
    boundaries: Boundaries,
    features: Sequence[Any],
    *,
    plan: PlanVersion,
    proposed_plan_id: str,
    document: Mapping[str, Any],
) -> ZoneChanges:
    """The proposal's zone features (``zones``) read against ``plan``'s current zones.
    Raises ``InvalidInput`` listing every problem, each named ``zones[i]...``."""
    if len(features) > FEATURES_PER_IMPORT_MAX:
        raise InvalidInput.field(
            "zones", f"at most {FEATURES_PER_IMPORT_MAX} features, got {len(features)}"
        )
    succession = proposed_plan_id != plan.plan_id
    existing = {z.zone_id: z for z in await current_zones(session, plan.plan_id)}
    types = {t["id"] for t in document["zones"]["types"]}
    region = await _region(session, boundaries, plan, document, succession)
    errors: list[dict[str, str]] = []
    changes = ZoneChanges()
    read: list[tuple[int, str | None, dict[str, Any], Any]] = []
    seen: set[str] = set()
    for number, item in enumerate(features):
        prefix = f"zones[{number}]."
        try:
            feature_shape(item, prefix)
        except InvalidInput as error:
            errors += error.errors or []
            continue
        props = item.get("properties")
        props = dict(props) if isinstance(props, Mapping) else props
        zone_id = props.get("id") if isinstance(props, dict) else None
        retire = props.pop(RETIRE, False) if isinstance(props, dict) else False
        if not isinstance(retire, bool):
            _error(errors, f"{prefix}properties.retire", "true or false")
            continue
        if zone_id is not None and (not isinstance(zone_id, str) or zone_id not in existing):
            _error(
                errors,
                f"{prefix}properties.id",
                f"not a current zone of plan {plan.plan_id}; leave id out for a new zone "
                "(GET /zoning/v1/zones lists them)",
            )
            continue
        if zone_id is not None and zone_id in seen:
            _error(errors, f"{prefix}properties.id", "this zone is named by another feature")
            continue
        if retire:
            if zone_id is None:
                _error(errors, f"{prefix}properties.id", "required to retire a zone")
            else:
                seen.add(zone_id)
                changes.retired.append(zone_id)
            continue
        if zone_id is not None:
            seen.add(zone_id)
        old = existing.get(zone_id) if zone_id else None
        try:
            fields = zone_fields(
                {**item, "properties": props},
                defaults=_defaults(old, proposed_plan_id),
                prefix=prefix,
                members=FEATURE_MEMBERS,
            )
        except InvalidInput as error:
            errors += error.errors or []
            continue
        if fields.plan_id != proposed_plan_id:
            _error(
                errors, f"{prefix}properties.plan_id", f"the proposal's plan is {proposed_plan_id}"
            )
            continue
        if fields.type not in types:
            _error(
                errors,
                f"{prefix}properties.type",
                f"zone type {fields.type!r} is not one of the proposed document's: "
                + ", ".join(sorted(types)),
            )
            continue
        body = {"geometry": old.geometry, **item} if old is not None else dict(item)
        read.append((number, zone_id, body, fields))
        if len(errors) >= ERRORS_MAX:
            break
    vertices = sum(area_vertices(body) for _, _, body, _ in read)

    Read = tuple[int, str | None, ZoneInput | None, list[dict[str, str]]]

    def areas() -> list[Read]:
        done: list[Read] = []
        for number, zone_id, body, fields in read:
            try:
                done.append((number, zone_id, zone_input(body, fields, region), []))
            except ZoningDomainError as error:
                where = f"zones[{number}]."
                found = [
                    {"field": where + e["field"], "message": e["message"]}
                    for e in error.field_errors()
                ] or [{"field": where.rstrip("."), "message": error.detail}]
                done.append((number, zone_id, None, found))
        return done

    codes: dict[str, str] = {}  # code → what holds it after the proposal
    for zone_id, zone in existing.items():
        if zone_id not in changes.retired:
            codes[zone.code] = zone_id
    for number, zone_id, z, found in await run_geometry_work(vertices, areas):
        errors += found
        if z is None:
            continue
        holder = codes.get(z.code)
        if holder is not None and holder != zone_id:
            _error(
                errors,
                f"zones[{number}].properties.code",
                f"code {z.code!r} is held by zone {holder} after this proposal; choose another",
            )
            continue
        if zone_id is not None and existing[zone_id].code != z.code:
            codes.pop(existing[zone_id].code, None)
        codes[z.code] = zone_id or f"zones[{number}]"
        if zone_id is None:
            changes.created.append(z)
        else:
            changes.changed[zone_id] = z
    if succession:
        touched = set(changes.retired) | set(changes.changed)
        changes.carried = [z for i, z in sorted(existing.items()) if i not in touched]
        for zone in changes.carried:
            if zone.type not in types:
                _error(
                    errors,
                    "zones",
                    f"zone {zone.zone_id} ({zone.code}, type {zone.type}) would be carried over "
                    "but the successor has no such zone type; retire it (properties.id and "
                    "retire: true) or keep the type in document.zones.types",
                )
    if errors:
        raise InvalidInput(
            f"{len(errors)} problem(s) in the proposal's zones; fix the features listed.",
            errors=errors[:ERRORS_MAX],
        )
    return changes


async def _region(
    session: AsyncSession,
    boundaries: Boundaries,
    plan: PlanVersion,
    document: Mapping[str, Any],
    succession: bool,
) -> Region:
    """The region the proposal's zones must lie in: the plan's; a successor's own when it
    covers another region than its predecessor."""
    region = document["region"]
    if succession and region.get("adcode") != plan.document["region"].get("adcode"):
        return Region.from_bbox(region["approx_extent_lonlat"], name_zh=region.get("name_zh", ""))
    return await boundaries.region(session, plan)
