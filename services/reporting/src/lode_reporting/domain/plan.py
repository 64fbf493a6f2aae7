"""The indicators a plan version sets (专栏2 and the text targets), read from the typed plan
document (:class:`~lode_common.plan.document.PlanDocument`) as it arrived by event: pure,
no I/O, never from a file.

Each indicator the plan names becomes an :class:`IndicatorDefinition`: its target kind
(see :mod:`lode_reporting.domain.status`), target, 2020 baseline, unit and clause. Which
figure measures it is :data:`lode_reporting.domain.measures.MEASURES` (by id); an id the
plan names that reporting has no measure for is still listed, with ``no_data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from lode_common.plan.document import PlanDocument, TextTarget
from lode_common.plan.output import output_indicators
from lode_reporting.domain.measures import Counted
from lode_reporting.domain.status import Kind, Target

Section = Literal["专栏2", "text"]

BUILDING_STONE_GROUP: Final = "building_stone"
"""The mineral catalogue's group whose mines' ore makes 建筑石料类 output."""


@dataclass(frozen=True)
class IndicatorDefinition:
    id: str
    name_zh: str
    unit_zh: str
    section: Section
    clause: str
    target: Target
    cumulative: bool
    statement_zh: str | None = None

    @property
    def target_text(self) -> str:
        """The target as the plan states it: ``200±``, ``≤50``, ``<63``, ``≥100``."""
        value = _plain(self.target.target)
        return {
            "around": f"{value}±",
            "at_most": f"≤{value}",
            "below": f"<{value}",
            "floor": f"≥{value}",
            "at_least": f"≥{value}",
        }[self.target.kind]


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _baseline(document: PlanDocument, indicator_id: str) -> Decimal | None:
    """The 2020 figure the plan gives for an indicator that is not counted from zero."""
    base = document.baseline_2020
    mines = None if base is None or base.licensed_mines is None else Decimal(base.licensed_mines)
    if indicator_id == "large_medium_mine_ratio":
        scales = base.mines_by_scale if base is not None else None
        large = Decimal(scales.large or 0) if scales is not None else Decimal(0)
        medium = Decimal(scales.medium or 0) if scales is not None else Decimal(0)
        if mines:
            return ((large + medium) * 100 / mines).quantize(Decimal("0.01"))
        return None
    if indicator_id in ("total_mines_cap", "mining_rights_decrease"):
        return mines
    if indicator_id == "land_reclamation_new_mines":
        return None if base is None else base.land_reclamation_rate_new_and_building_pct
    if indicator_id == "three_rates_compliance" and document.previous_plan_results is not None:
        for row in document.previous_plan_results.rows:
            if "三率" in row.indicator:
                return row.achieved
    return None


def definitions(document: PlanDocument) -> list[IndicatorDefinition]:
    """Every indicator of 专栏2, then every text target, in the plan's order."""
    base_year, target_year = document.plan.base_year, document.plan.target_year
    out: list[IndicatorDefinition] = []
    table_clause = document.indicators.clause
    for item in document.indicators.items:
        kind: Kind = "around" if item.tolerance else "at_least"
        baseline = Decimal(0) if item.cumulative else _baseline(document, item.id)
        detail = item.detail_clause
        out.append(
            IndicatorDefinition(
                id=item.id,
                name_zh=item.name_zh,
                unit_zh=item.unit_zh,
                section="专栏2",
                clause=f"{table_clause}; {detail}" if detail else table_clause,
                target=Target(kind, item.target, target_year, base_year, baseline),
                cumulative=item.cumulative,
            )
        )
    for text in document.text_targets:
        definition = _text_target(document, text, base_year, target_year)
        if definition is not None:
            out.append(definition)
    return out


def _text_target(
    document: PlanDocument, text: TextTarget, base_year: int, target_year: int
) -> IndicatorDefinition | None:
    """A text target bounded from above (``max``, ``below``), by a floor in per cent
    (``min_pct``) or by a cumulative minimum (``min``); any other bound is not measured."""
    limit = text.limit
    kind: Kind
    if limit.max is not None:
        kind, goal, unit, cumulative = "at_most", limit.max, limit.unit_zh, False
    elif limit.below is not None:
        kind, goal, unit, cumulative = "below", limit.below, limit.unit_zh, False
    elif limit.min_pct is not None:
        kind, goal, unit, cumulative = "floor", limit.min_pct, "%", False
    elif limit.min is not None:
        kind, goal, unit, cumulative = "at_least", limit.min, limit.unit_zh, True
    else:
        return None
    baseline = Decimal(0) if cumulative else _baseline(document, text.id)
    return IndicatorDefinition(
        id=text.id,
        name_zh=text.statement_zh,
        unit_zh=unit or "",
        section="text",
        clause=text.clause,
        target=Target(kind, goal, target_year, base_year, baseline),
        cumulative=cumulative,
        statement_zh=text.statement_zh,
    )


