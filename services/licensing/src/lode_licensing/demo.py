"""Illustrative demo licences (示意): Pingquan's 63 mining licences of the 2020 baseline,
and the three quarries granted since under the plan (their grants: :mod:`.demo_grants`).

Pure data: no database, no HTTP. The loader that stores them (``LODE_DEMO=1``) is the
licensing service's; this module only says what they are. Every licence is invented and
marked so: ``illustrative=True``, 示意 in the holder's name, ``99`` in positions 14-15 of
the licence number (C + 130881 + year and month of issue + 99 + sequence, after the
national 23-character layout, but never allocated by 统一配号).

What the set reproduces (第一章 现状与形势, ``baseline_2020`` of the plan file): 63 mining
licences, 30 metal (19 铁矿, 8 金矿, 2 铜矿, 1 锌矿) and 33 non-metal (8 砂石土类, all
建筑石料; 1 矿泉水; 24 其他), 0 large, 8 medium and 55 small mines. The plan names no
mineral among the 24 其他; the mix chosen here is non-metal only (the plan's metal total
of 30 leaves no metal mine over), from the dominant minerals of 第一章:
11 萤石, 8 水泥用灰岩, 4 溶剂用灰岩 (capacities adding up to the 80 万吨/年 that 专栏1
records as 2020's output) and
1 冶金用白云岩. No molybdenum mine: 钼 is still at the exploration stage in the plan
(新增资源量 target, 重点勘查区).

Each capacity is in its catalogue unit and classifies to the licence's scale by the
national table (国土资发〔2004〕208号); 矿泉水 and 冶金用白云岩 have no row there and are
small. Terms keep within the licence terms by scale (small ≤ 10, medium ≤ 20 years);
every licence is valid on 2021-01-01, and about a third lapse during 2021-2025.

Restoration plans (复垦方案, illustrative): every mine but the mineral-water well plans to
restore, by the end of each year of 2021-2025 it is licensed in, a cumulative area counted
from 2021 (the 方案 as revised for this plan period): the land its licensed capacity is
expected to disturb at three quarters of capacity (:data:`_PLANNED_DISTURBED_HA_PER_10KT`,
the 方案's own estimate by mineral and method), two fifths of it restored as it goes
(边开采、边治理). With the demo reports about one mine in twelve is behind its plan in
2021, fewer later as most catch up.

Green mines (绿色矿山): the plan counts 8 of the 63 mines in 2020 (13%: 2 on the national
list, 6 in the province's reserve, 第一章第三节); here they are the 8 medium mines, the
best equipped, which is where the plan says green-mine building had begun.

Granted since 2020 (after :data:`BASELINE_COUNT`): the plan wants building stone at about
400 万吨 a year by 2025 (专栏2) from large, green quarries in the three sand-gravel areas
(第三章第三节 五), and the 2020 register's eight small and medium quarries hold only 28.5
万立方米/年 (about 77 万吨). One large quarry a year was granted in 2021, 2022 and 2023
(30, 40 and 60 万立方米/年, each in its own sand-gravel area, each a green mine with its
restoration plan), so that the building-stone output rises toward the target as a county
that follows its plan would see it: from about 100 万吨 in 2021 to about 330 万吨 in 2024.
Each was granted competitively (出让, by listing or auction) before it was licensed: its
grant is in :mod:`.demo_grants`, and its licence is issued the day the grant's timeline
says (:mod:`.demo_timeline`: 20 working days after the contract), not on a day of its own.

Areas are small polygons placed (:mod:`.demo_places`) inside the demo zones of
:mod:`lode_common.demo.pingquan` that fit the mineral (iron in the four mining blocks, one
holder each, and in the energy base, key mining area and national planning mining area
outside the blocks; building stone in the sand-gravel areas; fluorite in its key
development region), the rest elsewhere in the city outline, clear of every zone. None
touches another, the red line or the forbidden area.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from shapely.geometry import Polygon

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import Capacity, Holder, LicenceIssued, RestorationMilestone
from lode_common.workdays import WorkdayCalendar
from lode_licensing.demo_places import Site, geojson, placed
from lode_licensing.demo_timeline import quarry_timeline
from lode_licensing.domain.grant_periods import GrantRules
from lode_licensing.domain.licence import add_years
from lode_licensing.domain.vocabulary import (
    CUBIC_METRES_10K_PER_YEAR,
    TONNES_10K_PER_YEAR,
    Scale,
)

DEMO_ACTOR: Final = "demo"
"""Who the demo data is recorded by (the licences' history, the grants' ``created_by`` and
steps): the mark of the illustrative rows the tables have no ``illustrative`` column for."""
BASELINE_DATE: Final = date(2020, 12, 31)
"""The day the plan counts its 63 licences (base year 2020)."""
ADCODE: Final = "130881"
# Building stone is licensed in 万立方米/年 (the catalogue's unit); everything else here in 万吨/年.
_CUBIC_METRE_MINERALS: Final = frozenset({"建筑石料"})
PLAN_YEARS: Final = range(2021, 2026)
"""The years of the plan period the demo restoration plans set milestones for."""
_PLANNED_UTILISATION: Final = Decimal("0.75")
_PLANNED_RESTORED_SHARE: Final = Decimal("0.4")
_STONE_DENSITY: Final = Decimal("2.7")  # t/m³: 万立方米 of 建筑石料 to 万吨
_PLANNED_DISTURBED_HA_PER_10KT: Final[dict[str, dict[str, Decimal]]] = {
    "铁矿": {"open_pit": Decimal("0.025"), "": Decimal("0.008")},
    "金矿": {"open_pit": Decimal("0.15"), "": Decimal("0.05")},
    "铜矿": {"": Decimal("0.02")},
    "锌矿": {"": Decimal("0.02")},
    "萤石": {"open_pit": Decimal("0.12"), "": Decimal("0.03")},
    "建筑石料": {"": Decimal("0.2")},
    "水泥用灰岩": {"": Decimal("0.06")},
    "溶剂用灰岩": {"": Decimal("0.06")},
    "冶金用白云岩": {"": Decimal("0.06")},
    "矿泉水": {"": Decimal(0)},
}
"""Hectares disturbed per 万吨 of ore, by mineral and mining method ("" for any other)."""
_LARGE_MINE_LAND_SHARE: Final = Decimal("0.2")
"""A large mine works deeper benches: a fifth of that land per 万吨 (the monitoring demo's
reports assume the same)."""


@dataclass(frozen=True)
class DemoMine:
    """One illustrative mine: what its licence says, and the demo zone it lies in.

    ``zone_code`` is the code of the demo zone the licence area lies inside, or None for a
    mine anywhere in the city outside every zone. ``area_ha`` is the target of its area.
    """

    mineral: str
    mining_method: str
    capacity: Decimal
    scale: Scale
    zone_code: str | None
    area_ha: float
    issued_year: int
    term_years: int

    @property
    def capacity_unit(self) -> str:
        if self.mineral in _CUBIC_METRE_MINERALS:
            return CUBIC_METRES_10K_PER_YEAR
        return TONNES_10K_PER_YEAR


def _mine(
    mineral: str,
    method: str,
    capacity: str,
    scale: Scale,
    zone: str | None,
    area_ha: float,
    issued: int,
    years: int,
) -> DemoMine:
    return DemoMine(mineral, method, Decimal(capacity), scale, zone, area_ha, issued, years)


_U: Final = "underground"
_O: Final = "open_pit"
_L: Final = "large"
_M: Final = "medium"
_S: Final = "small"

DEMO_MINES: Final[tuple[DemoMine, ...]] = (
    # 铁矿 (19): the four mining blocks, one licence each, then the iron zones outside them.
    _mine("铁矿", _U, "80", _M, "C01", 62, 2016, 20),
    _mine("铁矿", _O, "180", _M, "C02", 78, 2012, 15),
    _mine("铁矿", _U, "60", _M, "C03", 55, 2018, 15),
    _mine("铁矿", _O, "150", _M, "C04", 72, 2006, 15),
    _mine("铁矿", _O, "160", _M, "NYJD-01", 65, 2013, 15),
    _mine("铁矿", _U, "25", _S, "NYJD-01", 22, 2017, 5),
    _mine("铁矿", _O, "40", _S, "NYJD-01", 28, 2019, 6),
    _mine("铁矿", _O, "55", _S, "NYJD-01", 35, 2018, 8),
    _mine("铁矿", _U, "28", _S, "NYJD-01", 24, 2016, 10),
    _mine("铁矿", _O, "50", _S, "NYJD-01", 32, 2020, 10),
    _mine("铁矿", _U, "8", _S, "NYJD-01", 12, 2016, 5),  # older than the 10 万吨/年 minimum
    _mine("铁矿", _U, "20", _S, "NYJD-01", 20, 2019, 10),
    _mine("铁矿", _O, "45", _S, "ZDKQ-01", 30, 2017, 10),
    _mine("铁矿", _O, "58", _S, "ZDKQ-01", 38, 2020, 8),
    _mine("铁矿", _U, "10", _S, "ZDKQ-01", 15, 2017, 6),
    _mine("铁矿", _U, "25", _S, "ZDKQ-01", 25, 2018, 10),
    _mine("铁矿", _O, "48", _S, "GJKQ-01", 30, 2018, 10),
    _mine("铁矿", _O, "52", _S, "GJKQ-01", 32, 2019, 7),
    _mine("铁矿", _U, "6", _S, "GJKQ-01", 10, 2019, 5),  # renewed old small mine
    # 金矿 (8), rock gold in 万吨/年 of ore: medium from 6.
    _mine("金矿", _U, "8", _M, None, 30, 2013, 12),
    _mine("金矿", _U, "3", _S, None, 12, 2018, 10),
    _mine("金矿", _U, "2", _S, None, 8, 2018, 5),
    _mine("金矿", _U, "4.5", _S, None, 15, 2019, 10),
    _mine("金矿", _O, "5", _S, None, 20, 2017, 10),
    _mine("金矿", _U, "1.5", _S, None, 6, 2020, 5),
    _mine("金矿", _U, "3.3", _S, None, 10, 2019, 8),
    _mine("金矿", _U, "2.5", _S, None, 9, 2016, 6),
    # 铜矿 (2), 锌矿 (1)
    _mine("铜矿", _U, "15", _S, None, 20, 2017, 10),
    _mine("铜矿", _U, "9", _S, None, 14, 2019, 8),
    _mine("锌矿", _U, "8", _S, None, 12, 2018, 8),
    # 砂石土类 (8): 建筑石料 in the three sand-gravel areas, 万立方米/年: medium from 5.
    _mine("建筑石料", _O, "6", _M, "SSJZ-01", 28, 2014, 12),
    _mine("建筑石料", _O, "3", _S, "SSJZ-01", 18, 2019, 10),
    _mine("建筑石料", _O, "2.5", _S, "SSJZ-01", 15, 2020, 5),
    _mine("建筑石料", _O, "4", _S, "SSJZ-02", 20, 2017, 5),
    _mine("建筑石料", _O, "3.5", _S, "SSJZ-02", 18, 2020, 6),
    _mine("建筑石料", _O, "2", _S, "SSJZ-02", 12, 2018, 3),
    _mine("建筑石料", _O, "4.5", _S, "SSJZ-03", 22, 2019, 8),
    _mine("建筑石料", _O, "3", _S, "SSJZ-03", 16, 2016, 6),
    # 矿泉水 (1): drawn from a well (地下开采); no scale row, small.
    _mine("矿泉水", _U, "3", _S, None, 2, 2015, 10),
    # 其他 (24): 萤石 11 (six in 郝家楼 fluorite region), 水泥用灰岩 8, 溶剂用灰岩 4,
    # 冶金用白云岩 1.
    _mine("萤石", _U, "4", _S, "ZDFZ-02", 15, 2016, 10),
    _mine("萤石", _U, "3", _S, "ZDFZ-02", 12, 2018, 5),
    _mine("萤石", _U, "2", _S, "ZDFZ-02", 10, 2019, 10),
    _mine("萤石", _O, "4.5", _S, "ZDFZ-02", 18, 2020, 8),
    _mine("萤石", _U, "1.5", _S, "ZDFZ-02", 8, 2017, 5),
    _mine("萤石", _U, "2.5", _S, "ZDFZ-02", 10, 2017, 10),
    _mine("萤石", _U, "3", _S, None, 12, 2019, 10),
    _mine("萤石", _U, "1", _S, None, 6, 2018, 3),
    _mine("萤石", _U, "2", _S, None, 9, 2019, 5),
    _mine("萤石", _U, "3.5", _S, None, 14, 2016, 10),
    _mine("萤石", _U, "2", _S, None, 8, 2019, 8),
    _mine("水泥用灰岩", _O, "60", _M, None, 75, 2010, 20),
    _mine("水泥用灰岩", _O, "40", _S, None, 45, 2016, 10),
    _mine("水泥用灰岩", _O, "30", _S, None, 38, 2018, 8),
    _mine("水泥用灰岩", _O, "25", _S, None, 32, 2019, 10),
    _mine("水泥用灰岩", _O, "45", _S, None, 48, 2016, 10),
    _mine("水泥用灰岩", _O, "20", _S, None, 28, 2020, 5),
    _mine("水泥用灰岩", _O, "35", _S, None, 40, 2017, 10),
    _mine("水泥用灰岩", _O, "15", _S, None, 22, 2018, 10),
    _mine("溶剂用灰岩", _O, "30", _S, None, 40, 2016, 10),
    _mine("溶剂用灰岩", _O, "20", _S, None, 30, 2018, 5),
    _mine("溶剂用灰岩", _O, "18", _S, None, 26, 2019, 10),
    _mine("溶剂用灰岩", _O, "12", _S, None, 20, 2014, 8),
    _mine("冶金用白云岩", _O, "10", _S, None, 22, 2019, 8),
    # Granted under the plan (2021-2023): one large quarry in each sand-gravel area, as
    # 第三章第三节 五 asks of new quarries there (大型, green), 万立方米/年: large from 10.
    _mine("建筑石料", _O, "30", _L, "SSJZ-01", 15, 2021, 15),
    _mine("建筑石料", _O, "40", _L, "SSJZ-02", 20, 2022, 15),
    _mine("建筑石料", _O, "60", _L, "SSJZ-03", 25, 2023, 15),
)
BASELINE_COUNT: Final = 63
"""The first :data:`BASELINE_COUNT` mines are the 2020 register; the rest were granted
since, under the plan."""
SITES: Final[tuple[Site, ...]] = tuple((mine.zone_code, mine.area_ha) for mine in DEMO_MINES)
"""Where each mine's area is placed: its zone and its target hectares."""

