"""Illustrative demo monitoring data (示意): what the demo mines report for 2021-2024.

Pure data: no database, no HTTP. The loader that posts it (``LODE_DEMO=1``) is the
monitoring service's; this module only says what the bodies are. Every figure is invented,
and made by fixed arithmetic, with no randomness: the same licences always give the same
bodies.

Input: the demo licences as monitoring sees them (:class:`DemoLicence`, e.g. from the
licensing service's ``LicenceIssued`` events via :func:`from_licence_issued`). Output
(:class:`DemoData`):

* annual output reports (开发利用年报), one per mining licence and year of 2021-2024 that
  the licence's validity touches, as a mine POSTs them to ``/monitoring/v1/reports``. A
  licence that lapses during a year reports that year's production for its valid days only
  (the monitoring rules still warn ``production_while_inactive`` for such a year: they
  cannot tell whether the ore was mined before the expiry). Nothing after that year;
* one report deliberately withheld (:attr:`DemoData.late_reports`) so that the deadline job
  opens ``annual_report_missing``;
* exploration results for 钼矿 (新增资源量), reported by staff (``licence_no`` null: the
  demo register holds no exploration licences);
* progress of the plan's two projects (专栏5 geochem sheets, 专栏6 abandoned-mine
  restoration), with sites marked 示意.

The reserves reports (储量年报) follow from these output reports:
:mod:`lode_monitoring.demo_reserves`.

The story the figures tell (checked by ``tests/unit/test_demo.py``):

* 铁精粉 (grade 63-66 %) rises from 150 to 185 万吨 (:data:`IRON_CONCENTRATE_10KT`),
  still below the plan's ~200 万吨/年 (专栏2);
* building stone follows the demo register: the 2020 register's 8 quarries hold 28.5
  万立方米/年 (about 77 万吨 at 2.7 t/m³) and three of them lapse in 2021-2022; the three
  large quarries granted in 2021, 2022 and 2023 (30, 40, 60 万立方米/年) lift ore mined
  from about 97 万吨 (2021) to about 329 万吨 (2024), toward the ~400 万吨/年 of 专栏2, and
  within capacity but for the one exception below;
* four mine-years fall below a national three-rate minimum (:func:`story_events` says which);
* one quarry mines above its licensed capacity in one year (compared at the density);
* 钼矿 resources grow by 120 + 90 + 110 = 320 万吨, toward the 500 万吨 target;
* 5 of the 7 geochemical sheets are done; 40 of the 50 ha of restoration.

Special mines are chosen by what they are (mineral, method, scale, validity), never by
licence number, so that the story survives a change to the demo register.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, NamedTuple, TypeVar

from lode_common.events.catalog import LicenceIssued
from lode_monitoring.domain.capacity import (
    CUBIC_METRES_10K_PER_YEAR,
    TONNES_10K_PER_YEAR,
    TONNES_PER_DAY,
    Capacity,
    normalise_unit,
)
from lode_monitoring.domain.licence import LicenceView, RightType
from lode_monitoring.domain.vocabulary import Scale, ThreeRate

YEARS: Final = (2021, 2022, 2023, 2024)
"""The years reported: the plan period so far, every annual report due by :data:`AS_OF`."""
AS_OF: Final = date(2025, 6, 1)
"""The day the demo data stands: the 2024 annual reports were due on 2025-03-31."""

BUILDING_STONE_DENSITY: Final = Decimal("2.7")
"""t/m³: the mineral catalogue's density for 建筑石料 (national-standards.yaml), used here
only to keep the quarries' ore within their capacity in 万立方米/年."""
WORKING_DAYS_PER_YEAR: Final = 330
"""The standards' working days a year, for a capacity in t/d."""

IRON_CONCENTRATE_10KT: Final[Mapping[int, Decimal]] = {
    2021: Decimal(150),
    2022: Decimal(161),
    2023: Decimal(173),
    2024: Decimal(185),
}
"""What the iron mines' 铁精粉 adds up to each year (万吨), before rounding: rising toward,
but below, the ~200 万吨/年 of 专栏2."""

