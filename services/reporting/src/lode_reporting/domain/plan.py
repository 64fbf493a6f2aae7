"""The indicators a plan version sets (专栏2 and the text targets), read from the published
plan document as it arrived by event: pure, no I/O, never from a file.

Each indicator the plan names becomes an :class:`IndicatorDefinition`: its target kind
(see :mod:`lode_reporting.domain.status`), target, 2020 baseline, unit and clause. Which
figure measures it is :data:`lode_reporting.domain.measures.MEASURES` (by id); an id the
plan names that reporting has no measure for is still listed, with ``no_data``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

from lode_reporting.domain.status import Kind, Target

Section = Literal["专栏2", "text"]

BUILDING_STONE_GROUP: Final = "building_stone"
"""The mineral catalogue's group whose mines' ore makes 建筑石料类 output."""


@dataclass(frozen=True)
class IndicatorDefinition:
    id: str
    name_zh: str
    unit_zh: str
    section: Section
    clause: str
    target: Target
    cumulative: bool
    statement_zh: str | None = None

    @property
    def target_text(self) -> str:
        """The target as the plan states it: ``200±``, ``≤50``, ``<63``, ``≥100``."""
        value = _plain(self.target.target)
        return {
            "around": f"{value}±",
            "at_most": f"≤{value}",
            "below": f"<{value}",
            "floor": f"≥{value}",
            "at_least": f"≥{value}",
        }[self.target.kind]


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _baseline(document: Mapping[str, Any], indicator_id: str) -> Decimal | None:
    """The 2020 figure the plan gives for an indicator that is not counted from zero."""
    base = document.get("baseline_2020") or {}
    mines = _decimal(base.get("licensed_mines"))
    if indicator_id == "large_medium_mine_ratio":
        scales = base.get("mines_by_scale") or {}
        large, medium = _decimal(scales.get("large", 0)), _decimal(scales.get("medium", 0))
        if mines and large is not None and medium is not None:
            return ((large + medium) * 100 / mines).quantize(Decimal("0.01"))
        return None
    if indicator_id in ("total_mines_cap", "mining_rights_decrease"):
        return mines
    if indicator_id == "land_reclamation_new_mines":
        return _decimal(base.get("land_reclamation_rate_new_and_building_pct"))
    if indicator_id == "three_rates_compliance":
        rows = (document.get("previous_plan_results") or {}).get("rows") or []
        for row in rows:
            if "三率" in str(row.get("indicator", "")):
                return _decimal(row.get("achieved"))
    return None


def definitions(document: Mapping[str, Any]) -> list[IndicatorDefinition]:
    """Every indicator of 专栏2, then every text target, in the plan's order."""
    base_year = int(document.get("plan", {}).get("base_year", 2020))
    target_year = int(document.get("plan", {}).get("target_year", 2025))
    out: list[IndicatorDefinition] = []
    table = document.get("indicators") or {}
    table_clause = str(table.get("clause", "专栏2"))
    for item in table.get("items") or []:
        goal = _decimal(item.get("target"))
        if goal is None:
            continue
        cumulative = bool(item.get("cumulative", False))
        kind: Kind = "around" if item.get("tolerance") else "at_least"
        baseline = Decimal(0) if cumulative else _baseline(document, item["id"])
        detail = item.get("detail_clause")
        out.append(
            IndicatorDefinition(
                id=str(item["id"]),
                name_zh=str(item.get("name_zh", item["id"])),
                unit_zh=str(item.get("unit_zh", "")),
                section="专栏2",
                clause=f"{table_clause}; {detail}" if detail else table_clause,
                target=Target(kind, goal, target_year, base_year, baseline),
                cumulative=cumulative,
            )
        )
    for text in document.get("text_targets") or []:
        definition = _text_target(document, text, base_year, target_year)
        if definition is not None:
            out.append(definition)
    return out


def _text_target(
    document: Mapping[str, Any], text: Mapping[str, Any], base_year: int, target_year: int
) -> IndicatorDefinition | None:
    limit = text.get("limit") or {}
    kind: Kind
    if "max" in limit:
        kind, goal, unit, cumulative = (
            "at_most",
            _decimal(limit["max"]),
            limit.get("unit_zh"),
            False,
        )
    elif "below" in limit:
        kind, goal, unit, cumulative = (
            "below",
            _decimal(limit["below"]),
            limit.get("unit_zh"),
            False,
        )
    elif "min_pct" in limit:
        kind, goal, unit, cumulative = "floor", _decimal(limit["min_pct"]), "%", False
    elif "min" in limit:
        kind, goal, unit, cumulative = (
            "at_least",
            _decimal(limit["min"]),
            limit.get("unit_zh"),
            True,
        )
    else:
        return None
    if goal is None:
        return None
    indicator_id = str(text["id"])
    baseline = Decimal(0) if cumulative else _baseline(document, indicator_id)
    statement = str(text.get("statement_zh", indicator_id))
    return IndicatorDefinition(
        id=indicator_id,
        name_zh=statement,
        unit_zh=str(unit) if unit else "",
        section="text",
        clause=str(text.get("clause", "")),
        target=Target(kind, goal, target_year, base_year, baseline),
        cumulative=cumulative,
        statement_zh=statement,
    )


def mineral_group(document: Mapping[str, Any], group: str) -> frozenset[str]:
    """The names (and aliases) of the catalogue's minerals in ``group``."""
    catalogue = (document.get("standards") or {}).get("mineral_catalogue") or []
    names: set[str] = set()
    for entry in catalogue:
        if entry.get("group") == group:
            names.add(str(entry["zh"]))
            names.update(str(a) for a in entry.get("aliases_zh") or [])
    return frozenset(names)


def mineral_names(document: Mapping[str, Any], code: str) -> frozenset[str]:
    """The names (and aliases) of the catalogue's mineral with ``code`` (e.g. molybdenum)."""
    catalogue = (document.get("standards") or {}).get("mineral_catalogue") or []
    for entry in catalogue:
        if entry.get("code") == code:
            return frozenset({str(entry["zh"]), *(str(a) for a in entry.get("aliases_zh") or [])})
    return frozenset()


def period(document: Mapping[str, Any]) -> tuple[int, int]:
    """The plan period's first and last year (2021, 2025)."""
    years = (document.get("plan") or {}).get("period") or [2021, 2025]
    return int(years[0]), int(years[1])
