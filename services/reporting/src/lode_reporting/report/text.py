"""How the report writes its figures and labels as text (shared by the HTML and PDF renderers).

A quantity is written with the digits it has (``Decimal("80.50")`` as ``80.5``, never in
exponent form), a missing one as "—"; dates as ``2024-03-31``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

from .model import (
    LICENCE_CHANGE_ZH,
    RIGHT_TYPE_ZH,
    SCALE_ZH,
    SEVERITY_ZH,
    AnnualReport,
    Target,
)

DASH: Final = "—"
NONE_ZH: Final = "无"
NOT_REPORTED_ZH: Final = "未报"
"""A figure no mine reported (产值, 储量): said so, never shown as zero."""
ILLUSTRATIVE_NOTICE: Final = (
    "示意数据 / illustrative data：本报告中的企业、矿业权与数值为演示用示意数据，不是官方统计。"
)


def quantity(value: Decimal | int | None) -> str:
    """``Decimal("1300.00")`` → ``1300``; ``Decimal("0.125")`` → ``0.125``; ``None`` → ``—``."""
    if value is None:
        return DASH
    if isinstance(value, int):
        return str(value)
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        normalized = normalized.quantize(Decimal(1))
    return format(normalized, "f")


def reported(value: Decimal | None) -> str:
    """A reported figure, or "未报" when no mine reported it."""
    return NOT_REPORTED_ZH if value is None else quantity(value)


def target(value: Target) -> str:
    return value if isinstance(value, str) else quantity(value)


def day(value: date | None) -> str:
    return value.isoformat() if value is not None else DASH


def timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def severity_zh(value: str) -> str:
    return SEVERITY_ZH.get(value, value)


def right_type_zh(value: str) -> str:
    return RIGHT_TYPE_ZH.get(value, value)


def scale_zh(value: str | None) -> str:
    return DASH if value is None else SCALE_ZH.get(value, value)


def change_zh(value: str) -> str:
    return LICENCE_CHANGE_ZH.get(value, value)


def output_value_summary(report: AnnualReport) -> str | None:
    """The year's output value against the plan's base year, in one sentence; ``None`` when
    the report carries no output value section."""
    value = report.output_value
    if value is None:
        return None
    if value.total_cny_10k is None:
        line = f"{report.year}年产值合计：{NOT_REPORTED_ZH}"
    else:
        line = (
            f"{report.year}年产值合计 {quantity(value.total_cny_10k)} 万元"
            f"（{quantity(value.total_cny_100m)} 亿元）"
        )
    if value.baseline_cny_100m is not None:
        cited = f"，{value.baseline_clause}" if value.baseline_clause else ""
        line += f"；{value.baseline_year}年基期 {quantity(value.baseline_cny_100m)} 亿元{cited}"
    if value.mines_without_value:
        line += f"；{value.mines_without_value} 个矿山未报产值"
    return line + "。"


def recalculated_shown(report: AnnualReport) -> bool:
    """重算增减 is shown only when some mineral's is not zero."""
    return any(r.recalculated_10kt for r in report.reserves_by_mineral)


def subtitle(report: AnnualReport) -> str:
    """The line under the title: period, data as of, version of the plan data."""
    first, last = report.plan.period
    return (
        f"规划期 {first}–{last} 年 · 统计截至 {report.as_of.isoformat()} · "
        f"规划数据版本 v{report.plan.version}"
    )