MOLYBDENUM_RESOURCES_10KT: Final[Mapping[int, Decimal]] = {
    2022: Decimal(120),
    2023: Decimal(90),
    2024: Decimal(110),
}
"""New 钼矿 resources proven (ore, 万吨): 320 of the 500 万吨 target."""

GEOCHEM_SHEETS: Final[Mapping[int, int]] = {2022: 2, 2023: 2, 2024: 1}
"""1:5万 geochemical survey sheets completed: 5 of 7."""

RESTORATION: Final[tuple[tuple[int, Decimal, str], ...]] = (
    (2021, Decimal("8.5"), "平泉县齐盛矿业有限公司迹地（示意）"),
    (2022, Decimal("12.0"), "平泉市示意废弃铁矿迹地一（示意）"),
    (2023, Decimal("10.5"), "平泉市示意废弃采石场迹地一（示意）"),
    (2024, Decimal("9.0"), "平泉市示意废弃铁矿迹地二（示意）"),
)
"""Abandoned-mine restoration (责任主体灭失矿山迹地综合治理): year, hectares, site; 40 of 50 ha.
齐盛矿业 is the plan's own example (专栏6); the site's figures are invented all the same."""

GEOCHEM_PROJECT: Final = "geochem_survey"
RESTORATION_PROJECT: Final = "abandoned_mine_restoration"

LARGE_MINE_LAND_SHARE: Final = Decimal("0.2")
"""A large mine works deeper benches: it disturbs a fifth of the land per 万吨 that a small
or medium one does (the licensing demo's restoration plans assume the same)."""
_MAX_UTILISATION: Final = Decimal("0.97")
"""No mine but the over-capacity one mines more than this share of its capacity."""
_OVER_CAPACITY_UTILISATION: Final = Decimal("1.09")
_CENT: Final = Decimal("0.01")
_TENTH: Final = Decimal("0.1")


