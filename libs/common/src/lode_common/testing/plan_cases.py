"""Where a plan document used to take anything (issue 12, item 1): the sections that kept
unknown keys and the figures no model declared, so ``"12"`` passed for a number.

The plan model's tests read each of them (``load_plan_document``); zoning's API tests send
the same cases to ``PUT /zoning/v1/plans``.
"""

from __future__ import annotations

from typing import Any, Final

UNKNOWN_KEY: Final = "hostile_unknown_field"
"""The key added to each section (as the contract test's mutations do)."""

FORMERLY_OPEN_SECTIONS: Final[tuple[str, ...]] = (
    "plan",
    "region",
    "region.crs",
    "region.neighbours_zh",
    "baseline_2020",
    "baseline_2020.licensed_mines_by_kind",
    "baseline_2020.licensed_mines_by_kind.metal",
    "baseline_2020.mines_by_scale",
    "baseline_2020.green_mines",
    "previous_plan_results.rows[0]",
    "previous_plan_results.rows[8]",
    "zones.key_development_regions[0]",
    "zones.key_development_regions[2]",
    "projects[0]",
    "projects[1]",
    "governance[0]",
    "standards.scale_classes.items[0]",
    "standards.three_rates_minimums.items[0]",
    "standards.mineral_catalogue[0]",
)
"""Sections that kept unknown keys (``Open``), and the mappings inside them."""

FORMERLY_UNDECLARED_NUMBERS: Final[tuple[str, ...]] = (
    "region.area_km2",
    "region.population",
    "region.gdp_2020_cny_100m",
    "baseline_2020.minerals_discovered",
    "baseline_2020.minerals_exploited",
    "baseline_2020.minerals_with_reserves",
    "baseline_2020.minerals_on_reserve_table",
    "baseline_2020.deposits_on_reserve_table",
    "baseline_2020.licensed_mines",
    "baseline_2020.licensed_mines_by_kind.metal.total",
    "baseline_2020.licensed_mines_by_kind.metal.铁矿",
    "baseline_2020.licensed_mines_by_kind.nonmetal.其他",
    "baseline_2020.mines_by_scale.large",
    "baseline_2020.mines_by_scale.medium",
    "baseline_2020.mines_by_scale.small_and_below",
    "baseline_2020.mines_2015",
    "baseline_2020.green_mines.national_list",
    "baseline_2020.green_mines.provincial_reserve",
    "baseline_2020.mining_output_value_cny_100m",
    "baseline_2020.enterprises_output_value_over_50m_cny",
    "baseline_2020.geochem_1to50k_coverage_pct_below",
    "baseline_2020.restoration_area_historical_ha",
    "baseline_2020.land_reclamation_rate_new_and_building_pct",
    "previous_plan_results.rows[0].target",
    "previous_plan_results.rows[0].achieved",
    "projects[0].sheets",
    "projects[1].area_ha",
    "standards.mineral_catalogue[16].density_t_per_m3",
)
"""Figures of the bundled plan no model declared (or declared leniently)."""


def node_at(document: Any, path: str) -> Any:
    """The value at ``path`` (``projects[0].sheets``) of a parsed document."""
    node = document
    for part in path.replace("[", ".[").split("."):
        if part.startswith("["):
            node = node[int(part[1:-1])]
        elif part:
            node = node[part]
    return node


def with_value(document: Any, path: str, value: Any) -> Any:
    """``document`` (changed in place) with ``value`` at ``path``, which must exist."""
    parent, _, last = path.rpartition(".")
    if last.endswith("]"):
        parent, _, index = path.rpartition("[")
        node_at(document, parent)[int(index[:-1])] = value
        return document
    holder = node_at(document, parent)
    assert last in holder, f"{path} is not in the document"
    holder[last] = value
    return document


def with_unknown_key(document: Any, section: str) -> Any:
    """``document`` (changed in place) with `UNKNOWN_KEY` added to ``section``."""
    holder = node_at(document, section)
    assert isinstance(holder, dict), f"{section} is not a mapping"
    holder[UNKNOWN_KEY] = "?"
    return document
