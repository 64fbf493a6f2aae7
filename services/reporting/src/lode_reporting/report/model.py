"""One year's plan implementation report (年度规划实施情况报告) as plain, frozen data.

The read models assemble an :class:`AnnualReport`; the renderers (:mod:`.html`,
:mod:`.xlsx`, :mod:`.pdf`) turn it into a document and never look anything up. Quantities
are ``Decimal`` in the plan's own units (万吨, 公顷, %); a missing figure is ``None`` and
is shown as "—", never as zero.

The indicator table follows the shape of the plan's 专栏1 (矿产资源规划主要指标完成情况一览表:
类别 | 指标 | 单位 | 规划指标 | 完成情况) with the 2020 baseline and the year's figure beside
the 2025 target of 专栏2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final, Literal, Protocol, TypeAlias

from lode_reporting.domain.grants import GrantYear
from lode_reporting.domain.statistics import CNY_10K_PER_100M
from lode_reporting.domain.supervision import SupervisionYear

Target: TypeAlias = Decimal | str
"""A target as the plan states it: a number (``Decimal("500")``) or a text such as
``"400±"``, ``"≥ 95"`` or ``"≥ 国家标准"`` when it is a bound or a band."""


class IndicatorStatus(StrEnum):
    """Where an indicator stands against its target (完成情况)."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    @property
    def label_zh(self) -> str:
        return STATUS_ZH[self]


STATUS_ZH: Final[dict[IndicatorStatus, str]] = {
    IndicatorStatus.MET: "已完成",
    IndicatorStatus.ON_TRACK: "进度正常",
    IndicatorStatus.AT_RISK: "存在风险",
    IndicatorStatus.NOT_MET: "未完成",
    IndicatorStatus.NO_DATA: "暂无数据",
}

Severity: TypeAlias = Literal["info", "warning", "violation"]
SEVERITY_ZH: Final[dict[str, str]] = {"info": "提示", "warning": "警告", "violation": "违规"}

RightType: TypeAlias = Literal["exploration", "mining"]
RIGHT_TYPE_ZH: Final[dict[str, str]] = {"exploration": "探矿权", "mining": "采矿权"}

Scale: TypeAlias = Literal["large", "medium", "small"]
SCALE_ZH: Final[dict[str, str]] = {"large": "大型", "medium": "中型", "small": "小型"}

LicenceChangeKind: TypeAlias = Literal["issued", "expired", "revoked", "cancelled"]
"""``issued`` (新立) opens a licence; the other three close it (到期失效 / 吊销 / 注销)."""
LICENCE_CHANGE_ZH: Final[dict[str, str]] = {
    "issued": "新立",
    "expired": "到期失效",
    "revoked": "吊销",
    "cancelled": "注销",
}

FINDING_CODE_ZH: Final[dict[str, str]] = {
    "three_rates_below_standard": "“三率”低于国家标准",
    "over_capacity": "超能力开采",
    "capacity_not_comparable": "产能无法比对",
    "production_while_inactive": "非有效期内生产",
    "prohibited_mineral_mined": "开采禁止开采矿种",
    "restoration_behind_plan": "复垦进度落后于方案",
    "mineral_not_in_catalogue": "矿种不在标准目录",
    "annual_report_missing": "未按期提交年报",
    "reserves_report_missing": "未按期提交储量年报",
    "reserves_discontinuity": "年初保有储量与上年末不衔接",
    "extraction_mismatch": "储量年报开采量与开发利用年报不符",
    "recovery_implied_low": "储量年报反映的开采回采率偏低",
    "service_years_short": "剩余服务年限不足",
    "inspection_discrepancy": "现场检查发现与填报不符",
}
"""Chinese names of the monitoring service's finding codes; an unknown code shows as is."""


def finding_code_zh(code: str) -> str:
    return FINDING_CODE_ZH.get(code, code)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRef:
    """The plan the report measures (规划) and the version of its data used."""

    id: str
    name_zh: str
    name_en: str
    version: int
    period: tuple[int, int]
    region_zh: str
    base_year: int
    target_year: int

    @property
    def short_name_zh(self) -> str:
        """The plan's name without its period: 平泉市矿产资源总体规划."""
        return re.sub(r"[（(]\s*\d{4}\s*[-–—~至]\s*\d{4}\s*年?\s*[)）]\s*$", "", self.name_zh)


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorRow:
    """One row of the indicator table (专栏2 indicator against its target).

    ``actual`` is the figure of the report's year; ``cumulative`` the sum over the plan
    period up to and including that year, for indicators counted over the period (the
    ``[ ]`` rows of 专栏2) and ``None`` for end-of-period values.
    """

    id: str
    category_zh: str
    name_zh: str
    name_en: str
    unit_zh: str
    baseline_2020: Decimal | None
    target: Target
    actual: Decimal | None
    cumulative: Decimal | None = None
    status: IndicatorStatus
    clause: str
    nature_zh: str | None = None
    """指标属性: 预期性 (expected) or 约束性 (binding)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingCount:
    """How many findings of one code were opened and closed in the year."""

    code: str
    opened: int
    closed: int

    @property
    def label_zh(self) -> str:
        return finding_code_zh(self.code)


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingRow:
    """One finding (监管发现) opened or closed in the year."""

    licence_no: str
    holder: str
    mineral_zh: str
    code: str
    severity: Severity
    message: str
    standard: str
    opened_on: date
    closed_on: date | None = None

    @property
    def label_zh(self) -> str:
        return finding_code_zh(self.code)


@dataclass(frozen=True, slots=True, kw_only=True)
class Findings:
    """The year's findings: counts by code and the list (问题清单)."""

    counts: tuple[FindingCount, ...] = ()
    items: tuple[FindingRow, ...] = ()

    @property
    def opened(self) -> int:
        return sum(count.opened for count in self.counts)

    @property
    def closed(self) -> int:
        return sum(count.closed for count in self.counts)


