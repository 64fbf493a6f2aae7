"""The final evaluation (终期评估) as JSON: the published models of ``format=json``.

They mirror :class:`~lode_reporting.report.final_model.FinalEvaluation` field by field (and
the few words the renderers derive: the titles, the summary, each outcome in Chinese), so a
client generated from the document gets the report typed, and the answer is built from these
models (:meth:`FinalEvaluationOut.of`), so the document cannot drift from what is sent.
Their names start with ``Final`` to stay unique in reporting's document.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from lode_reporting.report.final_model import FinalEvaluation


def _number(value: Decimal) -> int | float:
    # The report's figures are computed (sums, rates): sent as the number they are, an
    # integer when the decimal has no fraction digits, as the renderers show them.
    return int(value) if value == value.to_integral_value() else float(value)


Figure = Annotated[Decimal, PlainSerializer(_number, return_type=int | float, when_used="json")]
"""A figure in the indicator's unit (万吨, 公顷, %, 幅…)."""


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class FinalPlan(_Out):
    """The plan evaluated and the version of its data used."""

    id: str
    name_zh: str
    name_en: str
    version: int
    period: tuple[int, int]
    region_zh: str
    base_year: int
    target_year: int


class FinalYearFigure(_Out):
    year: int
    actual: Figure | None = Field(
        description="the year's figure (cumulative to the year for a cumulative indicator); "
        "null when nothing was reported, never filled in"
    )


class FinalIndicator(_Out):
    """One target against the final actual, each year's figure and why."""

    id: str
    category_zh: str
    name_zh: str
    name_en: str
    unit_zh: str
    nature_zh: str | None = Field(
        description="约束性 (binding) or 预期性 (expected); null for a text target"
    )
    baseline: Figure | None
    target: Figure | str = Field(
        description="a number, or the plan's text when it is a bound or a band (400±, ≥ 95)"
    )
    final: Figure | None
    cumulative: bool = Field(
        description="true: final is the total over the period; false: the end-of-period value"
    )
    outcome: Literal["achieved", "not_achieved", "no_data"]
    outcome_zh: str
    why_zh: str
    trend: list[FinalYearFigure]
    clause: str


class FinalCoverage(_Out):
    """How many of the mines in force at a year's end reported that year (年报覆盖)."""

    year: int
    reporting: int
    mines: int


class FinalPlanChange(_Out):
    section_zh: str
    label_zh: str


class FinalAdjustment(_Out):
    """A version of the plan approved and published (规划调整) and what it changed."""

    plan_id: str
    version: int
    approval_ref: str | None
    approved_on: date | None
    published_on: date
    grounds: str | None
    reason: str | None
    proposal_id: str | None
    predecessor_plan_id: str | None
    compared_with: int | None = Field(
        description="the version compared with; null when no earlier version is held"
    )
    changes: list[FinalPlanChange]


class FinalRejectedProposal(_Out):
    """A proposal the approving level rejected (不予批准)."""

    proposal_id: str
    grounds: str
    reason: str
    rejected_on: date | None
    rejection_reason: str | None


class FinalAdjustments(_Out):
    versions: list[FinalAdjustment]
    rejected: list[FinalRejectedProposal]


class FinalConflictCount(_Out):
    """Licences in conflict with the plan (与规划冲突) under one rule over the period."""

    rule_id: str
    detected: int
    resolved: int
    open_at_end: int


class FinalConflicts(_Out):
    counts: list[FinalConflictCount]


class FinalFindingCount(_Out):
    code: str
    opened: int
    closed: int


class FinalEvaluationOut(_Out):
    """规划终期评估报告: every target against the final actuals, the years, the adjustments,
    conflicts and findings over the period, and where the plan stands."""

    plan: FinalPlan
    as_of: date
    generated_at: datetime
    standing: Literal["in_force", "ended_in_force", "superseded", "not_yet"]
    standing_zh: str
    standing_en: str
    indicators: list[FinalIndicator]
    coverage: list[FinalCoverage]
    adjustments: FinalAdjustments
    conflicts: FinalConflicts
    findings: list[FinalFindingCount]
    illustrative: bool
    title_zh: str
    title_en: str
    summary_zh: str

    @classmethod
    def of(cls, report: FinalEvaluation) -> FinalEvaluationOut:
        return cls.model_validate(report, from_attributes=True)
