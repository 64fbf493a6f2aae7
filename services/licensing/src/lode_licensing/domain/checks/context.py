"""What the service gathers elsewhere for the checks (the domain does no I/O).

* :class:`SpatialAnalysis`: zoning's analysis of the application's area: the zones it
  touches (``id, type, code, name_zh, overlap_ha``, and ``conditions_zh`` when the zone
  states conditions, as a 限采区 does) and the active licences it overlaps
  (``licence_no, overlap_ha``). An entry with ``overlap_ha`` of 0 shares only a boundary
  and does not count as touching. :class:`RegionAnalysis` is where the area lies against
  the plan's region (``region``; None from a zoning that does not give it).
* ``block_holders``: planning block (规划区块) zone id → the current holder's 统一社会信用代码.
* :class:`RegistryFigures`: the active mining licence count and the current annual
  output per output-control indicator id (:class:`CurrentOutput`: the figure, the year it
  comes from and the reports counted), each None/absent when unknown.
* :class:`FiledReserves`: the latest closing reserves (保有资源量) the licence's holder filed
  in a reserves report (储量年报), for the service-years check when the application gives
  none.
* ``licensed_capacity``: the registered capacity of the licence a change names.
* :class:`ClosureFacts`: the closure report and restoration acceptance the bureau recorded
  for the licence a cancellation names (not what the applicant says of them).
* :class:`Listing`: the supervision list (异常名录 / 严重违法失信名单) the enterprise whose
  standing counts is on today, from the replica of monitoring's listings (None: on none),
  for the check ``applicant_standing``.
* :class:`GrantBasis` / :class:`ExplorationBasis`: what a new application rests on, as the
  registry holds it: the grant (出让) it names, or the exploration licence it converts
  (探转采), for the check ``competitive_grant``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final, Literal, Protocol, get_args

from ..minerals import Capacity
from ..party import Party
from ..vocabulary import RightType


@dataclass(frozen=True)
class ZoneHit:
    """A planning zone the area touches (区块/分区), with the overlap in hectares."""

    id: str
    type: str
    code: str
    name_zh: str
    overlap_ha: Decimal
    conditions_zh: str | None = None
    """The conditions the zone's data states (限采区: what a right there must meet)."""

    @property
    def label(self) -> str:
        return f"{self.name_zh}（{self.code}）" if self.code else self.name_zh


RegionBasis = Literal["administrative_boundary", "approx_extent"]
"""What zoning measured the region by: the 行政区界 zone, or the plan's approximate extent
(``region.approx_extent_lonlat``, a box: 示意范围, not the legal boundary)."""
REGION_BASES: tuple[RegionBasis, ...] = get_args(RegionBasis)


@dataclass(frozen=True)
class RegionAnalysis:
    """The area against the plan's region (规划适用范围): hectares inside and outside, and
    the shortest distance in metres when it does not touch the region (None when it does).
    ``zones``: the administrative_boundary zones measured against (none for the box)."""

    basis: RegionBasis
    inside_ha: Decimal
    outside_ha: Decimal
    distance_m: Decimal | None = None
    zones: tuple[str, ...] = ()


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
    region: RegionAnalysis | None = None
    geometry: Mapping[str, Any] | None = None
    """The area as zoning read it: GeoJSON in CRS84 (lon/lat), whatever CRS it was sent in."""

    def touched(self, zone_types: Iterable[str]) -> tuple[ZoneHit, ...]:
        """Zones of these types the area overlaps (more than a shared boundary)."""
        wanted = set(zone_types)
        return tuple(z for z in self.zones if z.type in wanted and z.overlap_ha > 0)


@dataclass(frozen=True)
class CurrentOutput:
    """The current annual output toward one output indicator (开采总量): ``amount_10kt`` of
    ``year``, summed over ``reports`` mines' reports."""

    indicator_id: str
    year: int
    amount_10kt: Decimal
    reports: int
    mines: int | None = None
    """How many mines' reports ``reports`` are (None when not said)."""
    annual_reports: int | None = None
    """How many of ``reports`` are annual (the rest are quarterly reports of mines without an
    annual report of ``year``); None when not said."""
    expected_mines: int | None = None
    """How many mining licences of the counted minerals were in force in ``year`` and owed
    an annual report (None when not known)."""
    complete: bool = True
    """Whether the annual reports reach the share that makes ``year`` complete; an
    incomplete year's figure understates the total."""


@dataclass(frozen=True)
class RegistryFigures:
    active_mining_licences: int | None = None
    current_output: Mapping[str, CurrentOutput] = field(default_factory=dict)


@dataclass(frozen=True)
class FiledReserves:
    """The latest reserves report (储量年报) of a licence: its closing reserves (万吨 of ore)."""

    licence_no: str
    year: int
    report_id: str
    version: int
    closing_10kt: Decimal


@dataclass(frozen=True)
class ClosureRecord:
    """A fact of a mine's closure (闭坑) the bureau recorded: the closure report received
    (矿山闭坑报告) or the restoration accepted (地质环境恢复治理验收), on ``on``, under
    ``reference`` (文号/编号), recorded by ``recorded_by`` in ``role``."""

    on: date
    reference: str
    recorded_by: str
    role: str
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """As the licence's closure view and the closure check's details show it."""
        return {
            "on": self.on.isoformat(),
            "reference": self.reference,
            "recorded_by": self.recorded_by,
            "role": self.role,
            "note": self.note,
        }


