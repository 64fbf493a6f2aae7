"""The demo licences reproduce the plan's 2020 baseline and sit where the plan would put them;
the quarries granted since follow the plan's rules for new mines."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
import yaml
from shapely.geometry import Polygon, shape

from lode_common.credit_code import is_valid_credit_code
from lode_common.demo.pingquan import boundary, demo_zone_geometries, geodesic_area_ha
from lode_common.events.catalog import LicenceIssued
from lode_licensing.demo import BASELINE_COUNT, DEMO_MINES, demo_licences
from lode_licensing.domain.licence import add_years
from lode_licensing.domain.minerals import Capacity, annual_unit
from lode_licensing.domain.rulebook import PlanRules
from lode_licensing.domain.scale import classify_scale

from .builders import PLAN_DIR, catalogue_entry


@cache
def _yaml(name: str) -> Any:
    return yaml.safe_load((PLAN_DIR / name).read_text(encoding="utf-8"))


def plan() -> dict[str, Any]:
    result: dict[str, Any] = _yaml("pingquan-2021-2025.yaml")
    return result


def standards() -> dict[str, Any]:
    result: dict[str, Any] = _yaml("national-standards.yaml")
    return result


@cache
def licences() -> tuple[LicenceIssued, ...]:
    return tuple(demo_licences())


def register_2020() -> tuple[LicenceIssued, ...]:
    """The licences of the 2020 register (the plan's baseline)."""
    return licences()[:BASELINE_COUNT]


def granted() -> tuple[LicenceIssued, ...]:
    """The licences granted since 2020, under the plan."""
    return licences()[BASELINE_COUNT:]


def placed() -> list[tuple[Any, LicenceIssued, Polygon]]:
    """Each mine's spec, its licence and its area as a shapely polygon."""
    return [
        (mine, licence, shape(licence.area))
        for mine, licence in zip(DEMO_MINES, licences(), strict=True)
    ]


def zones_of(*types: str) -> dict[str, Polygon]:
    return {z.code: p for z, p in demo_zone_geometries() if z.type in types}


# --- the baseline ---------------------------------------------------------------------------
def baseline_kind(mineral: str) -> str:
    """The plan's baseline bucket of a mineral, by the catalogue group (metal by name)."""
    entry = next(e for e in standards()["mineral_catalogue"] if e["zh"] == mineral)
    if entry["group"] == "metal":
        return str(entry.get("treat_as_zh", mineral))
    if entry["group"] == "building_stone":
        return "砂石土类"
    if mineral == "矿泉水":
        return "矿泉水"
    assert entry["group"] == "nonmetal", f"{mineral} is {entry['group']}, not non-metal"
    return "其他"


def test_the_mines_by_kind_are_the_baseline() -> None:
    baseline = plan()["baseline_2020"]
    expected = {
        kind: count
        for group in baseline["licensed_mines_by_kind"].values()
        for kind, count in group.items()
        if kind != "total"
    }
    assert Counter(baseline_kind(licence.mineral) for licence in register_2020()) == expected
    assert len(register_2020()) == baseline["licensed_mines"] == 63


def test_the_mines_by_scale_are_the_baseline() -> None:
    by_scale = plan()["baseline_2020"]["mines_by_scale"]
    counts = Counter(licence.scale for licence in register_2020())
    assert counts == {"medium": by_scale["medium"], "small": by_scale["small_and_below"]}
    assert counts["large"] == by_scale["large"] == 0


def table_scale(mineral: str, method: str, value: Decimal, unit: str) -> str | None:
    """The scale by the national table read straight from the YAML (None: no row)."""
    rows = [r for r in standards()["scale_classes"]["items"] if r["mineral_zh"] == mineral]
    row = next((r for r in rows if r["method"] == method), None) or next(
        (r for r in rows if r["method"] == "any"), None
    )
    if row is None:
        return None
    assert unit == row["unit_zh"], f"{mineral}: capacity in {unit}, table in {row['unit_zh']}"
    if value >= Decimal(str(row["large_min"])):
        return "large"
    return "medium" if value >= Decimal(str(row["medium_min"])) else "small"


def test_every_capacity_classifies_to_its_scale_by_the_national_table() -> None:
    without_row = set()
    for licence in licences():
        assert licence.capacity is not None
        assert licence.mining_method is not None
        scale = table_scale(
            licence.mineral,
            licence.mining_method,
            licence.capacity.value,
            licence.capacity.unit,
        )
        if scale is None:
            without_row.add(licence.mineral)
            assert licence.scale == "small", licence.licence_no  # no table: small and below
        else:
            assert scale == licence.scale, (licence.licence_no, licence.mineral, scale)
    assert without_row == {"矿泉水", "冶金用白云岩"}


def test_the_licensing_domain_classifies_them_the_same(rules: PlanRules) -> None:
    for licence in licences():
        assert licence.capacity is not None
        mineral = catalogue_entry(licence.mineral, rules)
        assert licence.capacity.unit == annual_unit(mineral, rules)
        assert licence.mining_method in rules.known_methods
        result = classify_scale(
            Capacity(licence.capacity.value, licence.capacity.unit),
            mineral,
            licence.mining_method,
            rules,
        )
        assert (result.scale or "small") == licence.scale, licence.licence_no


def test_methods_fit_the_minerals() -> None:
    quarried = {"建筑石料", "水泥用灰岩", "溶剂用灰岩", "冶金用白云岩"}
    for licence in licences():
        if licence.mineral in quarried:
            assert licence.mining_method == "open_pit", licence.licence_no
        if licence.mineral == "矿泉水":
            assert licence.mining_method == "underground"
    methods = Counter(licence.mining_method for licence in licences() if licence.mineral == "铁矿")
    assert methods["underground"] > 0
    assert methods["open_pit"] > 0


# --- identity -----------------------------------------------------------------------------
def test_numbers_codes_and_names_are_valid_and_illustrative() -> None:
    pattern = re.compile(standards()["licence_terms"]["numbering"]["pattern"])
    numbers = [licence.licence_no for licence in licences()]
    codes = [licence.holder.credit_code for licence in licences()]
    names = [licence.holder.name for licence in licences()]
    for licence in licences():
        number = licence.licence_no
        assert pattern.fullmatch(number)
        assert number.startswith("C130881")
        assert number[7:11] == str(licence.valid_from.year)
        assert number[13:15] == "99", "the illustrative marker"
        code = licence.holder.credit_code
        assert is_valid_credit_code(code), code
        assert code[2:8] == "130881"
        assert "示意" in licence.holder.name
        assert licence.illustrative is True
        assert licence.right_type == "mining"
        assert licence.status == "active"
    assert len(set(numbers)) == len(set(codes)) == len(set(names)) == len(licences()) == 66


def test_no_prohibited_mineral_and_nothing_to_phase_out() -> None:
    prohibited = set(plan()["mineral_policy"]["mining"]["prohibited_zh"])
    assert not {licence.mineral for licence in licences()} & prohibited
    assert not any(licence.phase_out for licence in licences())


# --- validity -----------------------------------------------------------------------------
def test_terms_keep_within_the_licence_terms_by_scale() -> None:
    max_years = standards()["licence_terms"]["mining_max_years"]
    for licence in licences():
        assert licence.scale is not None
        assert licence.valid_from < licence.valid_to
        assert licence.valid_to <= add_years(licence.valid_from, max_years[licence.scale])


def test_all_valid_at_the_start_of_the_plan_and_some_lapse_during_it() -> None:
    start = date(2021, 1, 1)
    assert all(licence.valid_from <= date(2020, 12, 31) for licence in register_2020())
    assert all(start <= licence.valid_from <= date(2023, 12, 31) for licence in granted())
    assert all(licence.valid_to > start for licence in licences())
    lapsing = Counter(
        licence.valid_to.year for licence in licences() if licence.valid_to.year <= 2025
    )
    assert set(lapsing) == {2021, 2022, 2023, 2024, 2025}, "some in every year of the plan"
    assert 10 <= sum(lapsing.values()) <= 35
    assert any(licence.valid_to.year > 2025 for licence in licences() if licence.scale == "small")


def test_today_marks_the_lapsed_ones_expired() -> None:
    day = date(2023, 7, 1)
    later = demo_licences(today=day)
    for before, after in zip(licences(), later, strict=True):
        assert after.status == ("expired" if before.valid_to < day else "active")
        assert after.model_copy(update={"status": "active"}) == before
    assert Counter(licence.status for licence in later)["expired"] > 0
    assert demo_licences(today=date(2020, 12, 31)) == list(licences())
    with pytest.raises(ValueError, match="2020-12-31"):
        demo_licences(today=date(2020, 6, 30))


def test_deterministic_and_a_valid_event_payload() -> None:
    assert demo_licences() == list(licences())
    for licence in licences():
        data = licence.model_dump(mode="json")
        assert LicenceIssued.model_validate(data) == licence


# --- geometry -----------------------------------------------------------------------------
def test_areas_are_small_polygons_rounded_to_8_decimals() -> None:
    for mine, licence, area in placed():
        assert licence.area is not None
        assert licence.area["type"] == "Polygon"
        for x, y in licence.area["coordinates"][0]:
            assert round(x, 8) == x
            assert round(y, 8) == y
        assert area.is_valid
        assert 1 <= geodesic_area_ha(area) <= 80
        assert geodesic_area_ha(area) == pytest.approx(mine.area_ha, rel=0.01)


def test_every_area_lies_inside_its_zone_and_the_city() -> None:
    city = boundary()
    zones = {z.code: (z, p) for z, p in demo_zone_geometries()}
    for mine, licence, area in placed():
        assert city.contains(area), licence.licence_no
        if mine.zone_code is not None:
            zone, polygon = zones[mine.zone_code]
            assert polygon.contains(area), (licence.licence_no, zone.code)
            assert licence.mineral in zone.minerals, (licence.mineral, zone.code)


def test_minerals_are_in_their_fitting_zones() -> None:
    types = {z.code: z.type for z, _ in demo_zone_geometries()}
    iron_zones = {
        "mining_block",
        "energy_resource_base",
        "key_mining_area",
        "national_planning_mining_area",
    }
    for mine, licence, _ in placed():
        zone_type = types.get(mine.zone_code or "")
        if licence.mineral == "铁矿":
            assert zone_type in iron_zones, licence.licence_no
        if licence.mineral == "建筑石料":
            assert zone_type == "sand_gravel_area", licence.licence_no
    fluorite_region = [m for m, lic, _ in placed() if m.zone_code == "ZDFZ-02"]
    assert fluorite_region, "fluorite mines in the 郝家楼 fluorite region"


def test_no_area_overlaps_another() -> None:
    areas = [(licence.licence_no, area) for _, licence, area in placed()]
    touching = [
        (a, b) for (a, pa), (b, pb) in itertools.combinations(areas, 2) if pa.intersects(pb)
    ]
    assert touching == []


def test_none_in_the_red_line_or_the_forbidden_area() -> None:
    barred = zones_of("ecological_red_line", "forbidden_mining_area")
    assert len(barred) == 2
    inside = [
        (licence.licence_no, code)
        for _, licence, area in placed()
        for code, polygon in barred.items()
        if area.intersects(polygon)
    ]
    assert inside == []


def test_one_holder_per_mining_block_and_every_block_held() -> None:
    for code, block in zones_of("mining_block").items():
        holders = {
            licence.holder.credit_code for _, licence, area in placed() if area.intersects(block)
        }
        assert len(holders) == 1, (code, holders)


def test_no_mining_licence_in_an_exploration_block() -> None:
    blocks = zones_of("exploration_block")
    inside = [
        (licence.licence_no, code)
        for _, licence, area in placed()
        for code, block in blocks.items()
        if area.intersects(block)
    ]
    assert inside == []


def test_green_mines_are_the_baseline_count() -> None:
    """第一章: 8 of the 63 mines (2 national list, 6 provincial reserve) in 2020."""
    green = plan()["baseline_2020"]["green_mines"]
    assert sum(lic.green_mine for lic in register_2020()) == sum(green.values()) == 8
    assert all(lic.scale == "medium" for lic in register_2020() if lic.green_mine)


def test_restoration_plans_are_cumulative_within_the_validity() -> None:
    with_plan = 0
    for lic in demo_licences():
        years = [m.year for m in lic.restoration_plan]
        areas = [m.restored_area_ha for m in lic.restoration_plan]
        assert years == sorted(set(years))
        assert areas == sorted(areas)
        assert all(a >= 0 for a in areas)
        assert all(lic.valid_from.year <= y <= lic.valid_to.year for y in years)
        assert all(2021 <= y <= 2025 for y in years)
        with_plan += bool(lic.restoration_plan)
    assert with_plan == 65  # all but the mineral-water well, which disturbs no land


def test_the_quarries_granted_since_2020_are_what_the_plan_asks_of_new_ones() -> None:
    """第三章第三节 五: new quarries in the sand-gravel areas are large and green, one per
    area; with them the demo's building stone can rise toward the 400 万吨 of 专栏2."""
    sand_gravel = zones_of("sand_gravel_area")
    assert [lic.valid_from.year for lic in granted()] == [2021, 2022, 2023]
    areas = []
    for lic in granted():
        assert (lic.mineral, lic.scale, lic.green_mine) == ("建筑石料", "large", True)
        assert lic.restoration_plan
        assert lic.capacity is not None
        assert lic.capacity.unit == "万立方米/年"
        area = shape(lic.area)
        (code,) = [c for c, zone in sand_gravel.items() if zone.contains(area)]
        areas.append(code)
    assert sorted(areas) == sorted(sand_gravel)
    stone = [lic for lic in licences() if lic.mineral == "建筑石料"]
    tonnes = sum(lic.capacity.value for lic in stone if lic.capacity) * Decimal("2.7")
    assert Decimal(400) < tonnes < Decimal(450)  # 万吨 a year at full capacity: room for ~400
