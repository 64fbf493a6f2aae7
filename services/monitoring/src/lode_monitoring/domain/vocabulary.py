"""The monitoring domain's closed vocabularies: three rates, scales, confidence.

Names, not figures: every threshold comes from the plan document (:mod:`.standards`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args

ThreeRate = Literal["mining_recovery", "processing_recovery", "comprehensive_utilization"]
"""The three rates (三率)."""

THREE_RATES: Final[tuple[ThreeRate, ...]] = get_args(ThreeRate)
THREE_RATE_ZH: Final[Mapping[ThreeRate, str]] = MappingProxyType(
    {
        "mining_recovery": "开采回采率",
        "processing_recovery": "选矿回收率",
        "comprehensive_utilization": "综合利用率",
    }
)

Scale = Literal["large", "medium", "small"]
"""矿山生产建设规模: 大型 / 中型 / 小型 (小型及以下)."""

SCALES: Final[tuple[Scale, ...]] = get_args(Scale)
SCALE_ZH: Final[Mapping[Scale, str]] = MappingProxyType(
    {"large": "大型", "medium": "中型", "small": "小型"}
)

ANY_METHOD: Final = "any"
"""The scale table's wildcard mining method."""

UNVERIFIED: Final = "unverified"
"""The ``confidence`` of a figure gathered from secondary sources and not yet checked."""