_HOLDER_LABEL: Final = {
    "铁矿": "铁矿业",
    "金矿": "金矿业",
    "铜矿": "铜矿业",
    "锌矿": "锌矿业",
    "建筑石料": "建材",
    "矿泉水": "矿泉水",
    "萤石": "萤石矿业",
    "水泥用灰岩": "水泥灰岩",
    "溶剂用灰岩": "溶剂灰岩",
    "冶金用白云岩": "白云岩矿业",
}
"""Holder names: 平泉市示意{label}有限公司{number}, numbered within the mineral."""


def demo_licences(
    today: date | None = None,
    *,
    rules: GrantRules | None = None,
    calendar: WorkdayCalendar | None = None,
) -> list[LicenceIssued]:
    """The 66 illustrative mining licences, in the order of :data:`DEMO_MINES`: the 63 of
    the 2020 register, then the three granted since (2021-2023).

    With ``today`` None they are all ``active`` (the expiry job then lapses those whose
    term has run out). Given a day on or after 2020-12-31, a licence whose ``valid_to`` is
    before it comes ``expired``. A quarry granted since is issued the day its grant's
    timeline says (:func:`.demo_timeline.quarry_timeline`, counted with ``rules`` and
    ``calendar``: by default the settings' default periods and the package's calendar).
    """
    if today is not None and today < BASELINE_DATE:
        raise ValueError(f"the demo licences are the register of {BASELINE_DATE}; got {today}")
    ordinals: dict[str, int] = {}
    licences = []
    for index, (mine, area) in enumerate(zip(DEMO_MINES, areas(), strict=True)):
        ordinals[mine.mineral] = ordinals.get(mine.mineral, 0) + 1
        valid_from = (
            _issued_on(index, mine.issued_year)
            if index < BASELINE_COUNT
            else quarry_timeline(mine.issued_year, rules, calendar).licence_issued_on
        )
        valid_to = add_years(valid_from, mine.term_years)
        lapsed = today is not None and valid_to < today
        licences.append(
            LicenceIssued(
                licence_no=f"C{ADCODE}{valid_from.year:04d}{valid_from.month:02d}99{index + 1:08d}",
                right_type="mining",
                holder=Holder(
                    name=f"平泉市示意{_HOLDER_LABEL[mine.mineral]}有限公司"
                    f"{_chinese_number(ordinals[mine.mineral])}",
                    credit_code=with_check_character(f"91{ADCODE}MA0DM{index + 1:04d}"),
                ),
                mineral=mine.mineral,
                mining_method=mine.mining_method,
                capacity=Capacity(value=mine.capacity, unit=mine.capacity_unit),
                scale=mine.scale,
                valid_from=valid_from,
                valid_to=valid_to,
                status="expired" if lapsed else "active",
                area=geojson(area),
                phase_out=False,
                illustrative=True,
                restoration_plan=restoration_plan(mine, valid_from, valid_to),
                green_mine=mine.scale != "small",  # the 8 medium of 2020, every one granted since
            )
        )
    return licences


