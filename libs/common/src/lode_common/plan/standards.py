"""National standards the plan refers to without restating them (国家规定标准).

The structure of ``plan_data/national-standards.yaml``: mine scale classes (矿山生产建设规模
分类), minimum mining scales (最低开采规模), minimums of the three rates (“三率”最低指标),
minimum service years by scale, licence terms (采矿许可证 有效期, 统一配号) and the mineral
catalogue (矿种目录). Every figure keeps its ``source`` and ``confidence``, so a decision
that used it can show both.

Every section declares its keys and refuses any other (`plan_types.Strict`); figures are
strict numbers. `standards_issues` checks what pydantic cannot: unique codes and names in
the catalogue, and that every mineral the standards name is in it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, field_validator, model_validator

from lode_common.plan.types import (
    Confidence,
    Identifier,
    Int,
    Method,
    Number,
    Percent,
    PlanIssue,
    ScaleName,
    Short,
    Strict,
    Text,
    one_or_many,
    path_of,
)

MineralGroup = Literal["metal", "energy", "nonmetal", "building_stone", "water"]


class ScaleClass(Strict):
    """Capacity thresholds of one mineral and method (万吨/年 unless ``unit_zh`` says else)."""

    mineral_zh: Short
    method: Method | Literal["any"]
    unit_zh: Short
    large_min: Number
    medium_min: Number
    confidence: Confidence
    note: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not 0 < self.medium_min < self.large_min:
            raise ValueError("expected 0 < medium_min < large_min")
        return self


class ScaleClasses(Strict):
    """Mine scale classes (矿山生产建设规模分类) and the rule that reads them."""

    source: Text
    items: list[ScaleClass]
    rule: str | None = None
    working_days_per_year: Int | None = Field(default=None, gt=0, le=366)


class MinimumScale(Strict):
    """The minimum mining scale (最低开采规模) of one mineral and method: a new mine's
    capacity must be at least ``minimum`` ``unit_zh`` (万吨/年, 万立方米/年 or 吨/日)."""

    mineral_zh: Short
    method: Method | Literal["any"]
    unit_zh: Short
    minimum: Annotated[Number, Field(gt=0)]
    source: Text
    confidence: Confidence
    note: Text | None = None


class MinimumScales(Strict):
    """The minimum mining scale table (矿山最低开采规模标准), per mineral and method."""

    source: Text
    items: list[MinimumScale]
    not_found: tuple[Short, ...] = ()  # minerals with no row, named so a check can say so

    def of(self, names_zh: Sequence[str], method: str | None) -> MinimumScale | None:
        """The row of the first of ``names_zh`` (a mineral's names, then what it is treated
        as) for ``method``: a row of that method first, else the mineral's ``any`` row."""
        for name in names_zh:
            rows = [row for row in self.items if row.mineral_zh == name]
            exact = next((row for row in rows if row.method == method), None)
            fallback = next((row for row in rows if row.method == "any"), None)
            if exact or fallback:
                return exact or fallback
        return None


class ThreeRatesMinimum(Strict):
    """A minimum of the three rates (三率): mining recovery (开采回采率), processing
    recovery (选矿回收率), comprehensive utilisation (综合利用率), in percent."""

    mineral_zh: Short
    method: Method | None = None
    scale: Annotated[list[ScaleName], BeforeValidator(one_or_many)] | None = None
    ore_type: Short | None = None
    mining_recovery_min: Percent | None = None
    processing_recovery_min: Percent | None = None
    comprehensive_utilization_min: Percent | None = None
    confidence: Confidence
    note: Text | None = None

    @model_validator(mode="after")
    def _has_figure(self) -> Self:
        figures = (
            self.mining_recovery_min,
            self.processing_recovery_min,
            self.comprehensive_utilization_min,
        )
        if all(f is None for f in figures):
            raise ValueError(
                "expected at least one of mining_recovery_min, processing_recovery_min, "
                "comprehensive_utilization_min"
            )
        return self


class ThreeRatesMinimums(Strict):
    """Minimums of the three rates (“三率”最低指标要求), with their sources."""

    sources: dict[str, Text]
    default_ore_type: dict[str, Text] = Field(default_factory=dict)
    items: list[ThreeRatesMinimum]
    not_found: tuple[str, ...] = ()


class ByScale(Strict):
    """Years (or another count) per mine scale class."""

    large: Int = Field(gt=0)
    medium: Int = Field(gt=0)
    small: Int = Field(gt=0)
    source: str | None = None
    confidence: Confidence | None = None  # not stated = as sure as its section


class LicenceNumbering(Strict):
    """Licence numbers (统一配号): allocated upstream, never minted locally."""

    since: date
    pattern: Text
    note: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from None
        return value


class LicenceTerms(Strict):
    """Licence terms (采矿许可证/勘查许可证 有效期) and numbering."""

    mining_max_years: ByScale  # 矿产资源开采登记管理办法 第七条
    mining_renewal_notice_days: Int = Field(ge=0)
    exploration_years: Int = Field(gt=0)
    exploration_years_source: Text | None = None
    exploration_years_confidence: Confidence | None = None  # not stated = as sure as its section
    numbering: LicenceNumbering


