"""The licensing domain's closed vocabularies: right types, application kinds, scales, units.

These are names, not figures: every threshold, list and term comes from the plan
document (see :mod:`.plan_rules`).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

RightType = Literal["exploration", "mining"]
"""探矿权 (exploration right) or 采矿权 (mining right)."""

ApplicationKind = Literal["new", "renewal", "change", "transfer", "cancellation"]
"""新立 / 延续 / 变更 / 转让 / 注销."""

Scale = Literal["large", "medium", "small"]
"""矿山生产建设规模: 大型 / 中型 / 小型 (小型及以下)."""

Outcome = Literal["pass", "fail", "review", "warn"]
Verdict = Literal["eligible", "ineligible", "needs_review"]

RIGHT_TYPES: Final[tuple[RightType, ...]] = get_args(RightType)
APPLICATION_KINDS: Final[tuple[ApplicationKind, ...]] = get_args(ApplicationKind)
SCALES: Final[tuple[Scale, ...]] = get_args(Scale)

RIGHT_TYPE_ZH: Final[dict[RightType, str]] = {"exploration": "探矿权", "mining": "采矿权"}
SCALE_ZH: Final[dict[Scale, str]] = {"large": "大型", "medium": "中型", "small": "小型"}

# Capacity units (生产规模单位). The per-mineral choice among them is the catalogue's.
TONNES_10K_PER_YEAR: Final = "万吨/年"
CUBIC_METRES_10K_PER_YEAR: Final = "万立方米/年"
TONNES_PER_DAY: Final = "t/d"
"""Tonnes of ore processed per day (日处理矿石量), the unit of the rock-gold minimum scales."""

DEFAULT_CAPACITY_UNIT: Final = TONNES_10K_PER_YEAR
"""The unit of a mineral whose catalogue entry names none (API.md: ``万吨/年``)."""
