"""The what-if of a plan adjustment (规划调整影响分析) as licensing answers it and zoning passes
it on: one contract, read by both sides (``POST /licensing/v1/plan-impact``, and the
licences and applications of ``GET /zoning/v1/plans/{plan_id}/proposals/{id}/impact``).

Licensing evaluates every licence in force (by its standing checks) and every open
application (by all its checks and its verdict) under the plan in force and under the
proposed document, and answers only those whose verdict or any check changes;
``evaluated`` counts them all and ``unavailable`` names those it could not evaluate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["pass", "fail", "review", "warn"]
Standing = Literal["pass", "review", "fail"]
Verdict = Literal["eligible", "ineligible", "needs_review"]


class ImpactCheckChange(BaseModel):
    """A rule whose outcome changes, citing where the plan says it."""

    rule_id: str
    clause: str
    before: Outcome | None = Field(description="null: the rule did not run under the plan in force")
    after: Outcome | None = Field(description="null: the rule does not run under the proposal")
    message: str | None


class ImpactHolder(BaseModel):
    """An enterprise: its registered name and 统一社会信用代码."""

    name: str
    credit_code: str


class LicenceImpact(BaseModel):
    licence_no: str
    holder: ImpactHolder
    mineral: str
    before: Standing = Field(description="the worst of its standing checks")
    after: Standing
    changes: list[ImpactCheckChange]


class ApplicationImpact(BaseModel):
    application_id: str
    status: str
    applicant: str
    mineral: str
    before: Verdict
    after: Verdict
    changes: list[ImpactCheckChange]


class ImpactCounts(BaseModel):
    """Every subject evaluated (the answer lists only those that change)."""

    licences: int
    applications: int


class ImpactUnavailable(BaseModel):
    """A subject that could not be evaluated, and why."""

    kind: Literal["licence", "application"]
    id: str
    reason: str


class PlanImpact(BaseModel):
    """Licensing's answer: the plan version it checked under today, and the subjects whose
    verdict or any check the proposed document changes."""

    plan_id: str
    plan_version: int
    proposal_id: str
    proposed_plan_id: str
    evaluated: ImpactCounts
    licences: list[LicenceImpact]
    applications: list[ApplicationImpact]
    unavailable: list[ImpactUnavailable] = Field(
        description="subjects that could not be evaluated (zoning could not analyse the area, "
        "or the application no longer reads under a version), each named with why"
    )
