"""What the service gathers elsewhere for the checks (the domain does no I/O).

* :class:`SpatialAnalysis`: zoning's analysis of the application's area: the zones it
  touches (``id, type, code, name_zh, overlap_ha``) and the active licences it overlaps
  (``licence_no, overlap_ha``). An entry with ``overlap_ha`` of 0 shares only a boundary
  and does not count as touching.
* ``block_holders``: planning block (规划区块) zone id → the current holder's 统一社会信用代码.
* :class:`RegistryFigures`: the active mining licence count and the current annual
  output per output-control indicator id (``iron_concentrate_output``: 铁精粉 万吨/年,
  ``building_stone_output``: 建筑石料 万吨/年), each None/absent when unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ZoneHit:
    """A planning zone the area touches (区块/分区), with the overlap in hectares."""

    id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: Decimal

    @property
    def label(self) -> str:
        return f"{self.name_zh}（{self.code}）" if self.code else self.name_zh


@dataclass(frozen=True)
class LicenceHit:
    """An active licence the area overlaps."""

    licence_no: str
    overlap_ha: Decimal


@dataclass(frozen=True)
class SpatialAnalysis:
    zones: tuple[ZoneHit, ...] = ()
    licences: tuple[LicenceHit, ...] = ()
    area_ha: Decimal | None = None

    def touched(self, zone_types: Iterable[str]) -> tuple[ZoneHit, ...]:
        """Zones of these types the area overlaps (more than a shared boundary)."""
        wanted = set(zone_types)
        return tuple(z for z in self.zones if z.type in wanted and z.overlap_ha > 0)


@dataclass(frozen=True)
class RegistryFigures:
    active_mining_licences: int | None = None
    current_output_10kt: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    spatial: SpatialAnalysis | None = None
    block_holders: Mapping[str, str] = field(default_factory=dict)
    registry: RegistryFigures = field(default_factory=RegistryFigures)


def _decimal(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def spatial_from_analysis(data: Mapping[str, Any]) -> SpatialAnalysis:
    """Read zoning's ``POST /zoning/v1/analysis`` answer (``area_ha, zones, licences``)."""
    area = data.get("area_ha")
    return SpatialAnalysis(
        zones=tuple(
            ZoneHit(
                id=str(z["id"]),
                type=str(z["type"]),
                code=str(z.get("code") or ""),
                name_zh=str(z.get("name_zh") or ""),
                overlap_ha=_decimal(z.get("overlap_ha", 0)),
            )
            for z in data.get("zones", ())
        ),
        licences=tuple(
            LicenceHit(str(lic["licence_no"]), _decimal(lic.get("overlap_ha", 0)))
            for lic in data.get("licences", ())
        ),
        area_ha=_decimal(area) if area is not None else None,
    )