@dataclass(frozen=True)
class ClosureFacts:
    """The latest closure report and restoration acceptance recorded for a licence, each
    None when none is recorded."""

    licence_no: str
    closure_report: ClosureRecord | None = None
    restoration_acceptance: ClosureRecord | None = None


@dataclass(frozen=True)
class Instalment:
    """One instalment of a grant fee (出让收益) the grant contract sets."""

    due: date
    amount_cny_10k: Decimal


@dataclass(frozen=True)
class GrantBasis:
    """A competitive grant (矿业权出让) as a new application naming it is checked against:
    where it stands, what it granted (right type, mineral, area), to whom, at what price,
    under which contract (出让合同), and the licence already issued from it, if any."""

    grant_id: str
    status: str
    """draft, announced, concluded, failed, contracted or cancelled."""
    right_type: RightType
    mineral_zh: str
    winner: Party | None = None
    area: Mapping[str, Any] | None = None
    """The area offered, GeoJSON in CRS84 as zoning's analysis returned it."""
    method: str | None = None
    """auction (拍卖), listing (挂牌) or tender (招标)."""
    concluded_on: date | None = None
    price_cny_10k: Decimal | None = None
    signed_on: date | None = None
    contract_ref: str | None = None
    instalments: tuple[Instalment, ...] = ()
    licence_no: str | None = None
    """The licence already issued from this grant (one grant, one right)."""


@dataclass(frozen=True)
class ExplorationBasis:
    """The exploration licence (勘查许可证) a new mining application converts (探转采)."""

    licence_no: str
    holder: Party
    mineral_zh: str
    status: str
    area: Mapping[str, Any] | None = None
    """The licence's area, GeoJSON in CRS84."""


class Listing(Protocol):
    """A list (名录) an enterprise is on, as monitoring announced it (the grants' bid refusal
    reads the same: :class:`lode_licensing.domain.grant_periods.Standing`)."""

    @property
    def listing_id(self) -> str: ...
    @property
    def list(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def listed_on(self) -> date: ...
    @property
    def until(self) -> date | None: ...


GRANT_AREA_TOLERANCE_PCT: Final = Decimal(1)
"""The default of the setting ``grant_area_tolerance_pct``: how far (percent of the area) an
application's area may differ from its grant's, or lie outside the exploration area it
converts, and still count as "the same area". Lode's reading of "the same area" (coordinates
redrawn, rounded or reprojected differ by slivers), not a figure of law."""


@dataclass(frozen=True)
class CheckContext:
    spatial: SpatialAnalysis | None = None
    block_holders: Mapping[str, str] = field(default_factory=dict)
    registry: RegistryFigures = field(default_factory=RegistryFigures)
    filed_reserves: FiledReserves | None = None
    licensed_capacity: Capacity | None = None
    """The capacity (生产规模) of the licence a change application names, as registered: an
    expansion adds only the difference to a controlled total."""
    closure: ClosureFacts | None = None
    """What the bureau recorded of the closure of the licence a cancellation names."""
    grant: GrantBasis | None = None
    """The grant (出让) a new application names by ``grant_id``; None when it names none or
    the registry has no such grant."""
    exploration: ExplorationBasis | None = None
    """The exploration licence a new mining application converts (探转采), when named."""
    area_tolerance_pct: Decimal = GRANT_AREA_TOLERANCE_PCT
    """The setting ``grant_area_tolerance_pct`` (see :data:`GRANT_AREA_TOLERANCE_PCT`)."""
    listing: Listing | None = None
    """The list the applicant (a transfer: the transferee) is on today; None: on none."""


def _decimal(value: Any) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _conditions(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _region(data: Any) -> RegionAnalysis | None:
    """The ``region`` block; None when absent or of a basis licensing does not know."""
    if not isinstance(data, Mapping):
        return None
    basis = next((b for b in REGION_BASES if b == data.get("basis")), None)
    if basis is None:
        return None
    distance = data.get("distance_m")
    return RegionAnalysis(
        basis=basis,
        inside_ha=_decimal(data.get("inside_ha") or 0),
        outside_ha=_decimal(data.get("outside_ha") or 0),
        distance_m=_decimal(distance) if distance is not None else None,
        zones=tuple(str(zone) for zone in data.get("zones") or ()),
    )


def spatial_from_analysis(data: Mapping[str, Any]) -> SpatialAnalysis:
    """Read zoning's ``POST /zoning/v1/analysis`` answer (``area_ha, zones, licences,
    region``)."""
    area = data.get("area_ha")
    geometry = data.get("geometry")
    return SpatialAnalysis(
        zones=tuple(
            ZoneHit(
                id=str(z["id"]),
                type=str(z["type"]),
                code=str(z.get("code") or ""),
                name_zh=str(z.get("name_zh") or ""),
                overlap_ha=_decimal(z.get("overlap_ha", 0)),
                conditions_zh=_conditions(z.get("conditions_zh")),
            )
            for z in data.get("zones", ())
        ),
        licences=tuple(
            LicenceHit(str(lic["licence_no"]), _decimal(lic.get("overlap_ha", 0)))
            for lic in data.get("licences", ())
        ),
        area_ha=_decimal(area) if area is not None else None,
        region=_region(data.get("region")),
        geometry=geometry if isinstance(geometry, Mapping) else None,
    )