class CatalogueEntry(Strict):
    """A mineral (矿种) as the plan names it, with its catalogue code."""

    zh: Short
    code: Identifier
    group: MineralGroup
    aliases_zh: tuple[Short, ...] = ()
    treat_as_zh: Short | None = None  # scale classes and three rates of that mineral apply
    capacity_unit_zh: Short | None = None
    density_t_per_m3: Annotated[Number, Field(gt=0)] | None = None
    density_source: Text | None = None
    density_confidence: Confidence | None = None
    note: Text | None = None

    @property
    def names_zh(self) -> list[str]:
        return [self.zh, *self.aliases_zh]


class NationalStandards(Strict):
    """The national standards in force for a plan version."""

    scale_classes: ScaleClasses
    minimum_scales: MinimumScales | None = None  # absent in versions published before 2026-12
    three_rates_minimums: ThreeRatesMinimums
    min_service_years_by_scale: ByScale
    licence_terms: LicenceTerms
    mineral_catalogue: list[CatalogueEntry] = Field(min_length=1)

    def mineral(self, name_or_code: str) -> CatalogueEntry | None:
        """The catalogue entry named ``name_or_code`` (Chinese name, alias or code)."""
        for entry in self.mineral_catalogue:
            if name_or_code == entry.code or name_or_code in entry.names_zh:
                return entry
        return None

    def mineral_names_zh(self) -> set[str]:
        """Every Chinese name the catalogue knows: names, aliases and ``treat_as_zh``."""
        names = {n for e in self.mineral_catalogue for n in e.names_zh}
        return names | {e.treat_as_zh for e in self.mineral_catalogue if e.treat_as_zh}


def unknown_minerals(
    standards: NationalStandards, names: Sequence[str], path: str
) -> list[PlanIssue]:
    """One issue naming every mineral of ``names`` missing from the catalogue, if any."""
    known = standards.mineral_names_zh()
    unknown = [n for n in names if n not in known]
    if not unknown:
        return []
    return [
        PlanIssue(
            path,
            f"unknown mineral(s) {', '.join(unknown)}: not in standards.mineral_catalogue "
            "(zh, aliases_zh or treat_as_zh)",
        )
    ]


def _rows_by_mineral_and_method(
    standards: NationalStandards,
    rows: Sequence[ScaleClass | MinimumScale],
    path: str,
    verb: str,
) -> list[PlanIssue]:
    """A table keyed by mineral and method: each mineral known, each pair once."""
    issues: list[PlanIssue] = []
    seen: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        where = f"{path}[{i}]"
        issues += unknown_minerals(standards, [row.mineral_zh], f"{where}.mineral_zh")
        pair = (row.mineral_zh, row.method)
        if pair in seen:
            issues.append(
                PlanIssue(
                    where, f"{row.mineral_zh} / {row.method} already {verb} in [{seen[pair]}]"
                )
            )
        seen.setdefault(pair, i)
    return issues


def standards_issues(standards: NationalStandards, prefix: str = "standards") -> list[PlanIssue]:
    """Cross-reference faults of the standards: duplicates and unknown minerals."""
    issues: list[PlanIssue] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    catalogue = standards.mineral_catalogue
    for i, entry in enumerate(catalogue):
        where = path_of(prefix, "mineral_catalogue", i)
        if entry.code in codes:
            issues.append(
                PlanIssue(
                    f"{where}.code", f"duplicate code {entry.code!r} (also [{codes[entry.code]}])"
                )
            )
        codes.setdefault(entry.code, i)
        for name in entry.names_zh:
            if name in names and names[name] != i:
                issues.append(PlanIssue(where, f"name {name!r} already used by [{names[name]}]"))
            names.setdefault(name, i)
    for i, entry in enumerate(catalogue):
        if entry.treat_as_zh is not None and entry.treat_as_zh not in names:
            where = path_of(prefix, "mineral_catalogue", i, "treat_as_zh")
            issues.append(PlanIssue(where, f"{entry.treat_as_zh!r} is not a catalogue mineral"))
    issues += _rows_by_mineral_and_method(
        standards, standards.scale_classes.items, f"{prefix}.scale_classes.items", "classed"
    )
    if standards.minimum_scales is not None:
        issues += _rows_by_mineral_and_method(
            standards, standards.minimum_scales.items, f"{prefix}.minimum_scales.items", "listed"
        )
    rates = standards.three_rates_minimums
    for i, rate in enumerate(rates.items):
        where = path_of(prefix, "three_rates_minimums", "items", i, "mineral_zh")
        issues += unknown_minerals(standards, [rate.mineral_zh], where)
    for key in ("sources", "default_ore_type"):
        where = path_of(prefix, "three_rates_minimums", key)
        issues += unknown_minerals(standards, list(getattr(rates, key)), where)
    return issues
