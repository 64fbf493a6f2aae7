"""How the report writes its figures and labels as text (shared by the HTML and PDF renderers).

A quantity is written with the digits it has (``Decimal("80.50")`` as ``80.5``, never in
exponent form), a missing one as "—"; dates as ``2024-03-31``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

from lode_reporting.domain import supervision
from lode_reporting.domain.grants import FAILED_REASON_ZH, Grant, GrantYear

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
NO_GRANTS_ZH: Final = "本年度无矿业权出让"
"""An annual report's grants section for a year with none: said so, never an empty table."""
NO_CONTRACT_ZH: Final = "本年度出让的矿业权尚未签订出让合同，无出让收益缴纳计划"
NO_SUPERVISION_ZH: Final = "本年度无监督检查记录（双随机抽查、检查、责令整改与名录变动）"
"""An annual report's supervision section for a year with none: said so, never empty tables."""
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


def grants_summary(grants: GrantYear) -> str:
    """The year's grants in one sentence, or that there were none."""
    if grants.none:
        return f"{NO_GRANTS_ZH}。"
    s = grants.summary
    return (
        f"本年度出让矿业权 {s.announced} 宗：成交 {s.concluded} 宗"
        f"（价款合计 {quantity(s.price_total_cny_10k)} 万元），流拍 {s.failed} 宗，"
        f"已签订出让合同 {s.contracted} 宗。"
    )


def grant_right(grant: Grant) -> str:
    """铁矿（采矿权）."""
    return f"{grant.mineral}（{right_type_zh(grant.right_type)}）"


def grant_status(grant: Grant) -> str:
    """已成交, 流拍（无人报价）, 已公告（第2次公告）..."""
    again = grant.announcement is not None and grant.announcement > 1
    if grant.status == "announced" and again:
        return f"{grant.status_zh}（第{grant.announcement}次公告）"
    return grant.status_zh


def failed_reason_zh(value: str | None) -> str | None:
    """Why a trade failed (流拍), in Chinese: 无人报价, 报价未达底价, 竞买人数不足."""
    return None if value is None else FAILED_REASON_ZH.get(value, value)


def trade_window(grant: Grant) -> str:
    if grant.trade_from is None and grant.trade_to is None:
        return DASH
    return f"{day(grant.trade_from)} 至 {day(grant.trade_to)}"


def grant_closed_on(grant: Grant) -> date | None:
    """The day the trade ended: concluded (成交) or, for a failed one, failed (流拍)."""
    return grant.failed_on if grant.status == "failed" else grant.concluded_on


def grant_contract(grant: Grant) -> str:
    """The contract's date and number (合同编号), when it was signed."""
    if grant.signed_on is None:
        return DASH
    signed = day(grant.signed_on)
    return f"{signed} {grant.contract_ref}" if grant.contract_ref else signed


def supervision_summary(year: supervision.SupervisionYear | None) -> str:
    """The year's supervision (监督检查) in one paragraph, or that there was none."""
    if year is None or year.none:
        return f"{NO_SUPERVISION_ZH}。"
    d, i, o = year.draw_summary, year.inspection_summary, year.order_summary
    abnormal = next(c for c in year.list_counts if c.list == "abnormal")
    return (
        f"本年度双随机抽查 {d.count} 次，从 {d.population} 个矿业权中抽取 {d.drawn} 个"
        f"（{quantity(d.drawn_pct)}%）；检查 {i.count} 次（{i.enterprises} 户），"
        f"未发现问题 {i.compliant} 次，发现问题 {i.non_compliant} 次"
        f"（{i.enterprises_non_compliant} 户）；责令限期整改 {o.issued} 件：已整改 {o.done} 件，"
        f"逾期未整改 {o.overdue} 件，整改期内 {o.open} 件；年内列入异常名录 {abnormal.listed} 户、"
        f"移出 {abnormal.released} 户，{day(year.as_of)} 在列 {abnormal.on_list} 户，"
        f"严重违法失信名单在列 {year.on_list('serious_violation')} 户。"
    )


def inspection_findings(inspection: supervision.Inspection) -> str:
    """The items found not as filed: 产量（虚假填报）、开采回采率; or 无."""
    found = [
        supervision.item_zh(i.item) + ("（虚假填报）" if i.false_filing else "")
        for i in inspection.discrepancies
    ]
    return "、".join(found) or NONE_ZH


def result_zh(value: str) -> str:
    return supervision.RESULT_ZH.get(value, value)


def order_status_zh(order: supervision.Order) -> str:
    return supervision.ORDER_STATUS_ZH.get(order.status, order.status)


def list_zh(value: str) -> str:
    return supervision.LIST_ZH.get(value, value)


def drawn_list(draw: supervision.Draw) -> str:
    return "、".join(draw.drawn) or NONE_ZH
