"""What the API answers of a mine's closure facts (闭坑): the closure report received and
the restoration accepted, as the bureau recorded them, on their own and in a licence."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lode_licensing.api.answers import Day, LicenceWithHistory


class ClosureRecordAnswer(BaseModel):
    """One recorded fact: its date, reference, who recorded it and in which role."""

    on: Day = Field(description="received_on of the report / accepted_on of the restoration")
    reference: str = Field(description="文号/编号 of the report or the acceptance")
    recorded_by: str
    role: str
    note: str | None


class ClosureAnswer(BaseModel):
    """The latest closure report and restoration acceptance recorded for a licence; what
    the cancellation check (restoration_duty) decides by."""

    licence_no: str
    closure_report: ClosureRecordAnswer | None = Field(description="矿山闭坑报告 received")
    restoration_acceptance: ClosureRecordAnswer | None = Field(
        description="地质环境恢复治理 accepted"
    )


class ClosureOfLicence(BaseModel):
    closure_report: ClosureRecordAnswer | None
    restoration_acceptance: ClosureRecordAnswer | None


class LicenceWithClosure(LicenceWithHistory):
    """A licence with its history and the closure facts recorded for it (闭坑)."""

    closure: ClosureOfLicence
