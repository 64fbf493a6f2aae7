"""The API's JSON form of corner lists and the assembly of rings into parcels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from lode_zoning.domain.corner_text import parse_corner_text
from lode_zoning.domain.corners import (
    CornerPoint,
    CornerProblemCode,
    CornerRing,
    Parcel,
    build_corner_list,
    parse_corners_json,
)
from lode_zoning.domain.crs import GK_ZONE_39, GK_ZONE_40
from lode_zoning.domain.errors import CornerListInvalid

from .builders import BLOCK, EAST, HOLE, corner_lines


def as_json(*rings: list[tuple[float, float]]) -> list[Any]:
    return [[list(p) for p in ring] for ring in rings]


def fields(payload: object, **kwargs: Any) -> list[tuple[str | None, CornerProblemCode]]:
    with pytest.raises(CornerListInvalid) as caught:
        parse_corners_json(payload, **kwargs)
    return [(p.field, p.code) for p in caught.value.problems]


def test_the_json_form_gives_the_same_result_as_the_text() -> None:
    from_json = parse_corners_json({"corners": as_json(BLOCK)[0], "crs": "EPSG:4528"})
    from_text = parse_corner_text("\n".join(corner_lines(BLOCK)), "EPSG:4528")
    assert from_json.geometry.equals_exact(from_text.geometry, 0)
    assert from_json.geometry_lonlat.equals_exact(from_text.geometry_lonlat, 0)
    assert from_json.area_ha == from_text.area_ha == Decimal("16.0000")
    assert [p.field for p in from_json.rings[0].points] == [f"corners[{i}]" for i in range(4)]


def test_the_api_example() -> None:
    corners = [[4541387.43, 40390622.93], [4541387.43, 40390722.93], [4541287.43, 40390722.93]]
    result = parse_corners_json({"corners": corners, "crs": "EPSG:4528"})
    assert result.area_ha == Decimal("0.5000")
    lon, lat = result.geometry_lonlat.exterior.coords[0]
    assert (lon, lat) == pytest.approx((118.7, 41.0), abs=1e-6)


def test_a_closing_corner_is_dropped() -> None:
    closed = [*as_json(BLOCK)[0], list(BLOCK[0])]
    assert len(parse_corners_json({"corners": closed, "crs": "EPSG:4528"}).rings[0].points) == 4


def test_several_rings_and_a_hole() -> None:
    payload = {"corners": as_json(BLOCK, HOLE, EAST), "crs": "EPSG:4528"}
    result = parse_corners_json(payload)
    assert result.parcels == (Parcel(0, (1,)), Parcel(2))
    assert result.area_ha == Decimal("31.0000")
    assert result.rings[1].points[0].field == "corners[1][0]"


def test_the_text_itself_may_be_sent() -> None:
    payload = {"corners": "点号 X Y\n" + "\n".join(corner_lines(BLOCK)), "crs": "EPSG:4528"}
    assert parse_corners_json(payload).area_ha == Decimal("16.0000")


def test_the_default_crs_applies_when_none_is_given() -> None:
    result = parse_corners_json({"corners": as_json(BLOCK)[0]}, default_crs=GK_ZONE_40)
    assert result.crs is GK_ZONE_40


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ([[1, 2]], [("", CornerProblemCode.NOT_A_LIST)]),
        ({"corners": as_json(BLOCK)[0]}, [("crs", CornerProblemCode.MISSING_CRS)]),
        (
            {"corners": as_json(BLOCK)[0], "crs": "EPSG:4326"},
            [("crs", CornerProblemCode.UNKNOWN_CRS)],
        ),
        ({"corners": [], "crs": "EPSG:4528"}, [("corners", CornerProblemCode.NOT_A_LIST)]),
        (
            {"corners": "1,2,3", "crs": "EPSG:4326"},
            [("crs", CornerProblemCode.UNKNOWN_CRS), ("corners", CornerProblemCode.NOT_A_LIST)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0][:3], [4540987.43]], "crs": "EPSG:4528"},
            [("corners[3]", CornerProblemCode.WRONG_FIELD_COUNT)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0][:3], ["4540987.43", 40390622.93]], "crs": "EPSG:4528"},
            [("corners[3][0]", CornerProblemCode.X_NOT_A_NUMBER)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0][:3], [4540987.43, None]], "crs": "EPSG:4528"},
            [("corners[3][1]", CornerProblemCode.Y_NOT_A_NUMBER)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0][:3], [4540987.43, True]], "crs": "EPSG:4528"},
            [("corners[3][1]", CornerProblemCode.Y_NOT_A_NUMBER)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0][:3], [4540987.43, 390622.93]], "crs": "EPSG:4528"},
            [("corners[3]", CornerProblemCode.WRONG_CRS)],
        ),
        (
            {"corners": as_json(BLOCK)[0], "crs": "EPSG:4527"},
            [(f"corners[{i}]", CornerProblemCode.WRONG_CRS) for i in range(4)],
        ),
        (
            {"corners": [*as_json(BLOCK)[0], list(BLOCK[1]), list(BLOCK[0])], "crs": "EPSG:4528"},
            [("corners[4]", CornerProblemCode.DUPLICATE_POINT)],
        ),
        (
            {"corners": as_json(BLOCK)[0][:2], "crs": "EPSG:4528"},
            [("corners", CornerProblemCode.TOO_FEW_POINTS)],
        ),
        (
            {"corners": [as_json(BLOCK)[0], as_json(EAST)[0][:2]], "crs": "EPSG:4528"},
            [("corners[1]", CornerProblemCode.TOO_FEW_POINTS)],
        ),
        (
            {
                "corners": [list(BLOCK[0]), list(BLOCK[1]), list(BLOCK[3]), list(BLOCK[2])],
                "crs": "EPSG:4528",
            },
            [("corners[3]", CornerProblemCode.SELF_INTERSECTION)],
        ),
    ],
)
def test_problems_name_the_json_field(
    payload: object, expected: list[tuple[str, CornerProblemCode]]
) -> None:
    assert fields(payload) == expected


def test_a_repeated_ring_is_refused() -> None:
    with pytest.raises(CornerListInvalid) as caught:
        parse_corners_json({"corners": as_json(BLOCK, BLOCK), "crs": "EPSG:4528"})
    (problem,) = caught.value.problems
    assert problem.code is CornerProblemCode.RINGS_OVERLAP
    assert problem.field == "corners[1][0]"
    assert problem.message_en == "ring 2 repeats ring 1"


def test_rings_nested_three_deep() -> None:
    inner = [
        (x - 25 if x > 4541237 else x + 25, y + 25 if y < 40390772 else y - 25) for x, y in HOLE
    ]
    result = parse_corners_json({"corners": as_json(inner, BLOCK, HOLE), "crs": "EPSG:4528"})
    assert result.parcels == (Parcel(0), Parcel(1, (2,)))
    assert result.area_ha == Decimal("15.2500")


def test_field_errors_use_the_json_path() -> None:
    with pytest.raises(CornerListInvalid) as caught:
        parse_corners_json({"corners": [[1, 2, 3]], "crs": "EPSG:4528"})
    assert caught.value.field_errors()[0]["field"] == "corners[0]"


def test_build_corner_list_refuses_nothing() -> None:
    with pytest.raises(CornerListInvalid) as caught:
        build_corner_list([], GK_ZONE_39)
    assert caught.value.problems[0].code is CornerProblemCode.NO_POINTS


def test_build_corner_list_from_points() -> None:
    ring = CornerRing(tuple(CornerPoint(str(i), i, x, y) for i, (x, y) in enumerate(BLOCK, 1)))
    result = build_corner_list([ring], GK_ZONE_40)
    assert result.area_ha == Decimal("16.0000")
    assert result.declared_area_ha is None


@pytest.mark.parametrize("crs", ["EPSG:4490", "CGCS2000"])
def test_corners_in_a_geographic_crs_are_refused_naming_crs(crs: str) -> None:
    assert fields({"corners": as_json(BLOCK), "crs": crs}) == [("crs", CornerProblemCode.WRONG_CRS)]
    with pytest.raises(CornerListInvalid) as caught:
        parse_corner_text("\n".join(corner_lines(BLOCK)), crs)
    [problem] = caught.value.problems
    assert (problem.field, problem.code) == ("crs", CornerProblemCode.WRONG_CRS)
    assert "geometry" in problem.message_en
