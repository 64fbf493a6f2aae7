"""Entry rules (准入规则): admission rules for new rights, as data the licensing service runs.

Each rule states the plan's sentence (``statement_zh``), whom it applies to
(``applies_to``: right, kind of application, mineral, method, zone type), what it checks
(``check``), what happens when the check fails or the rule applies (``effect``) and the
plan ``clause`` to cite. Unknown keys are refused: a misspelt check would silently
disable it. Cross-references (zone types, minerals, indicators, targets) are checked by
`plan_document.load_plan_document`, which sees the whole document.
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import model_validator

from lode_common.plan.types import (
    Bool,
    Identifier,
    Method,
    Number,
    OneOrMany,
    ScaleName,
    Strict,
    Text,
)

Effect = Literal["reject", "review", "needs_review", "warn_when_exceeded"]
"""``reject``: the application fails; ``review`` / ``needs_review``: a person decides with a
justification (原则上, 严格论证); ``warn_when_exceeded``: a total goes over a plan figure."""


class Bound(Strict):
    """A numeric bound of a check; ``inclusive`` says whether the bound itself passes."""

    min: Number | None = None
    max: Number | None = None
    inclusive: Bool = True

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.min is None and self.max is None:
            raise ValueError("expected min or max")
        return self


class RuleCheck(Strict):
    """What an entry rule checks on an application (准入条件)."""

    capacity_ore_10kt_per_year: Bound | None = None  # 万吨/年 of ore
    processing_t_per_day: Bound | None = None  # 吨/日 processed
    scale: ScaleName | None = None  # the minimum scale class
    green_mine_plan: Literal["required"] | None = None  # 绿色矿山
    development_plan: Literal["required"] | None = None  # 开发利用方案
    planned_three_rates: Literal["national_minimums"] | None = None  # 三率
    service_years: Literal["min_service_years_by_scale"] | None = None  # 服务年限
    minimum_scale: Literal["standards_table"] | None = None  # 最低开采规模表 (standards)
    restoration_plan: Literal["required"] | None = None  # 矿山地质环境保护与土地复垦方案
    within_region: Literal["required"] | None = None  # inside the plan's region (行政区界)
    zone_conditions: Literal["review"] | None = None  # a zone's conditions, named for review

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(v is None for v in self.model_dump().values()):
            raise ValueError("expected at least one check")
        return self


class AppliesTo(Strict):
    """Whom a rule applies to; a key left out matches everything."""

    right: Literal["mining", "exploration"] | None = None  # 采矿权 / 探矿权
    kind: Literal["new", "renewal", "change", "transfer"] | None = None  # 新立/延续/变更/转让
    mineral_zh: OneOrMany | None = None
    method: Method | None = None
    zone_type: OneOrMany | None = None


class EntryRule(Strict):
    """An admission rule for new rights (准入规则), citing its clause."""

    id: Identifier
    statement_zh: Text
    applies_to: AppliesTo | None = None
    check: RuleCheck | None = None
    effect: Effect | None = None
    indicators: tuple[Identifier, ...] = ()
    target: Identifier | None = None
    clause: Text
    note: str | None = None

    @model_validator(mode="after")
    def _acts(self) -> Self:
        if self.check is None and self.effect is None:
            raise ValueError("expected a check, an effect or both")
        if self.effect == "warn_when_exceeded" and not (self.indicators or self.target):
            raise ValueError("warn_when_exceeded needs indicators or a target to compare")
        return self
