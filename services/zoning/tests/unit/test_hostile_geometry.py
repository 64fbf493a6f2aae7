"""Geometry and plan input built to cost: bounded, and read in time near-linear in its size
(issue 12, item 5). Each of these took minutes (or all the memory) before."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
import yaml

from lode_common.limits import PLAN_VALUES_MAX, VERTICES_MAX
from lode_common.plan.bounds import document_bound_issues
from lode_zoning.domain.corner_text import parse_corner_text
from lode_zoning.domain.corners import CornerProblemCode, parse_corners_json
from lode_zoning.domain.crs import parse_crs
from lode_zoning.domain.errors import CornerListInvalid, UnknownCrs
from lode_zoning.domain.geometry import ProblemCode, validate_geojson_geometry, vertex_count
from lode_zoning.domain.topology import RingCrossing, ring_crossings

pytestmark = pytest.mark.timeout(60)

NORTH, EAST = 4541000.0, 40391000.0  # Pingquan in EPSG:4528 (X northing, Y easting)


def circle(n: int, r: float = 1.0, x: float = 0.0, y: float = 0.0) -> list[tuple[float, float]]:
    return [
        (x + r * math.cos(2 * math.pi * i / n), y + r * math.sin(2 * math.pi * i / n))
        for i in range(n)
    ]


# --- vertices -------------------------------------------------------------------------------
def test_a_geometry_past_the_vertex_limit_is_one_problem_found_before_any_other() -> None:
    ring: list[Any] = [["not", "a", "position"]] * (VERTICES_MAX + 1)
    geometry = {"type": "MultiPolygon", "coordinates": [[ring]]}
    assert vertex_count(geometry) == VERTICES_MAX + 1
    (problem,) = validate_geojson_geometry(geometry)
    assert problem.code is ProblemCode.TOO_MANY_VERTICES
    assert str(VERTICES_MAX + 1) in problem.message_en
    assert vertex_count({"type": "Polygon", "coordinates": "x"}) == 0
    assert vertex_count([1, 2]) == 0


def test_corners_past_the_vertex_limit_are_refused_unread() -> None:
    corners = [[NORTH, EAST]] * (VERTICES_MAX + 1)
    for payload in ({"corners": corners}, {"corners": [corners[:10], corners[10:]]}):
        with pytest.raises(CornerListInvalid) as caught:
            parse_corners_json({**payload, "crs": "EPSG:4528"})
        assert [p.code for p in caught.value.problems] == [CornerProblemCode.TOO_MANY_POINTS]
    with pytest.raises(CornerListInvalid) as caught:
        parse_corner_text("1 4541000 40391000\n" * (VERTICES_MAX + 1), "EPSG:4528")
    assert caught.value.problems[0].code is CornerProblemCode.TOO_MANY_POINTS


# --- corner lists read in linear time -----------------------------------------------------
def test_a_corner_list_of_the_largest_size_is_read_in_seconds() -> None:
    ring = [[round(x, 3), round(y, 3)] for x, y in circle(VERTICES_MAX, 2000.0, NORTH, EAST)]
    listed = parse_corners_json({"corners": ring, "crs": "EPSG:4528"})
    assert len(listed.rings[0].points) == VERTICES_MAX
    text = "\n".join(f"J{i + 1} {x} {y}" for i, (x, y) in enumerate(ring))
    assert len(parse_corner_text(text, "EPSG:4528").rings[0].points) == VERTICES_MAX


def test_duplicates_are_still_found_in_a_long_list() -> None:
    ring = [[round(x, 3), round(y, 3)] for x, y in circle(20_000, 2000.0, NORTH, EAST)]
    ring[15_000] = ring[3]
    with pytest.raises(CornerListInvalid) as caught:
        parse_corners_json({"corners": ring, "crs": "EPSG:4528"})
    assert [(p.code, p.field) for p in caught.value.problems] == [
        (CornerProblemCode.DUPLICATE_POINT, "corners[15000]")
    ]
    text = "\n".join(f"{i + 1} {x} {y}" for i, (x, y) in enumerate(ring))
    with pytest.raises(CornerListInvalid) as caught:
        parse_corner_text(text, "EPSG:4528")
    assert [(p.code, p.line) for p in caught.value.problems] == [
        (CornerProblemCode.DUPLICATE_POINT, 15_001)
    ]


def test_thousands_of_identical_rings_are_refused_without_comparing_every_pair() -> None:
    square = [[NORTH, EAST], [NORTH, EAST + 10], [NORTH - 10, EAST + 10], [NORTH - 10, EAST]]
    with pytest.raises(CornerListInvalid) as caught:
        parse_corners_json({"corners": [square] * 3000, "crs": "EPSG:4528"})
    assert caught.value.problems[0].code is CornerProblemCode.RINGS_OVERLAP


def test_parcels_and_holes_are_still_sorted_by_containment() -> None:
    def ring(size: float, dx: float = 0.0) -> list[list[float]]:
        n, e = NORTH - 500 - dx, EAST + 500 + dx
        return [[n, e], [n, e + size], [n - size, e + size], [n - size, e]]

    listed = parse_corners_json(
        {"corners": [ring(300), ring(100, 50), ring(20, 80), ring(50, 1000)], "crs": "EPSG:4528"}
    )
    assert [(p.exterior, p.holes) for p in listed.parcels] == [(0, (1,)), (2, ()), (3, ())]


# --- rings: crossings without computing all of them ---------------------------------------
def test_a_star_ring_reports_its_first_crossings_without_computing_all() -> None:
    n = 6001  # every edge crosses nearly every other: 18 million crossings
    step = (n - 1) // 2
    points = [circle(n)[(i * step) % n] for i in range(n)]
    crossings = ring_crossings([*points, points[0]])
    assert len(crossings) == 20


def test_a_long_ring_with_one_crossing_names_its_edges() -> None:
    points = circle(8000)
    k = 6000
    points[k], points[k + 1] = points[k + 1], points[k]
    (crossing,) = ring_crossings([*points, points[0]])
    assert (crossing.edge_a, crossing.edge_b) == (k - 1, k + 1)
    assert isinstance(crossing, RingCrossing)
    assert ring_crossings([*circle(8000), circle(8000)[0]]) == []


def test_a_polygon_with_thousands_of_holes_is_checked_in_seconds() -> None:
    lon, lat = 118.8, 41.0
    shell = [[lon, lat], [lon + 0.5, lat], [lon + 0.5, lat + 0.5], [lon, lat + 0.5], [lon, lat]]
    holes = []
    for a in range(190):  # 19,000 holes: 180 million pairs to compare one by one
        for b in range(100):
            x, y = lon + 0.001 + a * 0.0004, lat + 0.001 + b * 0.0004
            holes.append(
                [[x, y], [x, y + 0.0002], [x + 0.0002, y + 0.0002], [x + 0.0002, y], [x, y]]
            )
    assert validate_geojson_geometry({"type": "Polygon", "coordinates": [shell, *holes]}) == []
    holes.append(holes[7])
    problems = validate_geojson_geometry({"type": "Polygon", "coordinates": [shell, *holes]})
    assert problems
    assert {p.code for p in problems} <= {ProblemCode.HOLES_OVERLAP, ProblemCode.INVALID}


def test_an_unknown_crs_is_not_echoed_whole() -> None:
    with pytest.raises(UnknownCrs) as caught:
        parse_crs("EPSG:" + "9" * 100_000)
    assert len(caught.value.detail) < 1000


# --- plan documents ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "words"),
    [
        (float("inf"), "finite"),
        (float("nan"), "finite"),
        (1e308, "magnitude"),
        (-(10**40), "magnitude"),
        (Decimal("NaN"), "finite"),
        (b"bytes", "not a value"),
        ({1, 2}, "not a value"),
        ("x" * 2001, "at most 2000"),
        ("a\u202eb", "bidirectional"),
        ({3: "int key"}, "key must be text"),
    ],
)
def test_a_plan_value_past_its_bounds_is_an_issue_at_its_path(value: object, words: str) -> None:
    (issue,) = document_bound_issues({"region": {"notes": [value]}})
    assert issue.path.startswith("region.notes[0]")
    assert words in issue.message


def test_a_plan_keeps_line_breaks_dates_and_ordinary_figures() -> None:
    document = yaml.safe_load("a: {b: 2021-06-30, c: 'x\\ny', d: 470000, e: -12.5, f: null}")
    assert document_bound_issues(document) == []


def test_a_yaml_alias_bomb_stops_the_walk_early() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    issues = document_bound_issues(yaml.safe_load("\n".join(lines)))
    assert issues[-1].path == "body"
    assert str(PLAN_VALUES_MAX) in issues[-1].message


def test_a_plan_nested_too_deep_is_an_issue() -> None:
    deep: Any = "leaf"
    for _ in range(30):
        deep = [deep]
    (issue,) = document_bound_issues({"plan": deep})
    assert "nested" in issue.message
