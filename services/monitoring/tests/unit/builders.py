"""Small builders for the monitoring domain's unit tests: plan document, licences, reports."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from lode_common.plan.data import bundled_documents
from lode_common.plan.document import PlanDocument
from lode_monitoring.domain.capacity import Capacity
from lode_monitoring.domain.licence import LicenceView, RestorationPlan, StatusChange
from lode_monitoring.domain.report import OutputReport, Product
from lode_monitoring.domain.reserves import ReservesPolicy, ReservesReport
from lode_monitoring.domain.standards import MonitoringStandards

MINING_NO = "C1308812021017120000001"
OTHER_MINING_NO = "C1308812021017120000002"
EXPLORATION_NO = "T1308812021017120000001"
TODAY = date(2022, 6, 1)
"""A CST date by which the 2021 annual report was due and 2022 Q1 is over."""


def plan_document() -> dict[str, Any]:
    """A fresh copy of the real plan document in its published form (a test may modify it)."""
    return copy.deepcopy(bundled_documents().as_published())


def real_standards() -> MonitoringStandards:
    return MonitoringStandards.of(bundled_documents())


def standards_of(document: dict[str, Any]) -> MonitoringStandards:
    """Monitoring's reading of a (modified) document, read as the replica reads it."""
    return MonitoringStandards.of(PlanDocument.model_validate(document))


def licence(**overrides: Any) -> LicenceView:
    """An active underground iron mine of 30 万吨/年 (中型), valid 2021-2030."""
    fields: dict[str, Any] = {
        "licence_no": MINING_NO,
        "right_type": "mining",
        "mineral": "铁矿",
        "valid_from": date(2021, 1, 1),
        "valid_to": date(2030, 12, 31),
        "mining_method": "underground",
        "capacity": Capacity(Decimal(30), "万吨/年"),
        "scale": "medium",
    }
    fields.update(overrides)
    return LicenceView(**fields)


def suspended_from(day: date, until: date | None = None) -> tuple[StatusChange, ...]:
    """A status history: suspended from ``day`` (and active again from ``until``)."""
    changes = [StatusChange("suspended", day)]
    if until is not None:
        changes.append(StatusChange("active", until))
    return tuple(changes)


def restoration_plan(**milestones: Any) -> RestorationPlan:
    from lode_monitoring.domain.licence import RestorationMilestone

    return RestorationPlan(
        tuple(RestorationMilestone(int(year.lstrip("y")), **m) for year, m in milestones.items())
    )


def report_body(**overrides: Any) -> dict[str, Any]:
    """API.md's example report body (as JSON gives it: floats, ints)."""
    body: dict[str, Any] = {
        "licence_no": MINING_NO,
        "year": 2021,
        "period": "annual",
        "ore_mined_10kt": 52.0,
        "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 14.2}],
        "mining_recovery_pct": 91.0,
        "processing_recovery_pct": 88.0,
        "comprehensive_utilization_pct": 35.0,
        "disturbed_area_ha": 3.0,
        "restored_area_ha": 1.2,
        "output_value_cny_10k": 6800,
    }
    body.update(overrides)
    return body


def report(**overrides: Any) -> OutputReport:
    """A clean annual report for 2021 (ore within 30 万吨, rates above the minimums)."""
    fields: dict[str, Any] = {
        "licence_no": MINING_NO,
        "year": 2021,
        "period": "annual",
        "ore_mined_10kt": Decimal(25),
        "products": (Product("铁精粉", Decimal("7.5"), Decimal(65)),),
        "mining_recovery_pct": Decimal(90),
        "processing_recovery_pct": Decimal(92),
        "comprehensive_utilization_pct": Decimal(40),
        "disturbed_area_ha": Decimal(3),
        "restored_area_ha": Decimal("1.2"),
    }
    for key, value in overrides.items():
        fields[key] = (
            Decimal(str(value))
            if isinstance(value, int | float | str)
            and key.endswith(("_10kt", "_pct", "_ha", "_10k"))
            else value
        )
    return OutputReport(**fields)


def reserves_body(**overrides: Any) -> dict[str, Any]:
    """A balanced reserves report body (储量年报) of the iron mine for 2021, as JSON gives it:
    700 − 25 − 2.5 + 10 − 1.5 = 681 (about 23 years of the mine's 30 万吨/年)."""
    body: dict[str, Any] = {
        "licence_no": MINING_NO,
        "year": 2021,
        "mineral": "铁矿",
        "opening_10kt": 700,
        "extracted_10kt": 25.0,
        "lost_10kt": 2.5,
        "new_proven_10kt": 10,
        "recalculated_10kt": -1.5,
        "closing_10kt": 681.0,
    }
    body.update(overrides)
    return body


def reserves(**overrides: Any) -> ReservesReport:
    """The report of :func:`reserves_body` as the rules read it (figures may be overridden;
    ``closing_10kt`` follows from the others unless given)."""
    fields: dict[str, Any] = {
        "licence_no": MINING_NO,
        "year": 2021,
        "mineral": "铁矿",
        "opening_10kt": Decimal(700),
        "extracted_10kt": Decimal(25),
        "lost_10kt": Decimal("2.5"),
        "new_proven_10kt": Decimal(10),
        "recalculated_10kt": Decimal("-1.5"),
    }
    for key, value in overrides.items():
        fields[key] = Decimal(str(value)) if key.endswith("_10kt") else value
    if "closing_10kt" not in fields:
        fields["closing_10kt"] = (
            fields["opening_10kt"]
            - fields["extracted_10kt"]
            - fields["lost_10kt"]
            + fields["new_proven_10kt"]
            + fields["recalculated_10kt"]
        )
    return ReservesReport(**fields)


def reserves_policy(tolerance: str = "5", due: tuple[int, int] = (1, 31)) -> ReservesPolicy:
    """The bureau's reserves settings as the defaults give them."""
    return ReservesPolicy(
        filing_due=due,
        source="矿产资源法 第四十条 (储量年报)",
        extraction_tolerance_pct=Decimal(tolerance),
        extraction_tolerance_source="the bureau's setting, not law",
    )