def restoration_plan(
    mine: DemoMine, valid_from: date, valid_to: date
) -> list[RestorationMilestone]:
    """The mine's illustrative 复垦方案: cumulative hectares from 2021 to each year's end, for
    the plan years it is licensed in (none for a mine that disturbs no land)."""
    per_10kt = _PLANNED_DISTURBED_HA_PER_10KT[mine.mineral]
    ha_per_10kt = per_10kt.get(mine.mining_method, per_10kt[""])
    if mine.scale == "large":
        ha_per_10kt *= _LARGE_MINE_LAND_SHARE
    ore_10kt = mine.capacity * (_STONE_DENSITY if mine.capacity_unit != TONNES_10K_PER_YEAR else 1)
    if ha_per_10kt == 0:
        return []
    milestones: list[RestorationMilestone] = []
    total = Decimal(0)
    for year in PLAN_YEARS:
        first, last = max(date(year, 1, 1), valid_from), min(date(year, 12, 31), valid_to)
        if last < first:
            continue
        share = Decimal((last - first).days + 1) / Decimal(365)
        total += ore_10kt * share * _PLANNED_UTILISATION * ha_per_10kt * _PLANNED_RESTORED_SHARE
        milestones.append(
            RestorationMilestone(year=year, restored_area_ha=total.quantize(Decimal("0.1")))
        )
    return milestones


def areas() -> tuple[Polygon, ...]:
    """Each mine's licence area, in the order of :data:`DEMO_MINES`
    (:func:`.demo_places.placed`)."""
    return placed(SITES)


def _issued_on(index: int, year: int) -> date:
    """A day of ``year`` that varies with the mine, so terms do not all end together."""
    return date(year, 1 + (index * 5) % 12, 1 + (index * 11) % 28)


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 19 → 十九, 24 → 二十四 (1-99)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if not 1 <= n <= 99:
        raise ValueError(f"{n} is out of 1-99")
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")
