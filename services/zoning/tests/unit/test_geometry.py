"""GeoJSON geometry validation that says what is wrong and where."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import explain_validity

from lode_zoning.domain.errors import GeometryInvalid
from lode_zoning.domain.geometry import (
    ProblemCode,
    Region,
    geojson_to_shape,
    shape_to_geojson,
    validate_geojson_geometry,
)

from .builders import PINGQUAN_BBOX, geojson_polygon, lonlat_ring

PINGQUAN = Region.from_bbox(PINGQUAN_BBOX, name_zh="平泉市")
SQUARE = lonlat_ring(118.8, 41.0)
HOLE = [
    [118.803, 41.003],
    [118.803, 41.006],
    [118.806, 41.006],
    [118.806, 41.003],
    [118.803, 41.003],
]
BOWTIE = [[118.8, 41.0], [118.81, 41.01], [118.81, 41.0], [118.8, 41.01], [118.8, 41.0]]


def codes(obj: object, **kwargs: Any) -> list[ProblemCode]:
    return [p.code for p in validate_geojson_geometry(obj, **kwargs)]


def test_a_valid_polygon_has_no_problem() -> None:
    assert validate_geojson_geometry(geojson_polygon(SQUARE, HOLE), region=PINGQUAN) == []


def test_both_winding_orders_are_accepted() -> None:
    clockwise = list(reversed(SQUARE))
    assert validate_geojson_geometry(geojson_polygon(clockwise), region=PINGQUAN) == []


def test_a_valid_multipolygon_with_altitudes() -> None:
    with_z = [[*p, 650.0] for p in SQUARE]
    obj = {"type": "MultiPolygon", "coordinates": [[with_z], [lonlat_ring(118.9, 41.1)]]}
    assert validate_geojson_geometry(obj, region=PINGQUAN) == []
    shape = geojson_to_shape(obj)
    assert isinstance(shape, MultiPolygon)
    assert not shape.has_z


@pytest.mark.parametrize(
    ("obj", "code", "field"),
    [
        ("POLYGON((0 0))", ProblemCode.NOT_AN_OBJECT, ""),
        (
            {"type": "LineString", "coordinates": [[118.8, 41.0], [118.9, 41.0]]},
            ProblemCode.NOT_POLYGONAL,
            "",
        ),
        ({"type": "Feature", "geometry": geojson_polygon(SQUARE)}, ProblemCode.NOT_POLYGONAL, ""),
        ({"coordinates": [SQUARE]}, ProblemCode.NOT_POLYGONAL, ""),
        ({"type": "Polygon"}, ProblemCode.MALFORMED, ""),
        ({"type": "Polygon", "coordinates": []}, ProblemCode.EMPTY, ""),
        ({"type": "MultiPolygon", "coordinates": [[]]}, ProblemCode.EMPTY, "coordinates[0]"),
        (
            {"type": "Polygon", "coordinates": [118.8, 41.0]},
            ProblemCode.MALFORMED,
            "coordinates[0]",
        ),
        (
            geojson_polygon([[118.8, 41.0], 5, [118.9, 41.0], [118.8, 41.0]]),
            ProblemCode.MALFORMED,
            "coordinates[0][1]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [118.81], *SQUARE[2:]]),
            ProblemCode.TOO_FEW_DIMENSIONS,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [118.81, 41.0, 1, 2], *SQUARE[2:]]),
            ProblemCode.TOO_MANY_DIMENSIONS,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], ["118.81", 41.0], *SQUARE[2:]]),
            ProblemCode.NOT_A_NUMBER,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [None, 41.0], *SQUARE[2:]]),
            ProblemCode.NOT_A_NUMBER,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [True, 41.0], *SQUARE[2:]]),
            ProblemCode.NOT_A_NUMBER,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [float("nan"), 41.0], *SQUARE[2:]]),
            ProblemCode.NOT_FINITE,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [118.81, 10**400], *SQUARE[2:]]),
            ProblemCode.NOT_FINITE,
            "coordinates[0][2]",
        ),
        (
            geojson_polygon([*SQUARE[:2], [118.81, float("inf")], *SQUARE[2:]]),
            ProblemCode.NOT_FINITE,
            "coordinates[0][2]",
        ),
        (geojson_polygon(SQUARE[:-1]), ProblemCode.UNCLOSED_RING, "coordinates[0][3]"),
        (
            geojson_polygon([SQUARE[0], SQUARE[1], SQUARE[0]]),
            ProblemCode.TOO_FEW_POSITIONS,
            "coordinates[0]",
        ),
        (
            geojson_polygon([SQUARE[0], SQUARE[1], SQUARE[1], SQUARE[0]]),
            ProblemCode.DEGENERATE_RING,
            "coordinates[0]",
        ),
        (geojson_polygon(BOWTIE), ProblemCode.SELF_INTERSECTION, "coordinates[0][0]"),
        (
            geojson_polygon(SQUARE, lonlat_ring(118.9, 41.1)),
            ProblemCode.HOLE_OUTSIDE_SHELL,
            "coordinates[1]",
        ),
        (
            geojson_polygon(SQUARE, lonlat_ring(118.805, 41.005)),
            ProblemCode.RINGS_CROSS,
            "coordinates[1]",
        ),
        (
            geojson_polygon(SQUARE, HOLE, [[c[0] + 0.001, c[1]] for c in HOLE]),
            ProblemCode.HOLES_OVERLAP,
            "coordinates[1]",
        ),
        (
            {"type": "MultiPolygon", "coordinates": [[SQUARE], [lonlat_ring(118.805, 41.005)]]},
            ProblemCode.PARTS_OVERLAP,
            "coordinates[0]",
        ),
    ],
)
def test_each_problem_is_named_with_its_place(obj: object, code: ProblemCode, field: str) -> None:
    problems = validate_geojson_geometry(obj)
    assert [p.code for p in problems][:1] == [code]
    assert problems[0].field == field
    assert problems[0].message_en
    assert problems[0].message_zh
    error = problems[0].as_field_error()
    assert error["field"] == ".".join(p for p in ("geometry", field) if p)
    assert problems[0].message_zh in error["message"]


def test_an_unclosed_short_ring_reports_both_problems() -> None:
    assert codes(geojson_polygon(SQUARE[:2])) == [
        ProblemCode.TOO_FEW_POSITIONS,
        ProblemCode.UNCLOSED_RING,
    ]


def test_every_malformed_position_is_reported() -> None:
    ring = [[118.8, 41.0], ["a", 41.0], [118.81, "b"], [118.8, 41.0]]
    problems = validate_geojson_geometry(geojson_polygon(ring))
    assert [(p.code, p.point) for p in problems] == [
        (ProblemCode.NOT_A_NUMBER, 1),
        (ProblemCode.NOT_A_NUMBER, 2),
    ]


def test_self_intersection_says_where_and_which_edges() -> None:
    (problem,) = validate_geojson_geometry(geojson_polygon(BOWTIE))
    assert problem.code is ProblemCode.SELF_INTERSECTION
    assert problem.coordinates == pytest.approx((118.805, 41.005))
    assert problem.detail["edges"] == [0, 2]
    assert "edge 0→1 meets edge 2→3" in problem.message_en


def test_every_self_intersection_is_reported() -> None:
    zigzag = [
        [118.8, 41.0],
        [118.83, 41.0],
        [118.8, 41.01],
        [118.83, 41.01],
        [118.8, 41.02],
        [118.83, 41.02],
        [118.8, 41.0],
    ]
    problems = validate_geojson_geometry(geojson_polygon(zigzag))
    assert {p.code for p in problems} == {ProblemCode.SELF_INTERSECTION}
    assert len(problems) >= 2


def test_a_spike_is_a_self_intersection() -> None:
    spike = [
        [118.8, 41.0],
        [118.81, 41.0],
        [118.82, 41.0],
        [118.81, 41.0],
        [118.81, 41.01],
        [118.8, 41.0],
    ]
    assert ProblemCode.SELF_INTERSECTION in codes(geojson_polygon(spike))


def test_a_hole_touching_the_shell_at_one_point_is_valid() -> None:
    hole = [[118.8, 41.0], [118.805, 41.003], [118.803, 41.005], [118.8, 41.0]]
    assert codes(geojson_polygon(SQUARE, hole)) == []


def test_geos_invalidity_not_caught_otherwise_is_still_reported() -> None:
    # two parts sharing an edge: valid rings, no overlapping interiors, invalid together
    obj = {
        "type": "MultiPolygon",
        "coordinates": [[lonlat_ring(118.8, 41.0)], [lonlat_ring(118.81, 41.0)]],
    }
    problems = validate_geojson_geometry(obj)
    assert [p.code for p in problems] == [ProblemCode.INVALID]
    assert problems[0].coordinates is not None


@pytest.mark.parametrize(
    ("ring", "reason"),
    [
        (
            [
                [4541387.43, 40390622.93],
                [4541387.43, 40391022.93],
                [4540987.43, 40391022.93],
                [4541387.43, 40390622.93],
            ],
            "looks_projected",
        ),
        ([[41.0, 118.8], [41.01, 118.8], [41.01, 118.81], [41.0, 118.8]], "lonlat_swapped"),
        ([[2.35, 48.85], [2.36, 48.85], [2.36, 48.86], [2.35, 48.85]], "outside_china"),
    ],
)
def test_wrong_crs_is_reported_once_per_ring(ring: list[list[float]], reason: str) -> None:
    problems = validate_geojson_geometry(geojson_polygon(ring))
    assert len(problems) == 1
    assert problems[0].code is ProblemCode.WRONG_CRS
    assert problems[0].detail["reason"] == reason
    assert "4 of 4 positions" in problems[0].message_en


def test_outside_the_region() -> None:
    beijing = geojson_polygon(lonlat_ring(116.4, 39.9))
    (problem,) = validate_geojson_geometry(beijing, region=PINGQUAN)
    assert problem.code is ProblemCode.OUTSIDE_REGION
    assert "平泉市" in problem.message_zh
    assert "approximate" in problem.message_en
    assert Decimal(problem.detail["outside_ha"]) > 90  # 0.01° × 0.01° at 40°N ≈ 95 ha


def test_partly_outside_the_region_says_how_many_hectares() -> None:
    # 0.02° × 0.02° square, a quarter of it west of 118.35°E
    ring = lonlat_ring(118.345, 41.0, size_deg=0.02)
    (problem,) = validate_geojson_geometry(geojson_polygon(ring), region=PINGQUAN)
    assert problem.code is ProblemCode.PARTLY_OUTSIDE_REGION
    outside = Decimal(problem.detail["outside_ha"])
    assert 90 < outside < 100  # 0.005° × 0.02° at 41°N ≈ 93 ha
    assert f"{outside} ha" in problem.message_en
    assert f"{outside} 公顷" in problem.message_zh
    assert problem.coordinates is not None
    assert problem.coordinates[0] < 118.35


def test_a_sliver_outside_below_the_tolerance_is_accepted() -> None:
    ring = lonlat_ring(118.3499999, 41.0, size_deg=0.01)  # ~0.1 m over the edge
    assert codes(geojson_polygon(ring), region=PINGQUAN) == [ProblemCode.PARTLY_OUTSIDE_REGION]
    assert codes(geojson_polygon(ring), region=PINGQUAN, outside_tolerance_ha=Decimal(1)) == []


def test_a_region_given_as_a_polygon() -> None:
    triangle = Region(Polygon([(118.35, 40.7), (119.25, 40.7), (118.35, 41.4)]), name_zh="行政区界")
    assert not triangle.approximate
    ring = lonlat_ring(119.1, 41.3)
    problem = validate_geojson_geometry(geojson_polygon(ring), region=triangle)[0]
    assert problem.code is ProblemCode.OUTSIDE_REGION
    assert "approximate" not in problem.message_en


def test_later_stages_wait_for_earlier_ones() -> None:
    # self-intersecting AND outside the region: only the topology problem is reported
    far_bowtie = [[p[0] - 2, p[1]] for p in BOWTIE]
    assert codes(geojson_polygon(far_bowtie), region=PINGQUAN) == [ProblemCode.SELF_INTERSECTION]


def test_geojson_to_shape_raises_with_every_problem() -> None:
    with pytest.raises(GeometryInvalid) as caught:
        geojson_to_shape(geojson_polygon(SQUARE[:-1]), region=PINGQUAN)
    assert caught.value.problems[0].code is ProblemCode.UNCLOSED_RING
    assert "unclosed_ring" in caught.value.detail
    assert caught.value.field_errors()[0]["field"] == "geometry.coordinates[0][3]"


def test_conversion_normalises_winding_and_rounds() -> None:
    clockwise_square = list(reversed(SQUARE))
    counter_clockwise_hole = list(reversed(HOLE)) if Polygon(HOLE).exterior.is_ccw else HOLE
    obj = geojson_polygon(clockwise_square, counter_clockwise_hole)
    shape = geojson_to_shape(obj)
    assert shape.exterior.is_ccw
    assert not shape.interiors[0].is_ccw
    out = shape_to_geojson(shape)
    assert out["type"] == "Polygon"
    assert Polygon(out["coordinates"][0]).exterior.is_ccw
    rounded = shape_to_geojson(Polygon([(118.123456789123, 41.0), (118.2, 41.0), (118.2, 41.1)]))
    assert rounded["coordinates"][0][0] == [118.12345679, 41.0]


def test_conversion_of_a_multipolygon() -> None:
    obj = {"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [lonlat_ring(118.9, 41.1)]]}
    out = shape_to_geojson(geojson_to_shape(obj))
    assert out["type"] == "MultiPolygon"
    assert len(out["coordinates"]) == 2
    assert len(out["coordinates"][0]) == 2


coordinate = st.floats(min_value=0.001, max_value=0.05)


@settings(max_examples=50, deadline=None)
@given(
    lon=st.floats(118.36, 119.18),
    lat=st.floats(40.71, 41.33),
    width=coordinate,
    height=coordinate,
    clockwise=st.booleans(),
)
def test_geojson_round_trip(
    lon: float, lat: float, width: float, height: float, clockwise: bool
) -> None:
    ring = [
        [lon, lat],
        [lon + width, lat],
        [lon + width, lat + height],
        [lon, lat + height],
        [lon, lat],
    ]
    obj = geojson_polygon(list(reversed(ring)) if clockwise else ring)
    out = shape_to_geojson(geojson_to_shape(obj, region=PINGQUAN))
    again = shape_to_geojson(geojson_to_shape(out, region=PINGQUAN))
    assert again == out
    assert Polygon(out["coordinates"][0]).hausdorff_distance(Polygon(ring)) < 1e-8
    assert Polygon(out["coordinates"][0]).exterior.is_ccw


def test_the_plans_approximate_extent_stands_in_for_the_region() -> None:
    from lode_common.plan.data import bundled_documents

    plan = bundled_documents()
    region = Region.from_bbox(plan.region.approx_extent_lonlat, name_zh=plan.region.name_zh)
    assert region.approximate
    assert region.geometry.bounds == PINGQUAN_BBOX
    inside = geojson_polygon(lonlat_ring(118.8, 41.0))
    assert validate_geojson_geometry(inside, region=region) == []


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(
    kind=st.sampled_from(["Polygon", "MultiPolygon", "Point", None]),
    coordinates=json_values,
)
def test_any_json_is_validated_without_crashing(kind: str | None, coordinates: object) -> None:
    problems = validate_geojson_geometry(
        {"type": kind, "coordinates": coordinates}, region=PINGQUAN
    )
    for problem in problems:
        assert problem.message_en
        assert problem.message_zh


lonlat = st.tuples(st.floats(118.8, 118.81), st.floats(41.0, 41.01))


@settings(max_examples=300, deadline=None)
@given(
    shell=st.lists(lonlat, min_size=3, max_size=8),
    holes=st.lists(st.lists(lonlat, min_size=3, max_size=5), max_size=2),
    parts=st.integers(1, 2),
)
def test_problems_agree_with_geos(
    shell: list[tuple[float, float]], holes: list[list[tuple[float, float]]], parts: int
) -> None:
    rings = [[list(p) for p in [*ring, ring[0]]] for ring in [shell, *holes]]
    if parts == 1:
        obj: dict[str, Any] = {"type": "Polygon", "coordinates": rings}
    else:
        obj = {
            "type": "MultiPolygon",
            "coordinates": [rings[:1], rings[1:] or [lonlat_ring(118.9, 41.1)]],
        }
    problems = validate_geojson_geometry(obj)
    shape = (
        MultiPolygon([Polygon(p[0], p[1:]) for p in obj["coordinates"]])
        if parts == 2
        else Polygon(rings[0], rings[1:])
    )
    assert shape.is_valid == (problems == []), (problems, explain_validity(shape))
    if not problems:
        assert geojson_to_shape(obj).is_valid
