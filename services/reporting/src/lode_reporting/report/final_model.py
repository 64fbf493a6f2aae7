"""The plan period's final evaluation (终期评估) as plain, frozen data.

Built from the same read models and the same indicator definitions as the annual report
(:mod:`lode_reporting.queries.final`), and drawn by the same machinery: the HTML, XLSX and
PDF renderers share the annual report's layout, tables and the adjustments and conflicts
sections (:mod:`.pdf_adjustments`, ``_adjustments.html.j2``, :func:`.xlsx.write_adjustments`).
A year without figures is said so, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

from .model import Adjustments, Conflicts, FindingCount, PlanRef, Target

Outcome = Literal["achieved", "not_achieved", "no_data"]
OUTCOME_ZH: Final[dict[str, str]] = {
    "achieved": "已实现",
    "not_achieved": "未实现",
    "no_data": "无数据",
}
NO_ADJUSTMENT_IN_PERIOD_ZH: Final = "规划期内无规划调整"


@dataclass(frozen=True, slots=True, kw_only=True)
class YearFigure:
    """An indicator's figure for one year of the period (cumulative to that year for the
    ``[ ]`` indicators), ``None`` when nothing was reported."""

    year: int
    actual: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalIndicator:
    """One target against the final actual, with each year's figure and why."""

    id: str
    category_zh: str
    name_zh: str
    name_en: str
    unit_zh: str
    nature_zh: str | None
    """约束性 (binding) or 预期性 (expected); None for a text target."""
    baseline: Decimal | None
    target: Target
    final: Decimal | None
    cumulative: bool
    """True: ``final`` is the total over the period; False: the end-of-period value."""
    outcome: Outcome
    why_zh: str
    trend: tuple[YearFigure, ...]
    clause: str

    @property
    def outcome_zh(self) -> str:
        return OUTCOME_ZH[self.outcome]


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """How many of the mines in force at a year's end reported that year (年报覆盖)."""

    year: int
    reporting: int
    mines: int

    @property
    def line_zh(self) -> str:
        if self.mines == 0 and self.reporting == 0:
            return f"{self.year}年无矿山数据"
        return f"{self.year}年报覆盖{self.reporting}/{self.mines}家矿山"


@dataclass(frozen=True, slots=True, kw_only=True)
class FinalEvaluation:
    """规划终期评估报告: every target against the final actuals, the years, the adjustments,
    conflicts and findings over the period, and where the plan stands."""

    plan: PlanRef
    as_of: date
    generated_at: datetime
    standing: str
    """in_force | ended_in_force | superseded | not_yet."""
    standing_zh: str
    standing_en: str
    indicators: tuple[FinalIndicator, ...]
    coverage: tuple[Coverage, ...] = ()
    adjustments: Adjustments = field(default_factory=Adjustments)
    conflicts: Conflicts = field(default_factory=Conflicts)
    findings: tuple[FindingCount, ...] = ()
    illustrative: bool = False

    @property
    def years(self) -> tuple[int, ...]:
        first, last = self.plan.period
        return tuple(range(first, last + 1))

    @property
    def title_zh(self) -> str:
        first, last = self.plan.period
        return f"{self.plan.short_name_zh}（{first}—{last}年）终期评估报告"

    @property
    def title_en(self) -> str:
        return f"{self.plan.name_en}: final evaluation of the plan period"

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.indicators if row.outcome == outcome)

    @property
    def summary_zh(self) -> str:
        return (
            f"共评估指标 {len(self.indicators)} 项：已实现 {self.count('achieved')} 项，"
            f"未实现 {self.count('not_achieved')} 项，无数据 {self.count('no_data')} 项。"
        )