def mineral_group(document: PlanDocument, group: str) -> frozenset[str]:
    """The names (and aliases) of the catalogue's minerals in ``group``."""
    return frozenset(
        name
        for entry in document.standards.mineral_catalogue
        if entry.group == group
        for name in entry.names_zh
    )


def output_counts(document: PlanDocument) -> Mapping[str, Counted]:
    """The plan's output indicators by id, each with the catalogue's minerals (names and
    aliases) it covers (:meth:`~lode_common.plan.output.OutputIndicator.covers`)."""
    standards = document.standards
    return MappingProxyType(
        {
            output.id: Counted(
                output,
                frozenset(
                    name
                    for entry in standards.mineral_catalogue
                    if output.covers(entry, standards)
                    for name in entry.names_zh
                ),
            )
            for output in output_indicators(document)
        }
    )


@dataclass(frozen=True)
class OutputValueBaseline:
    """The plan's base-year output value (2020 采选业产值, 亿元) and where the plan states it:
    专栏1 (上轮规划主要指标完成情况, 矿业产值 achieved) when the version carries it."""

    year: int
    value_cny_100m: Decimal | None
    clause: str | None


def output_value_baseline(document: PlanDocument) -> OutputValueBaseline:
    base = document.baseline_2020
    previous = document.previous_plan_results
    return OutputValueBaseline(
        year=document.plan.base_year,
        value_cny_100m=None if base is None else base.mining_output_value_cny_100m,
        clause=None if previous is None else previous.clause,
    )


def mineral_names(document: PlanDocument, code: str) -> frozenset[str]:
    """The names (and aliases) of the catalogue's mineral with ``code`` (e.g. molybdenum)."""
    for entry in document.standards.mineral_catalogue:
        if entry.code == code:
            return frozenset(entry.names_zh)
    return frozenset()


def period(document: PlanDocument) -> tuple[int, int]:
    """The plan period's first and last year (2021, 2025)."""
    first, last = document.plan.period
    return first, last


def nature_zh(document: PlanDocument, indicator_id: str) -> str | None:
    """Whether an indicator of 专栏2 is 预期性 or 约束性 (None for a text target)."""
    indicator = document.indicator(indicator_id)
    return None if indicator is None else indicator.nature_zh


class ReportingError(Exception):
    """A request the plan in force cannot answer (the caller's to correct); answered as a
    problem by the service's error policy (``lode_reporting.api.errors``)."""


class YearOutsidePlan(ReportingError):
    """A year the plan has no figures for (before its baseline or after its period)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownIndicator(ReportingError):
    """An indicator id the plan in force does not name."""

    def __init__(self, indicator_id: str, known: list[str]) -> None:
        super().__init__(indicator_id)
        self.indicator_id = indicator_id
        self.known = known


def check_year(document: PlanDocument, year: int) -> None:
    """Indicators have a figure from the baseline year to the end of the plan period."""
    base, (_first, last) = document.plan.base_year, period(document)
    if not base <= year <= last:
        raise YearOutsidePlan(
            f"must be within the plan's baseline and period, {base}–{last}; got {year}"
        )


def check_period_year(plan_period: tuple[int, int], year: int) -> None:
    """``year`` is a year of the plan period (an implementation report, a year's grants)."""
    first, last = plan_period
    if not first <= year <= last:
        raise YearOutsidePlan(
            f"年度 {year} 不在规划期 {first}–{last} 内 / "
            f"year {year} is outside the plan period {first}–{last}"
        )


def check_year_in_force(plan_period: tuple[int, int], year: int, *, this_year: int) -> None:
    """``year`` is a year the plan governed: one of its period, or a later one up to this
    year, since a plan whose period ended stays in force until a successor replaces it
    (规划期结束后在被新规划替代前继续执行): a year's grants, its inspections."""
    first, last = plan_period
    upper = max(last, this_year)
    if not first <= year <= upper:
        raise YearOutsidePlan(
            f"年度 {year} 不在规划实施年度 {first}–{upper} 内（规划期 {first}–{last}，期满后在被"
            f"新规划替代前继续执行）/ year {year} is not a year the plan governed: {first}–{upper} "
            f"(its period {first}–{last}, then in force until a successor replaces it)"
        )


def check_report_year(document: PlanDocument, year: int) -> None:
    """An implementation report is written for a year of the plan period."""
    check_period_year(period(document), year)


def definition(document: PlanDocument, indicator_id: str) -> IndicatorDefinition:
    """The plan's indicator ``indicator_id``; :class:`UnknownIndicator` if it names none."""
    every = definitions(document)
    for found in every:
        if found.id == indicator_id:
            return found
    raise UnknownIndicator(indicator_id, [d.id for d in every])
