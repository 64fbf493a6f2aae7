"""Corner lists (拐点坐标) in the bureau's text layout: reading, errors by line, writing back."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from lode_zoning.domain.corner_text import format_corner_list, format_rings, parse_corner_text
from lode_zoning.domain.corners import CornerList, CornerProblemCode, Parcel
from lode_zoning.domain.crs import CGCS2000, GK_CM_120E, GK_ZONE_39, GK_ZONE_40, reproject
from lode_zoning.domain.errors import CornerListInvalid, UnknownCrs

from .builders import BLOCK, EAST, HOLE, corner_lines, survey_rectangle


def text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def parse(*lines: str, crs: str = "EPSG:4528") -> CornerList:
    return parse_corner_text(text(*lines), crs)


def problems(*lines: str, crs: str = "EPSG:4528") -> list[tuple[int | None, CornerProblemCode]]:
    with pytest.raises(CornerListInvalid) as caught:
        parse(*lines, crs=crs)
    return [(p.line, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(
    "lines",
    [
        corner_lines(BLOCK),
        corner_lines(BLOCK, sep=", "),
        corner_lines(BLOCK, sep=" "),
        corner_lines(BLOCK, sep="\t"),
        corner_lines(BLOCK, sep="，", prefix="J"),  # full-width commas
        corner_lines(BLOCK, sep="\u3000"),  # full-width spaces
        corner_lines(BLOCK, sep=" ，\t", prefix="拐点"),
        corner_lines(BLOCK, sep="、"),
        corner_lines(BLOCK, sep=";"),
        corner_lines(BLOCK, prefix="J0"),
        [line.replace(",", ".,", 1) for line in corner_lines(BLOCK)],  # "1.,X,Y"
        [
            "１，４５４１３８７．４３，４０３９０６２２．９３",
            *corner_lines(BLOCK)[1:],
        ],  # full-width digits
        ["点号 X坐标 Y坐标", *corner_lines(BLOCK)],
        ["拐点编号,X,Y", *corner_lines(BLOCK)],
        ["序号\tX(m)\tY(m)", *corner_lines(BLOCK)],
        ["矿区范围拐点坐标（2000国家大地坐标系）", "", *corner_lines(BLOCK), ""],
        [*corner_lines(BLOCK), "1,4541387.43,40390622.93"],  # closing point, number 1
        [*corner_lines(BLOCK), "5,4541387.43,40390622.93"],  # closing point, next number
        ["  " + line + "  " for line in corner_lines(BLOCK)],
        ["\ufeff1,4541387.43,40390622.93", *corner_lines(BLOCK)[1:]],  # byte order mark
    ],
)
def test_one_ring_in_the_common_layouts(lines: list[str]) -> None:
    corners = parse(*lines)
    assert len(corners.rings) == 1
    assert [(p.x, p.y) for p in corners.rings[0].points] == BLOCK
    assert [p.number for p in corners.rings[0].points] == [1, 2, 3, 4]
    assert corners.parcels == (Parcel(0),)
    assert corners.area_ha == Decimal("16.0000")
    assert corners.crs is GK_ZONE_40
    assert isinstance(corners.geometry, Polygon)
    assert corners.geometry_lonlat.exterior.is_ccw
    lon, lat = corners.geometry_lonlat.exterior.coords[0]
    assert (lon, lat) == pytest.approx((118.7, 41.0), abs=1e-6)


def test_labels_and_lines_are_kept() -> None:
    corners = parse("拐点编号,X,Y", *corner_lines(BLOCK, prefix="J"))
    assert [p.label for p in corners.rings[0].points] == ["J1", "J2", "J3", "J4"]
    assert [p.line for p in corners.rings[0].points] == [2, 3, 4, 5]
    assert corners.skipped_lines == ((1, "拐点编号,X,Y"),)


@pytest.mark.parametrize("separator", ["*", "-", "---", "***", "#", "第2块", "地块2", "—"])
def test_a_separator_line_starts_another_parcel(separator: str) -> None:
    corners = parse(*corner_lines(BLOCK), separator, *corner_lines(EAST))
    assert corners.parcels == (Parcel(0), Parcel(1))
    assert isinstance(corners.geometry, MultiPolygon)
    assert corners.area_ha == Decimal("32.0000")


def test_numbering_restarting_at_one_starts_another_ring() -> None:
    corners = parse(*corner_lines(BLOCK), *corner_lines(EAST))
    assert len(corners.rings) == 2
    assert corners.parcels == (Parcel(0), Parcel(1))


def test_a_repeated_header_starts_another_ring_and_numbering_may_continue() -> None:
    corners = parse(*corner_lines(BLOCK), "点号 X Y", *corner_lines(EAST, start=5))
    assert [p.number for p in corners.rings[1].points] == [5, 6, 7, 8]


def test_a_ring_inside_another_is_a_hole() -> None:
    corners = parse(*corner_lines(BLOCK), "*", *corner_lines(HOLE))
    assert corners.parcels == (Parcel(0, (1,)),)
    assert isinstance(corners.geometry, Polygon)
    assert len(corners.geometry.interiors) == 1
    assert corners.area_ha == Decimal("15.0000")


def test_a_hole_listed_first_is_still_a_hole() -> None:
    corners = parse(*corner_lines(HOLE), "*", *corner_lines(BLOCK))
    assert corners.parcels == (Parcel(1, (0,)),)


def test_an_island_in_a_hole_is_a_parcel() -> None:
    island = [
        (4541262.43, 40390747.93),
        (4541262.43, 40390797.93),
        (4541212.43, 40390797.93),
        (4541212.43, 40390747.93),
    ]
    corners = parse(*corner_lines(BLOCK), "*", *corner_lines(HOLE), "*", *corner_lines(island))
    assert corners.parcels == (Parcel(0, (1,)), Parcel(2))
    assert corners.area_ha == Decimal("15.2500")


def test_metadata_belongs_to_its_ring() -> None:
    corners = parse(
        "面积：16公顷",
        *corner_lines(BLOCK),
        "开采深度：由650米至420米标高",
        "*",
        *corner_lines(EAST),
        "面积：0.16平方公里",
        "开采标高：+650m至-50m",
    )
    first, second = corners.rings
    assert first.declared_area_ha == Decimal(16)
    assert first.depth is not None
    assert (first.depth.start_m, first.depth.end_m) == (Decimal(650), Decimal(420))
    assert (first.depth.top_m, first.depth.bottom_m) == (Decimal(650), Decimal(420))
    assert second.declared_area_ha == Decimal("16.00")
    assert second.depth is not None
    assert (second.depth.top_m, second.depth.bottom_m) == (Decimal(650), Decimal(-50))
    assert corners.declared_area_ha == Decimal(32)


@pytest.mark.parametrize(
    ("line", "hectares"),
    [
        ("面积：12.34公顷", Decimal("12.34")),
        ("面积:12.34 ha", Decimal("12.34")),
        ("矿区面积 12.34hm²", Decimal("12.34")),
        ("面积（平方公里）：0.1234", Decimal("12.34")),
        ("面积：0.1234km²", Decimal("12.34")),
        ("面积：123400平方米", Decimal("12.34")),
        ("面积 123400 m2", Decimal("12.34")),
    ],
)
def test_area_statements(line: str, hectares: Decimal) -> None:
    assert parse(*corner_lines(BLOCK), line).declared_area_ha == hectares


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("开采深度：650米至420米", 650, 420),
        ("开采深度：由 650 米至 420 米标高", 650, 420),
        ("开采深度：650-420米", 650, 420),
        ("开采标高：+650m～-50m", 650, -50),
        ("开采深度：由650米到420米（1985国家高程基准）", 650, 420),
    ],
)
def test_depth_statements(line: str, start: int, end: int) -> None:
    depth = parse(*corner_lines(BLOCK), line).rings[0].depth
    assert depth is not None
    assert (depth.start_m, depth.end_m) == (Decimal(start), Decimal(end))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["1,4541387.43", *corner_lines(BLOCK)[1:]], [(1, CornerProblemCode.WRONG_FIELD_COUNT)]),
        (
            [*corner_lines(BLOCK)[:3], "4,4540987.43,40390622.93,650"],
            [(4, CornerProblemCode.WRONG_FIELD_COUNT)],
        ),
        (
            ["4541387.43 40390622.93", *corner_lines(BLOCK)[1:]],
            [(1, CornerProblemCode.WRONG_FIELD_COUNT)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3,454O987.43,40391022.93", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.X_NOT_A_NUMBER)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3,4540987.43,4039102293.", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.Y_NOT_A_NUMBER)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3a,4540987.43,40391022.93", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.BAD_POINT_NUMBER)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3,4540987.43,391022.93", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.WRONG_CRS)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3,4540987.43,39391022.93", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.WRONG_CRS)],
        ),
        (
            [*corner_lines(BLOCK)[:2], "3,40391022.93,4540987.43", corner_lines(BLOCK)[3]],
            [(3, CornerProblemCode.WRONG_CRS)],
        ),
        (
            [*corner_lines(BLOCK)[:2], corner_lines(BLOCK)[3].replace("4,", "5,")],
            [(3, CornerProblemCode.NOT_CONSECUTIVE)],
        ),
        (
            [*corner_lines(BLOCK), "3,4541000.00,40390700.00"],
            [(5, CornerProblemCode.DUPLICATE_NUMBER)],
        ),
        (
            [*corner_lines(BLOCK), "5,4541387.43,40391022.93"],
            [(5, CornerProblemCode.DUPLICATE_POINT)],
        ),
        (corner_lines(BLOCK[:2]), [(1, CornerProblemCode.TOO_FEW_POINTS)]),
        (
            [*corner_lines(BLOCK), "*", *corner_lines(EAST[:2])],
            [(6, CornerProblemCode.TOO_FEW_POINTS)],
        ),
        ([*corner_lines(BLOCK), "面积：约十公顷"], [(5, CornerProblemCode.BAD_METADATA)]),
        ([*corner_lines(BLOCK), "面积：16"], [(5, CornerProblemCode.BAD_METADATA)]),
        ([*corner_lines(BLOCK), "开采深度：650米"], [(5, CornerProblemCode.BAD_METADATA)]),
        (
            [*corner_lines(BLOCK), "面积：16公顷", "面积：16公顷"],
            [(6, CornerProblemCode.DUPLICATE_METADATA)],
        ),
        (["点号 X Y", "矿区范围"], [(None, CornerProblemCode.NO_POINTS)]),
        (
            [*corner_lines(BLOCK[:2]), *corner_lines(BLOCK[3:1:-1], start=3)],
            [(4, CornerProblemCode.SELF_INTERSECTION)],
        ),
        (
            [*corner_lines(BLOCK), "*", *corner_lines([(x - 200, y + 200) for x, y in BLOCK])],
            [(6, CornerProblemCode.RINGS_OVERLAP)],
        ),
    ],
)
def test_problems_name_their_line(
    lines: list[str], expected: list[tuple[int | None, CornerProblemCode]]
) -> None:
    assert problems(*lines) == expected


def test_a_problem_quotes_its_line() -> None:
    with pytest.raises(CornerListInvalid) as caught:
        parse("点号,X,Y", "1，4541387.43", *corner_lines(BLOCK)[1:])
    (problem,) = caught.value.problems
    assert problem.text == "1，4541387.43"
    assert problem.line == 2
    assert "expected 3 fields" in problem.message_en
    error = problem.as_field_error()
    assert error["field"] == "corners"
    assert error["message"].startswith("line 2 «1，4541387.43»: expected 3 fields")
    assert "line 2" in caught.value.detail


def test_every_bad_line_is_reported() -> None:
    lines = [
        "1,4541387.43,40390622.93",
        "2,x,40391022.93",
        "3,4540987.43",
        "4,4540987.43,390622.93",
    ]
    assert problems(*lines) == [
        (2, CornerProblemCode.X_NOT_A_NUMBER),
        (3, CornerProblemCode.WRONG_FIELD_COUNT),
        (4, CornerProblemCode.WRONG_CRS),
    ]


def test_a_zone_prefix_problem_suggests_the_crs() -> None:
    with pytest.raises(CornerListInvalid) as caught:
        parse(*corner_lines([(x, y - 1_000_000) for x, y in BLOCK]))
    assert {p.code for p in caught.value.problems} == {CornerProblemCode.WRONG_CRS}
    assert caught.value.problems[0].detail == {
        "reason": "zone_prefix_mismatch",
        "suggested_crs": "EPSG:4527",
    }


def test_self_intersection_names_the_edges() -> None:
    bowtie = [BLOCK[0], BLOCK[1], BLOCK[3], BLOCK[2]]
    with pytest.raises(CornerListInvalid) as caught:
        parse(*corner_lines(bowtie, prefix="J"))
    (problem,) = caught.value.problems
    assert "edge J1→J2" not in problem.message_en
    assert "edge J2→J3 meets edge J4→J1" in problem.message_en
    assert "X=4541187.43, Y=40390822.93" in problem.message_en


def test_other_crs() -> None:
    west = survey_rectangle(118.4, 40.9, 300, 200, GK_ZONE_39)
    corners = parse(*corner_lines(west), crs="EPSG:4527")
    assert corners.area_ha == Decimal("6.0000")
    lon, lat = corners.geometry_lonlat.exterior.coords[0]
    assert 118.39 < lon < 118.41
    assert 40.9 < lat < 40.91
    unprefixed = parse(*corner_lines([(x, y - 40_000_000) for x, y in BLOCK]), crs="EPSG:4549")
    assert unprefixed.crs is GK_CM_120E
    assert unprefixed.area_ha == Decimal("16.0000")


def test_an_unknown_crs_is_refused() -> None:
    with pytest.raises(UnknownCrs):
        parse(*corner_lines(BLOCK), crs="EPSG:4326")


def test_to_text_writes_what_was_read() -> None:
    lines = [
        "点号,X坐标,Y坐标",
        *corner_lines(BLOCK, prefix="J"),
        "面积：16公顷",
        "开采深度：由650米至420米标高",
        "*",
        *corner_lines(HOLE),
    ]
    corners = parse(*lines)
    assert corners.to_text() == text(*lines)
    assert parse_corner_text(corners.to_text(), GK_ZONE_40) == corners


def test_format_corner_list_in_the_bureau_layout() -> None:
    corners = parse(*corner_lines(BLOCK), "*", *corner_lines(HOLE), "*", *corner_lines(EAST))
    written = format_corner_list(corners.geometry, GK_ZONE_40)
    assert written == text(
        "点号,X坐标,Y坐标",
        *corner_lines(BLOCK),
        "*",
        *corner_lines(HOLE),
        "面积：15公顷",
        "*",
        *corner_lines(EAST),
        "面积：16公顷",
    )
    again = parse_corner_text(written, GK_ZONE_40)
    assert again.geometry.equals(corners.geometry)
    assert again.declared_area_ha == Decimal(31)


def test_format_corner_list_from_lonlat_and_closed() -> None:
    corners = parse(*corner_lines(BLOCK))
    written = format_corner_list(
        corners.geometry_lonlat,
        GK_ZONE_40,
        source_crs=CGCS2000,
        include_area=False,
        close_rings=True,
    )
    lines = written.splitlines()
    assert lines[0] == "点号,X坐标,Y坐标"
    assert lines[1] == lines[-1]  # closed with the first corner
    again = parse_corner_text(written, GK_ZONE_40)
    assert again.geometry.equals_exact(
        reproject(corners.geometry_lonlat, CGCS2000, GK_ZONE_40), 0.01
    )
    with pytest.raises(ValueError, match="projected"):
        format_corner_list(corners.geometry_lonlat, CGCS2000)


def test_format_rings_without_header() -> None:
    corners = parse(*corner_lines(BLOCK))
    assert (
        format_rings(corners.rings, header=None, decimals=3).splitlines()[0]
        == "1,4541387.430,40390622.930"
    )


@st.composite
def star_polygons(draw: st.DrawFn) -> list[tuple[float, float]]:
    """A simple polygon in zone 40 around Pingquan: corners at increasing angles."""
    x0 = draw(st.floats(4_510_000, 4_580_000))
    y0 = draw(st.floats(40_380_000, 40_440_000))
    n = draw(st.integers(3, 12))
    angles = sorted(draw(st.lists(st.floats(0, 6.28), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.floats(50, 2000), min_size=n, max_size=n))
    points = [
        (round(x0 + r * math.sin(a), 2), round(y0 + r * math.cos(a), 2))
        for a, r in zip(angles, radii, strict=True)
    ]
    return points


@settings(max_examples=60, deadline=None)
@given(
    corners=star_polygons(),
    prefix=st.sampled_from(["", "J"]),
    sep=st.sampled_from([",", " ", "\t", "，"]),
)
def test_round_trip_text(corners: list[tuple[float, float]], prefix: str, sep: str) -> None:
    shape = Polygon([(y, x) for x, y in corners])
    assume(shape.is_valid and len(set(corners)) == len(corners) and shape.area >= 1)
    parsed = parse_corner_text(text(*corner_lines(corners, prefix=prefix, sep=sep)), GK_ZONE_40)
    assert [(p.x, p.y) for p in parsed.rings[0].points] == corners
    written = format_corner_list(parsed.geometry, GK_ZONE_40)
    again = parse_corner_text(written, GK_ZONE_40)
    assert [(p.x, p.y) for p in again.rings[0].points] == corners
    assert again.declared_area_ha == parsed.area_ha
    assert again.to_text() == written


corner_alphabet = st.sampled_from(
    list("0123456789.,，、 \t\n*-J拐点面积：公顷开采深度米至标高XYx+")
)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=corner_alphabet, max_size=300))
def test_any_text_is_read_or_refused_with_reasons(garbage: str) -> None:
    outcome: CornerList | CornerListInvalid
    try:
        outcome = parse_corner_text(garbage, GK_ZONE_40)
    except CornerListInvalid as error:
        outcome = error
    if isinstance(outcome, CornerList):
        assert outcome.geometry.is_valid
        return
    assert outcome.problems
    for problem in outcome.problems:
        assert problem.line is None or problem.text is not None
