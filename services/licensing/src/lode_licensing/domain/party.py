"""Parties to a right: an applicant (申请人) or holder (矿业权人), keyed by 统一社会信用代码."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """A registered organisation: its name and its unified social credit code."""

    name: str
    credit_code: str
