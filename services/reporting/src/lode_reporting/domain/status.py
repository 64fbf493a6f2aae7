"""Status of an indicator against its target (达标判定): pure rules, no I/O.

Five answers: ``met`` (the target is reached), ``on_track`` (not yet, but on or better
than the path from the 2020 baseline to the target year), ``at_risk`` (behind the path,
by less than the margin), ``not_met`` (far behind, or the target year has come and the
target is not reached) and ``no_data`` (no event contributes to the year).

The target kinds (:class:`Kind`):

* ``at_least`` — reach ``target`` by ``target_year`` from ``baseline`` (cumulative
  indicators start at 0 in 2020). The path is linear:
  ``path(y) = baseline + (target − baseline) × (y − base_year) / (target_year − base_year)``.
* ``around`` — "±" targets (200万吨左右): within ``tolerance_pct`` of the target is
  ``met`` in any year; before the target year, within the tolerance of the path (when the
  plan gives a baseline) is ``on_track``, within tolerance + margin of the target or path
  is ``at_risk``; anything else, and any miss in or after the target year, is ``not_met``.
* ``at_most`` — a ceiling to come down to by the target year (矿山总数控制在50家): the
  path runs from the baseline down to the target; above it by less than the margin is
  ``at_risk``.
* ``below`` — strictly fewer than ``target`` (在2020年的基础上进一步减少): ``met`` when
  below; otherwise ``at_risk`` before the target year and ``not_met`` from it on.
* ``floor`` — a standing requirement every year (三率均符合国家标准, 100 %): ``met`` when
  reached, else ``not_met``.

``margin_pct`` and ``tolerance_pct`` are percentages of the target (or of the path).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal, get_args

Status = Literal["met", "on_track", "at_risk", "not_met", "no_data"]
STATUSES: Final[tuple[Status, ...]] = get_args(Status)
Kind = Literal["at_least", "around", "at_most", "below", "floor"]
KINDS: Final[tuple[Kind, ...]] = get_args(Kind)

HUNDRED: Final = Decimal(100)


@dataclass(frozen=True)
class Target:
    """What an indicator aims at: ``target`` of ``kind`` by ``target_year``."""

    kind: Kind
    target: Decimal
    target_year: int = 2025
    base_year: int = 2020
    baseline: Decimal | None = None


@dataclass(frozen=True)
class Rules:
    """The configurable thresholds: ``LODE_REPORTING_TOLERANCE_PCT`` and
    ``LODE_REPORTING_AT_RISK_MARGIN_PCT``."""

    tolerance_pct: Decimal = Decimal(10)
    margin_pct: Decimal = Decimal(10)


@dataclass(frozen=True)
class Assessment:
    status: Status
    explanation: str
    path: Decimal | None = None


def path_value(target: Target, year: int) -> Decimal | None:
    """Where a linear path from the baseline to the target stands at the end of ``year``."""
    if target.baseline is None:
        return None
    span = target.target_year - target.base_year
    if span <= 0 or year >= target.target_year:
        return target.target
    done = Decimal(max(year - target.base_year, 0)) / Decimal(span)
    return target.baseline + (target.target - target.baseline) * done


def _pct(value: Decimal, pct: Decimal) -> Decimal:
    return abs(value) * pct / HUNDRED


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def assess(target: Target, year: int, actual: Decimal | None, rules: Rules) -> Assessment:
    """The status of ``actual`` (the year's figure, or None when nothing contributes)."""
    if actual is None:
        return Assessment("no_data", f"no event contributes to {year}")
    match target.kind:
        case "at_least":
            return _at_least(target, year, actual, rules)
        case "around":
            return _around(target, year, actual, rules)
        case "at_most":
            return _at_most(target, year, actual, rules)
        case "below":
            return _below(target, year, actual)
        case "floor":
            return _floor(target, actual)


def _at_least(target: Target, year: int, actual: Decimal, rules: Rules) -> Assessment:
    goal = target.target
    if actual >= goal:
        return Assessment("met", f"{_fmt(actual)} ≥ target {_fmt(goal)}")
    if year >= target.target_year:
        return Assessment(
            "not_met", f"{_fmt(actual)} < target {_fmt(goal)} in {target.target_year}", goal
        )
    path = path_value(target, year)
    if path is None:
        return Assessment("at_risk", f"{_fmt(actual)} < target {_fmt(goal)}; no baseline path")
    if actual >= path:
        return Assessment("on_track", f"{_fmt(actual)} ≥ path {_fmt(path)} for {year}", path)
    if actual >= path - _pct(path, rules.margin_pct):
        return Assessment(
            "at_risk",
            f"{_fmt(actual)} below path {_fmt(path)} by less than {_fmt(rules.margin_pct)} %",
            path,
        )
    return Assessment(
        "not_met",
        f"{_fmt(actual)} below path {_fmt(path)} by more than {_fmt(rules.margin_pct)} %",
        path,
    )


def _around(target: Target, year: int, actual: Decimal, rules: Rules) -> Assessment:
    goal = target.target
    band = _pct(goal, rules.tolerance_pct)
    if abs(actual - goal) <= band:
        return Assessment(
            "met",
            f"{_fmt(actual)} within ±{_fmt(rules.tolerance_pct)} % of {_fmt(goal)}",
        )
    if year >= target.target_year:
        return Assessment(
            "not_met",
            f"{_fmt(actual)} outside ±{_fmt(rules.tolerance_pct)} % of {_fmt(goal)}",
            goal,
        )
    path = path_value(target, year)
    if path is not None and abs(actual - path) <= _pct(path, rules.tolerance_pct):
        return Assessment(
            "on_track",
            f"{_fmt(actual)} within ±{_fmt(rules.tolerance_pct)} % of path {_fmt(path)}",
            path,
        )
    reference = path if path is not None else goal
    wide = rules.tolerance_pct + rules.margin_pct
    if abs(actual - reference) <= _pct(reference, wide) or abs(actual - goal) <= _pct(goal, wide):
        return Assessment(
            "at_risk",
            f"{_fmt(actual)} outside ±{_fmt(rules.tolerance_pct)} % but within "
            f"±{_fmt(wide)} % of {_fmt(reference)}",
            path,
        )
    return Assessment(
        "not_met", f"{_fmt(actual)} outside ±{_fmt(wide)} % of {_fmt(reference)}", path
    )


def _at_most(target: Target, year: int, actual: Decimal, rules: Rules) -> Assessment:
    goal = target.target
    if actual <= goal:
        return Assessment("met", f"{_fmt(actual)} ≤ ceiling {_fmt(goal)}")
    if year >= target.target_year:
        return Assessment(
            "not_met", f"{_fmt(actual)} > ceiling {_fmt(goal)} in {target.target_year}", goal
        )
    path = path_value(target, year)
    if path is None:
        return Assessment("at_risk", f"{_fmt(actual)} > ceiling {_fmt(goal)}; no baseline path")
    if actual <= path:
        return Assessment("on_track", f"{_fmt(actual)} ≤ path {_fmt(path)} for {year}", path)
    if actual <= path + _pct(path, rules.margin_pct):
        return Assessment(
            "at_risk",
            f"{_fmt(actual)} above path {_fmt(path)} by less than {_fmt(rules.margin_pct)} %",
            path,
        )
    return Assessment(
        "not_met",
        f"{_fmt(actual)} above path {_fmt(path)} by more than {_fmt(rules.margin_pct)} %",
        path,
    )


def _below(target: Target, year: int, actual: Decimal) -> Assessment:
    limit = target.target
    if actual < limit:
        return Assessment("met", f"{_fmt(actual)} < {_fmt(limit)}")
    if year < target.target_year:
        return Assessment("at_risk", f"{_fmt(actual)} not yet below {_fmt(limit)}")
    return Assessment("not_met", f"{_fmt(actual)} not below {_fmt(limit)} in {year}")


def _floor(target: Target, actual: Decimal) -> Assessment:
    if actual >= target.target:
        return Assessment("met", f"{_fmt(actual)} ≥ required {_fmt(target.target)}")
    return Assessment("not_met", f"{_fmt(actual)} < required {_fmt(target.target)}")
