"""Finding rules against the national standards and the plan's mineral policy.

* :func:`three_rates_below_standard`: 三率 below the national minimum (第四章第四节);
* :func:`prohibited_mineral_mined`: a 专栏4 prohibited mineral still produced.
"""

from __future__ import annotations

from .capacity import capacity_scale
from .finding import Finding, fmt, join_clauses, period_en, period_zh
from .licence import LicenceView
from .report import OutputReport
from .standards import MineralEntry, MonitoringStandards, standard_zh
from .vocabulary import SCALE_ZH, THREE_RATE_ZH, THREE_RATES

_METHOD_ZH = {"underground": "地下开采", "open_pit": "露天开采"}
_ORE_TYPE_ZH = {"magnetite": "磁铁矿", "hematite": "赤铁矿"}
_INPUT_ZH = {"scale": "规模", "mining method": "开采方式", "ore type": "矿石类型"}


def _ore_type_zh(ore_type: str | None) -> str:
    return _ORE_TYPE_ZH.get(ore_type or "", f"{ore_type}矿石")


# --- three rates (三率) -----------------------------------------------------------------------


def three_rates_below_standard(
    report: OutputReport,
    licence: LicenceView,
    mineral: MineralEntry,
    standards: MonitoringStandards,
) -> list[Finding]:
    """One finding per reported rate below the national minimum for the mineral's standard
    name (超贫磁铁矿 → 铁矿), the licence's method and scale, and the ore type (the
    standards' default when the licence gives none). No minimum, no finding."""
    scale = licence.scale or capacity_scale(
        licence.capacity, mineral, licence.mining_method, standards.scale_classes
    )
    findings: list[Finding] = []
    for rate in THREE_RATES:
        value = report.rate(rate)
        applicable = standards.three_rates.minimum_for(
            standard_zh(mineral),
            rate,
            method=licence.mining_method,
            scale=scale,
            ore_type=licence.ore_type,
        )
        if value is None or applicable is None or value >= applicable.minimum.minimum_pct:
            continue
        minimum = applicable.minimum
        conditions_zh = " ".join(
            part
            for part in (
                _METHOD_ZH.get(minimum.method or "", minimum.method or ""),
                "/".join(SCALE_ZH[s] for s in sorted(minimum.scales)) if minimum.scales else "",
                _ore_type_zh(applicable.ore_type) if minimum.ore_type else "",
            )
            if part
        )
        conditions_en = ", ".join(
            part
            for part in (
                minimum.method,
                "/".join(sorted(minimum.scales)) if minimum.scales else None,
                f"{applicable.ore_type} ore" if minimum.ore_type else None,
            )
            if part
        )
        caveats_zh: list[str] = []
        caveats_en: list[str] = []
        if minimum.unverified:
            caveats_zh.append("该国家指标的可信度为“未核实”（unverified），请核对")
            caveats_en.append("the national figure's confidence is unverified: check it")
        if applicable.ore_type_defaulted and minimum.ore_type:
            caveats_zh.append(
                f"许可证未载矿石类型，按默认类型{_ore_type_zh(applicable.ore_type)}核查"
            )
            caveats_en.append(
                f"the licence gives no ore type; the default {applicable.ore_type} is assumed"
            )
        if applicable.unknown_inputs:
            unknown = ", ".join(applicable.unknown_inputs)
            unknown_zh = "、".join(_INPUT_ZH.get(i, i) for i in applicable.unknown_inputs)
            caveats_zh.append(f"{unknown_zh}未知，按可能适用的最低指标核查")
            caveats_en.append(f"{unknown} not known: the lowest minimum that could apply is used")
        source = minimum.source or "source not stated"
        confidence = f" (confidence: {minimum.confidence})" if minimum.unverified else ""
        name_zh = THREE_RATE_ZH[rate]
        findings.append(
            Finding(
                code="three_rates_below_standard",
                severity="warning" if minimum.unverified else "violation",
                licence_no=report.licence_no,
                year=report.year,
                period=report.period,
                subject=rate,
                message_zh=(
                    f"{period_zh(report.year, report.period)}{name_zh} {fmt(value)}% "
                    "低于国家最低指标 "
                    f"{fmt(minimum.minimum_pct)}%（{minimum.mineral_zh} {conditions_zh}，{source}）"
                    + "".join(f"；{c}" for c in caveats_zh)
                ),
                message_en=(
                    f"{period_en(report.year, report.period)} {rate.replace('_', ' ')} "
                    f"({name_zh}) {fmt(value)}% is below the national minimum of "
                    f"{fmt(minimum.minimum_pct)}% for {minimum.mineral_zh}"
                    + (f" ({conditions_en})" if conditions_en else "")
                    + f", source: {source}"
                    + "".join(f"; {c}" for c in caveats_en)
                ),
                standard_or_clause=join_clauses(source + confidence, standards.clauses.three_rates),
                details={
                    "rate": rate,
                    "reported_pct": value,
                    "minimum_pct": minimum.minimum_pct,
                    "mineral_zh": minimum.mineral_zh,
                    "method": minimum.method,
                    "scale": scale,
                    "ore_type": applicable.ore_type,
                    "ore_type_defaulted": applicable.ore_type_defaulted,
                    "unknown_inputs": list(applicable.unknown_inputs),
                    "source": minimum.source,
                    "confidence": minimum.confidence,
                    "note": minimum.note,
                },
            )
        )
    return findings


# --- mineral policy (专栏4) ------------------------------------------------------------------


def prohibited_mineral_mined(
    report: OutputReport, mineral: MineralEntry, standards: MonitoringStandards
) -> list[Finding]:
    """Production of a mineral 专栏4 prohibits (砖瓦用粘土, 砂金, 泥炭): the existing right is
    to exit in an orderly way (已有采矿权依法有序逐步退出)."""
    policy = standards.prohibited_mining
    if mineral.zh not in policy.minerals_zh or not report.has_production:
        return []
    effect = policy.effect_zh or ""
    return [
        Finding(
            code="prohibited_mineral_mined",
            severity="warning",
            licence_no=report.licence_no,
            year=report.year,
            period=report.period,
            message_zh=(
                f"{period_zh(report.year, report.period)}仍在开采禁止开采矿种 {mineral.zh}"
                + (f"（{effect}）" if effect else "")
            ),
            message_en=(
                f"{period_en(report.year, report.period)}: {mineral.zh} ({mineral.code}) is "
                "still mined although the plan prohibits mining it; the existing right is to "
                "exit in an orderly way"
            ),
            standard_or_clause=join_clauses(policy.clause, effect),
            details={"mineral_zh": mineral.zh, "ore_mined_10kt": report.ore_mined_10kt},
        )
    ]