# --- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLicence:
    """A licence as monitoring sees it: what the demo reports need, nothing more."""

    licence_no: str
    holder_credit_code: str
    mineral: str
    mining_method: str | None
    capacity_value: Decimal | None
    capacity_unit: str | None
    scale: Scale | None
    valid_from: date
    valid_to: date
    right_type: RightType = "mining"

    @property
    def capacity(self) -> Capacity | None:
        if self.capacity_value is None or not self.capacity_unit:
            return None
        return Capacity(self.capacity_value, self.capacity_unit)

    def view(self) -> LicenceView:
        """The licence as the monitoring rules take it (active from issue, no changes since)."""
        return LicenceView(
            licence_no=self.licence_no,
            right_type=self.right_type,
            mineral=self.mineral,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            mining_method=self.mining_method,
            capacity=self.capacity,
            scale=self.scale,
        )

    def valid_share(self, year: int) -> Decimal:
        """The share of ``year`` (0-1) that lies within the licence's validity."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        start, end = max(first, self.valid_from), min(last, self.valid_to)
        if end < start:
            return Decimal(0)
        return Decimal((end - start).days + 1) / Decimal((last - first).days + 1)

    def valid_all_year(self, year: int) -> bool:
        return self.valid_share(year) == 1


def from_licence_issued(event: LicenceIssued) -> DemoLicence:
    """The :class:`DemoLicence` of a licensing ``LicenceIssued`` event."""
    capacity = event.capacity
    return DemoLicence(
        licence_no=event.licence_no,
        holder_credit_code=event.holder.credit_code,
        mineral=event.mineral,
        mining_method=event.mining_method,
        capacity_value=capacity.value if capacity is not None else None,
        capacity_unit=capacity.unit if capacity is not None else None,
        scale=event.scale,
        valid_from=event.valid_from,
        valid_to=event.valid_to,
        right_type=event.right_type,
    )


# --- output ----------------------------------------------------------------------------------


class LicenceYear(NamedTuple):
    """A licence and a year (of an annual report)."""

    licence_no: str
    year: int


@dataclass(frozen=True)
class ProgressBody:
    """A body for ``POST /monitoring/v1/projects/{project_id}/progress``."""

    project_id: str
    body: dict[str, Any]


@dataclass(frozen=True)
class DemoData:
    """The demo bodies, in the order a loader posts them (year by year).

    ``reports``: annual output reports (``POST /monitoring/v1/reports``);
    ``exploration_results``: ``POST /monitoring/v1/exploration-results`` (staff);
    ``project_progress``: plan project progress (staff);
    ``late_reports``: the licence-years whose report is withheld, so that the deadline
    job finds it missing. Bodies carry no ``illustrative`` flag: the licences do.
    """

    reports: tuple[dict[str, Any], ...]
    exploration_results: tuple[dict[str, Any], ...]
    project_progress: tuple[ProgressBody, ...]
    late_reports: tuple[LicenceYear, ...]


# --- what each kind of mine produces ------------------------------------------------------------

Range = tuple[Decimal, Decimal]


def _r(low: str, high: str) -> Range:
    return Decimal(low), Decimal(high)


@dataclass(frozen=True)
class _Profile:
    """How a kind of mine reports: product, yield and grade, rates, areas, prices.

    Ranges are (low, high); a mine's value lies in between, fixed by its licence number
    and the year. Mappings by mining method fall back on ``any``. ``processing`` None: no
    concentrator (no 选矿回收率).
    """

    product: str
    product_yield: Mapping[str, Range]  # product per ore
    mining_recovery: Mapping[str, Range]
    processing_recovery: Range | None
    comprehensive_utilization: Range
    disturbed_ha_per_10kt: Mapping[str, Decimal]
    price_cny_per_t: Decimal  # of product
    grade_pct: Range | None = None
    prices_by_year: Mapping[int, Decimal] = field(default_factory=dict)


_T = TypeVar("_T")


def _by_method(table: Mapping[str, _T], method: str | None) -> _T:
    """The entry for the mining method, else the ``any`` entry."""
    return table.get(method or "any", table["any"])


_IRON: Final = "iron"
_BUILDING_STONE: Final = "building_stone"

_PROFILES: Final[Mapping[str, _Profile]] = {
    # Chengde's magnetite: lean open-pit ore (TFe 20-25 %) and richer underground ore.
    _IRON: _Profile(
        product="铁精粉",
        grade_pct=_r("63", "66"),
        product_yield={"open_pit": _r("0.20", "0.25"), "any": _r("0.31", "0.37")},
        mining_recovery={"open_pit": _r("91.5", "96"), "any": _r("78", "86")},
        processing_recovery=_r("90.8", "94.5"),
        comprehensive_utilization=_r("28", "45"),
        disturbed_ha_per_10kt={"open_pit": Decimal("0.025"), "any": Decimal("0.008")},
        price_cny_per_t=Decimal(850),
        prices_by_year={2021: Decimal(1050), 2022: Decimal(820), 2023: Decimal(880)},
    ),
    # Rock gold: the concentrate's grade is in g/t, not per cent, so none is given.
    "gold": _Profile(
        product="金精矿",
        product_yield={"any": _r("0.04", "0.06")},
        mining_recovery={"open_pit": _r("91", "94"), "any": _r("80", "88")},
        processing_recovery=_r("85", "92"),
        comprehensive_utilization=_r("20", "35"),
        disturbed_ha_per_10kt={"open_pit": Decimal("0.15"), "any": Decimal("0.05")},
        price_cny_per_t=Decimal(14000),
    ),
    "copper": _Profile(
        product="铜精矿",
        grade_pct=_r("18", "22"),
        product_yield={"any": _r("0.025", "0.035")},
        mining_recovery={"any": _r("82", "88")},
        processing_recovery=_r("85", "90"),
        comprehensive_utilization=_r("25", "40"),
        disturbed_ha_per_10kt={"any": Decimal("0.02")},
        price_cny_per_t=Decimal(12000),
    ),
    "zinc": _Profile(
        product="锌精矿",
        grade_pct=_r("45", "50"),
        product_yield={"any": _r("0.05", "0.07")},
        mining_recovery={"any": _r("82", "88")},
        processing_recovery=_r("86", "91"),
        comprehensive_utilization=_r("25", "40"),
        disturbed_ha_per_10kt={"any": Decimal("0.02")},
        price_cny_per_t=Decimal(9000),
    ),
    "fluorite": _Profile(
        product="萤石精粉",
        grade_pct=_r("95", "97.5"),  # CaF2, acid grade (酸级)
        product_yield={"any": _r("0.32", "0.40")},
        mining_recovery={"open_pit": _r("91", "94"), "any": _r("79", "86")},
        processing_recovery=_r("82.5", "88"),
        comprehensive_utilization=_r("30", "50"),
        disturbed_ha_per_10kt={"open_pit": Decimal("0.12"), "any": Decimal("0.03")},
        price_cny_per_t=Decimal(2800),
    ),
    _BUILDING_STONE: _Profile(
        product="建筑石料（碎石）",
        product_yield={"any": _r("0.93", "0.97")},
        mining_recovery={"any": _r("95", "98.5")},
        processing_recovery=None,
        comprehensive_utilization=_r("88", "96"),
        disturbed_ha_per_10kt={"any": Decimal("0.2")},
        price_cny_per_t=Decimal(70),
    ),
    "cement_limestone": _Profile(
        product="水泥用石灰石",
        product_yield={"any": _r("0.96", "0.99")},
        mining_recovery={"any": _r("95", "98.5")},
        processing_recovery=None,
        comprehensive_utilization=_r("90", "97"),
        disturbed_ha_per_10kt={"any": Decimal("0.06")},
        price_cny_per_t=Decimal(45),
    ),
    "flux_limestone": _Profile(
        product="溶剂用石灰石",
        grade_pct=_r("52", "54"),  # CaO
        product_yield={"any": _r("0.92", "0.96")},
        mining_recovery={"any": _r("94", "98")},
        processing_recovery=None,
        comprehensive_utilization=_r("88", "95"),
        disturbed_ha_per_10kt={"any": Decimal("0.06")},
        price_cny_per_t=Decimal(55),
    ),
    "metallurgical_dolomite": _Profile(
        product="冶金用白云岩",
        grade_pct=_r("19", "21"),  # MgO
        product_yield={"any": _r("0.92", "0.96")},
        mining_recovery={"any": _r("94", "98")},
        processing_recovery=None,
        comprehensive_utilization=_r("85", "93"),
        disturbed_ha_per_10kt={"any": Decimal("0.06")},
        price_cny_per_t=Decimal(60),
    ),
    # A well: "ore" is the water drawn (万吨), the product the water bottled.
    "mineral_water": _Profile(
        product="饮用天然矿泉水",
        product_yield={"any": _r("0.85", "0.92")},
        mining_recovery={"any": _r("95", "98")},
        processing_recovery=None,
        comprehensive_utilization=_r("85", "92"),
        disturbed_ha_per_10kt={"any": Decimal(0)},
        price_cny_per_t=Decimal(1200),
    ),
    # Any other mineral: ore sold as mined.
    "other": _Profile(
        product="原矿",
        product_yield={"any": _r("0.95", "0.99")},
        mining_recovery={"any": _r("90", "96")},
        processing_recovery=None,
        comprehensive_utilization=_r("70", "90"),
        disturbed_ha_per_10kt={"any": Decimal("0.05")},
        price_cny_per_t=Decimal(80),
    ),
}

_KINDS: Final[Mapping[str, str]] = {
    "铁矿": _IRON,
    "iron": _IRON,
    "金矿": "gold",
    "岩金": "gold",
    "rock_gold": "gold",
    "铜矿": "copper",
    "copper": "copper",
    "锌矿": "zinc",
    "zinc": "zinc",
    "萤石": "fluorite",
    "fluorite": "fluorite",
    "建筑石料": _BUILDING_STONE,
    "建筑石料矿产": _BUILDING_STONE,
    "building_stone": _BUILDING_STONE,
    "水泥用灰岩": "cement_limestone",
    "cement_limestone": "cement_limestone",
    "溶剂用灰岩": "flux_limestone",
    "flux_limestone": "flux_limestone",
    "冶金用白云岩": "metallurgical_dolomite",
    "metallurgical_dolomite": "metallurgical_dolomite",
    "矿泉水": "mineral_water",
    "mineral_water": "mineral_water",
}


def _kind(licence: DemoLicence) -> str:
    return _KINDS.get(licence.mineral.strip(), "other")


# --- the story's special mines -------------------------------------------------------------------


class BelowStandard(NamedTuple):
    """A mine-year that reports one rate below the national minimum."""

    licence_no: str
    year: int
    rate: ThreeRate
    value_pct: Decimal


@dataclass(frozen=True)
class StoryEvents:
    """The mines picked for the story's events (None when the register has no such mine).

    ``short_service_years`` and ``discontinuity`` are the reserves reports' story
    (:mod:`lode_monitoring.demo_reserves`)."""

    below_standard: tuple[BelowStandard, ...]
    over_capacity: LicenceYear | None
    late: LicenceYear | None
    short_service_years: str | None = None
    discontinuity: LicenceYear | None = None


Pick = Callable[[DemoLicence], bool]


def _candidates(licences: Sequence[DemoLicence], wanted: Pick) -> list[DemoLicence]:
    """The mining licences ``wanted``, by licence number (whatever the input's order)."""
    found = (lic for lic in licences if lic.right_type == "mining" and wanted(lic))
    return sorted(found, key=lambda lic: lic.licence_no)


def _first(licences: Sequence[DemoLicence], wanted: Pick, *, last: bool = False) -> str | None:
    found = _candidates(licences, wanted)
    if not found:
        return None
    return found[-1 if last else 0].licence_no


def _largest(licences: Sequence[DemoLicence], wanted: Pick) -> str | None:
    found = _candidates(licences, wanted)
    if not found:
        return None
    return max(found, key=lambda lic: lic.capacity_value or 0).licence_no


def _is(kind: str, method: str | None, scale: Scale, year: int) -> Pick:
    """A mine of ``kind`` (and ``method``, unless None) and ``scale``, valid all ``year``."""
    return lambda lic: (
        _kind(lic) == kind
        and (method is None or lic.mining_method == method)
        and lic.scale == scale
        and lic.valid_all_year(year)
    )


def story_events(licences: Sequence[DemoLicence]) -> StoryEvents:
    """Which mines carry the story's events.

    "First" and "last" go by licence number (the year and month of issue lead it), among
    the mines valid for the whole year:

    * 2021: the first small open-pit iron mine: 选矿回收率 87.5 % (magnetite minimum 90);
    * 2022: the first small underground iron mine: 开采回采率 72 % (minimum 75);
    * 2023: the first small underground gold mine: 开采回采率 73 % (minimum 75);
    * 2024: the first small underground fluorite mine: 选矿回收率 78 % (minimum 80, a
      figure of ``confidence: unverified``, so the finding is a warning);
    * 2024: the largest small quarry mines 9 % above its licensed capacity;
    * 2023: the last small cement-limestone mine files no annual report (nor reserves);
    * the first small cement-limestone mine holds reserves short of the minimum service
      years of its scale (``service_years_short`` every year);
    * 2023: the first small underground copper mine's opening reserves are not its 2022
      closing (``reserves_discontinuity``: a recalculation filed as the opening).
    """
    below: list[BelowStandard] = []
    cases: tuple[tuple[int, str, str, ThreeRate, str], ...] = (
        (2021, _IRON, "open_pit", "processing_recovery", "87.5"),
        (2022, _IRON, "underground", "mining_recovery", "72"),
        (2023, "gold", "underground", "mining_recovery", "73"),
        (2024, "fluorite", "underground", "processing_recovery", "78"),
    )
    for year, kind, method, rate, value in cases:
        number = _first(licences, _is(kind, method, "small", year))
        if number is not None:
            below.append(BelowStandard(number, year, rate, Decimal(value)))
    quarry = _largest(licences, _is(_BUILDING_STONE, None, "small", 2024))
    late = _first(licences, _is("cement_limestone", None, "small", 2023), last=True)
    short = _first(licences, _is("cement_limestone", None, "small", 2024))
    gap = _first(licences, _is("copper", "underground", "small", 2023))
    return StoryEvents(
        below_standard=tuple(below),
        over_capacity=LicenceYear(quarry, 2024) if quarry is not None else None,
        late=LicenceYear(late, 2023) if late is not None else None,
        short_service_years=short,
        discontinuity=LicenceYear(gap, 2023) if gap is not None else None,
    )


# --- arithmetic ------------------------------------------------------------------------------


def spread(licence_no: str, year: int, salt: int) -> Decimal:
    """A fixed number in [0, 1) for a licence, a year and what it is for (4 decimals): the
    demo's only source of variety, no randomness."""
    digest = hashlib.sha256(f"{licence_no}:{year}:{salt}".encode()).digest()
    return Decimal(int.from_bytes(digest[:4], "big") % 10000) / Decimal(10000)


def _within(bounds: Range, licence_no: str, year: int, salt: int) -> Decimal:
    low, high = bounds
    return low + (high - low) * spread(licence_no, year, salt)


def _round(value: Decimal, step: Decimal = _CENT) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def ore_capacity_10kt(licence: DemoLicence) -> Decimal:
    """The licensed capacity as 万吨 of ore a year (0 when it cannot be converted)."""
    if licence.capacity_value is None or not licence.capacity_unit:
        return Decimal(0)
    unit = normalise_unit(licence.capacity_unit)
    if unit == TONNES_10K_PER_YEAR:
        return licence.capacity_value
    if unit == CUBIC_METRES_10K_PER_YEAR:
        return licence.capacity_value * BUILDING_STONE_DENSITY
    if unit == TONNES_PER_DAY:
        return licence.capacity_value * WORKING_DAYS_PER_YEAR / Decimal(10000)
    return Decimal(0)


def _utilisation(licence: DemoLicence, year: int) -> Decimal:
    """Share of capacity mined in a full year: 0.62-0.82 by mine, +0.03 a year since 2021."""
    base = _within(_r("0.62", "0.82"), licence.licence_no, 0, 1)
    return min(base + Decimal("0.03") * (year - YEARS[0]), _MAX_UTILISATION)


def _yield(licence: DemoLicence, profile: _Profile) -> Decimal:
    return _within(
        _by_method(profile.product_yield, licence.mining_method), licence.licence_no, 0, 2
    )


def _iron_scale(licences: Sequence[DemoLicence], year: int) -> Decimal:
    """The factor on every iron mine's utilisation that makes 铁精粉 add up to the year's
    :data:`IRON_CONCENTRATE_10KT` (before the cap at :data:`_MAX_UTILISATION`)."""
    profile = _PROFILES[_IRON]
    raw = sum(
        (
            ore_capacity_10kt(lic)
            * lic.valid_share(year)
            * _utilisation(lic, year)
            * _yield(lic, profile)
            for lic in licences
            if lic.right_type == "mining" and _kind(lic) == _IRON
        ),
        Decimal(0),
    )
    return IRON_CONCENTRATE_10KT[year] / raw if raw > 0 else Decimal(1)


def _number(value: Decimal) -> float:
    """A quantity as the JSON number a client sends (its digits kept: 14.2 → 14.2)."""
    return float(value)


def _report(
    licence: DemoLicence, year: int, events: StoryEvents, iron_scale: Decimal
) -> dict[str, Any]:
    number = licence.licence_no
    kind = _kind(licence)
    profile = _PROFILES[kind]
    utilisation = _utilisation(licence, year)
    if kind == _IRON:
        utilisation = min(utilisation * iron_scale, _MAX_UTILISATION)
    if events.over_capacity == LicenceYear(number, year):
        utilisation = _OVER_CAPACITY_UTILISATION
    ore = _round(ore_capacity_10kt(licence) * licence.valid_share(year) * utilisation)
    output = _round(ore * _yield(licence, profile))
    product: dict[str, Any] = {"name": profile.product}
    if profile.grade_pct is not None:
        product["grade_pct"] = _number(_round(_within(profile.grade_pct, number, year, 3), _TENTH))
    product["output_10kt"] = _number(output)

    rates: dict[ThreeRate, Decimal | None] = {
        "mining_recovery": _within(
            _by_method(profile.mining_recovery, licence.mining_method), number, year, 4
        ),
        "processing_recovery": (
            _within(profile.processing_recovery, number, year, 5)
            if profile.processing_recovery is not None
            else None
        ),
        "comprehensive_utilization": _within(profile.comprehensive_utilization, number, year, 6),
    }
    for case in events.below_standard:
        if (case.licence_no, case.year) == (number, year):
            rates[case.rate] = case.value_pct

    per_10kt = _by_method(profile.disturbed_ha_per_10kt, licence.mining_method)
    if licence.scale == "large":
        per_10kt *= LARGE_MINE_LAND_SHARE
    disturbed = _round(ore * per_10kt)
    restored = _round(disturbed * _within(_r("0.45", "0.95"), number, year, 7))
    price = profile.prices_by_year.get(year, profile.price_cny_per_t)

    body: dict[str, Any] = {
        "licence_no": number,
        "year": year,
        "period": "annual",
        "ore_mined_10kt": _number(ore),
        "products": [product],
    }
    for rate, value in rates.items():
        if value is not None:
            body[f"{rate}_pct"] = _number(_round(value, _TENTH))
    body["disturbed_area_ha"] = _number(disturbed)
    body["restored_area_ha"] = _number(restored)
    body["output_value_cny_10k"] = int(_round(output * price, Decimal(1)))
    return body


# --- the whole set -----------------------------------------------------------------------------


def demo_reports(licences: Sequence[DemoLicence]) -> DemoData:
    """The demo monitoring data for ``licences`` (see the module's docstring)."""
    events = story_events(licences)
    withheld = {events.late} if events.late is not None else set()
    reports: list[dict[str, Any]] = []
    for year in YEARS:
        scale = _iron_scale(licences, year)
        for licence in licences:
            if licence.right_type != "mining" or licence.valid_share(year) == 0:
                continue
            if LicenceYear(licence.licence_no, year) in withheld:
                continue
            reports.append(_report(licence, year, events, scale))
    exploration = tuple(
        {
            "licence_no": None,
            "year": year,
            "mineral": "钼矿",
            "new_resources_ore_10kt": _number(amount),
        }
        for year, amount in MOLYBDENUM_RESOURCES_10KT.items()
    )
    progress = [
        ProgressBody(GEOCHEM_PROJECT, {"year": year, "completed_sheets": sheets})
        for year, sheets in GEOCHEM_SHEETS.items()
    ] + [
        ProgressBody(
            RESTORATION_PROJECT,
            {"year": year, "restored_area_ha": _number(area), "site": site},
        )
        for year, area, site in RESTORATION
    ]
    return DemoData(
        reports=tuple(reports),
        exploration_results=exploration,
        project_progress=tuple(sorted(progress, key=lambda p: p.body["year"])),
        late_reports=tuple(sorted(withheld)),
    )
