"""Checks of an application against the plan in force (规划准入检查).

One pure function per rule, each returning a :class:`CheckResult` (``rule_id``,
``outcome`` pass|fail|review|warn, messages in Chinese then English, the plan ``clause``,
and the figures used in ``details``); :func:`run_checks` runs every rule that applies and
:func:`verdict` turns the results into eligible / ineligible / needs_review.
"""

from .closure import check_restoration_duty
from .context import (
    CheckContext,
    CurrentOutput,
    FiledReserves,
    LicenceHit,
    RegistryFigures,
    SpatialAnalysis,
    ZoneHit,
    spatial_from_analysis,
)
from .development import check_development_plan
from .policy import check_mineral_policy
from .result import CheckResult, verdict
from .runner import run_checks
from .scale_rules import check_min_scale, check_service_years, check_zone_scale
from .spatial import (
    LICENCE_OVERLAP,
    check_block_holder,
    check_forbidden_zones,
    check_licence_overlap,
    check_outside_blocks,
)
from .totals import check_mine_count_cap, check_output_control

__all__ = [
    "LICENCE_OVERLAP",
    "CheckContext",
    "CheckResult",
    "CurrentOutput",
    "FiledReserves",
    "LicenceHit",
    "RegistryFigures",
    "SpatialAnalysis",
    "ZoneHit",
    "check_block_holder",
    "check_development_plan",
    "check_forbidden_zones",
    "check_licence_overlap",
    "check_min_scale",
    "check_mine_count_cap",
    "check_mineral_policy",
    "check_output_control",
    "check_outside_blocks",
    "check_restoration_duty",
    "check_service_years",
    "check_zone_scale",
    "run_checks",
    "spatial_from_analysis",
    "verdict",
]