@dataclass(frozen=True, slots=True, kw_only=True)
class LicenceChange:
    """A licence issued (新立) or closed (到期失效 / 吊销 / 注销) in the year."""

    licence_no: str
    holder: str
    mineral_zh: str
    scale: Scale | None
    right_type: RightType
    change: LicenceChangeKind
    on: date
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RestorationProject:
    """Progress of a restoration project of the plan (e.g. 灭失矿山迹地综合治理)."""

    project_id: str
    name_zh: str
    site: str | None
    restored_in_year_ha: Decimal
    restored_cumulative_ha: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class MineRestoration:
    """A mine's own reclamation (复垦): disturbed against restored area, as reported."""

    licence_no: str
    holder: str
    mineral_zh: str
    disturbed_area_ha: Decimal | None
    restored_area_ha: Decimal | None
    planned_restored_ha: Decimal | None = None
    """What the mine's restoration plan requires by the end of the year, if it has one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Restoration:
    """Restoration progress (生态修复): the abandoned-mine target of 专栏6 and the mines."""

    target_ha: Decimal = Decimal(150)
    restored_cumulative_ha: Decimal = Decimal(0)
    clause: str = "第五章第三节 专栏6"
    projects: tuple[RestorationProject, ...] = ()
    mines: tuple[MineRestoration, ...] = ()

    @property
    def share_of_target_pct(self) -> Decimal | None:
        """Cumulative restored area as a percentage of the target, one decimal place."""
        if self.target_ha <= 0:
            return None
        return (self.restored_cumulative_ha * 100 / self.target_ha).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True, kw_only=True)
class MineralOutput:
    """The year's output of one mineral (开采量), summed over the mines' reports; its output
    value (产值, 万元) over the reports that give one, ``None`` when none does (未报)."""

    mineral_zh: str
    ore_mined_10kt: Decimal
    mines_reporting: int
    output_value_cny_10k: Decimal | None = None
    mines_without_value: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputValue:
    """The year's output value of the mines (产值) beside the plan's base-year figure, which
    the plan gives in 亿元 (2020 采选业产值, ``baseline_2020.mining_output_value_cny_100m``)."""

    total_cny_10k: Decimal | None
    baseline_year: int
    baseline_cny_100m: Decimal | None = None
    baseline_clause: str | None = None
    mines_without_value: int = 0

    @property
    def total_cny_100m(self) -> Decimal | None:
        """The total in 亿元 (1 亿元 = 10 000 万元)."""
        if self.total_cny_10k is None:
            return None
        return self.total_cny_10k / CNY_10K_PER_100M  # exact: a shift of four places


@dataclass(frozen=True, slots=True, kw_only=True)
class MineralReserves:
    """One mineral's reserves in the year (万吨 of ore), from the mines' reserves reports:
    保有 (closing), 动用 (extracted + lost), 新增 (newly proven), 重算 (recalculated). A
    mineral no mine reported has ``None`` figures (未报)."""

    mineral_zh: str
    mines_reporting: int
    mines_not_reporting: int = 0
    closing_10kt: Decimal | None = None
    used_10kt: Decimal | None = None
    new_proven_10kt: Decimal | None = None
    recalculated_10kt: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousResult:
    """One row of 专栏1 (上轮规划指标完成情况): the previous plan's target and result."""

    category_zh: str
    indicator_zh: str
    unit_zh: str
    target: Target
    achieved: Decimal
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviousPlan:
    """专栏1 as the plan states it: the baseline the plan starts from, with its clause."""

    clause: str
    rows: tuple[PreviousResult, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExplorationResult:
    """New resources proven by exploration in the year (新增资源量)."""

    mineral_zh: str
    new_resources_ore_10kt: Decimal
    licence_no: str | None = None
    holder: str | None = None


GROUNDS_ZH: Final[dict[str, str]] = {
    "major_discovery": "重大发现",
    "conditions_changed": "形势变化",
    "major_project": "重大项目",
}
"""The grounds of a plan adjustment (矿产资源规划编制实施办法 art. 38)."""
NO_ADJUSTMENT_ZH: Final = "本年度无规划调整"


def grounds_zh(grounds: str | None) -> str:
    return "—" if grounds is None else GROUNDS_ZH.get(grounds, grounds)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanChangeLine:
    """One change of an adjustment, as an officer reads it (规划版本对比)."""

    section_zh: str
    label_zh: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustment:
    """A version of the plan approved and published (规划调整): what it rests on and what it
    changed against the version before it (``changes`` empty and ``compared_with`` None
    when reporting holds no earlier version to compare)."""

    plan_id: str
    version: int
    approval_ref: str | None
    approved_on: date | None
    published_on: date
    grounds: str | None = None
    reason: str | None = None
    proposal_id: str | None = None
    predecessor_plan_id: str | None = None
    compared_with: int | None = None
    changes: tuple[PlanChangeLine, ...] = ()

    @property
    def grounds_zh(self) -> str:
        return grounds_zh(self.grounds)


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedProposal:
    """A proposal the approving level rejected (不予批准)."""

    proposal_id: str
    grounds: str
    reason: str
    rejected_on: date | None
    rejection_reason: str | None

    @property
    def grounds_zh(self) -> str:
        return grounds_zh(self.grounds)


@dataclass(frozen=True, slots=True, kw_only=True)
class Adjustments:
    """规划调整情况: versions approved in the period covered and proposals rejected."""

    versions: tuple[Adjustment, ...] = ()
    rejected: tuple[RejectedProposal, ...] = ()

    @property
    def none(self) -> bool:
        return not self.versions and not self.rejected


@dataclass(frozen=True, slots=True, kw_only=True)
class ConflictCount:
    """Licences in conflict with the plan (与规划冲突) under one rule: detected and resolved
    in the period covered, and still open at its end."""

    rule_id: str
    detected: int
    resolved: int
    open_at_end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Conflicts:
    counts: tuple[ConflictCount, ...] = ()

    @property
    def detected(self) -> int:
        return sum(c.detected for c in self.counts)

    @property
    def resolved(self) -> int:
        return sum(c.resolved for c in self.counts)

    @property
    def open_at_end(self) -> int:
        return sum(c.open_at_end for c in self.counts)

    @property
    def summary_zh(self) -> str:
        return (
            f"发现与规划冲突的矿业权 {self.detected} 起，已消除 {self.resolved} 起，"
            f"期末尚存 {self.open_at_end} 起。"
        )


class Titled(Protocol):
    """What a document reads of the report it holds, whichever it is (the annual report, the
    final evaluation): the titles, the plan, when it was generated and whether its data are
    illustrative."""

    @property
    def title_zh(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    @property
    def plan(self) -> PlanRef: ...
    @property
    def generated_at(self) -> datetime: ...
    @property
    def illustrative(self) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnualReport:
    """平泉市矿产资源总体规划 {year} 年度实施情况报告: everything a renderer shows."""

    plan: PlanRef
    year: int
    as_of: date
    generated_at: datetime
    indicators: tuple[IndicatorRow, ...]
    findings: Findings = field(default_factory=Findings)
    licences_issued: tuple[LicenceChange, ...] = ()
    licences_closed: tuple[LicenceChange, ...] = ()
    restoration: Restoration = field(default_factory=Restoration)
    output_by_mineral: tuple[MineralOutput, ...] = ()
    output_value: OutputValue | None = None
    reserves_by_mineral: tuple[MineralReserves, ...] = ()
    exploration_results: tuple[ExplorationResult, ...] = ()
    previous_plan: PreviousPlan | None = None
    """专栏1, when the plan version carries it."""
    adjustments: Adjustments = field(default_factory=Adjustments)
    """规划调整情况: the versions approved in the year and the proposals rejected."""
    conflicts: Conflicts = field(default_factory=Conflicts)
    """Licences found in conflict with the plan in the year, by rule."""
    grants: GrantYear = field(default_factory=GrantYear)
    """矿业权出让情况: the year's competitive grants, counted, with the fee schedule."""
    supervision: SupervisionYear | None = None
    """监督检查情况: the year's draws, inspections, orders and lists; ``None``: none."""
    illustrative: bool = False
    """True when any figure comes from the demo data (示意数据): every format says so."""

    def __post_init__(self) -> None:
        first, last = self.plan.period
        if not first <= self.year <= last:
            raise ValueError(f"year {self.year} is outside the plan period {first}-{last}")
        if any(change.change != "issued" for change in self.licences_issued):
            raise ValueError("licences_issued holds only 'issued' changes")
        if any(change.change == "issued" for change in self.licences_closed):
            raise ValueError("licences_closed holds only closing changes")

    @property
    def title_zh(self) -> str:
        """平泉市矿产资源总体规划2024年度实施情况报告."""
        return f"{self.plan.short_name_zh}{self.year}年度实施情况报告"

    @property
    def title_en(self) -> str:
        return f"{self.plan.name_en}: implementation report {self.year}"
