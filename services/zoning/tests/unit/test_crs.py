"""CRS parsing, zones, transforms and wrong-CRS detection."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS

from lode_zoning.domain.crs import (
    ACCEPTED_CRS,
    CGCS2000,
    GK_CM_117E,
    GK_CM_120E,
    GK_ZONE_39,
    GK_ZONE_40,
    CoordinateIssueCode,
    SurveyPoint,
    check_lonlat,
    check_survey_point,
    crs_by_epsg,
    gk_crs_for_longitude,
    gk_epsg_for_zone,
    gk_zone_for_longitude,
    lonlat_to_survey,
    parse_crs,
    survey_to_lonlat,
    transformer,
)
from lode_zoning.domain.errors import UnknownCrs, UnsupportedZone


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("EPSG:4528", GK_ZONE_40),
        ("epsg:4527", GK_ZONE_39),
        (" EPSG:4490 ", CGCS2000),
        ("EPSG::4549", GK_CM_120E),
        ("4548", GK_CM_117E),
        (4528, GK_ZONE_40),
        ("urn:ogc:def:crs:EPSG::4490", CGCS2000),
        ("urn:ogc:def:crs:EPSG:9.9.1:4528", GK_ZONE_40),
        ("http://www.opengis.net/def/crs/EPSG/0/4490", CGCS2000),
        ("CGCS2000 / 3-degree Gauss-Kruger zone 40", GK_ZONE_40),
        ("cgcs2000 /  3-degree gauss-kruger zone 39", GK_ZONE_39),
        ("CGCS2000 / 3-degree Gauss-Kruger CM 120E", GK_CM_120E),
        ("CGCS2000", CGCS2000),
        ("2000国家大地坐标系", CGCS2000),
        (CRS.from_epsg(4528).to_wkt(), GK_ZONE_40),
    ],
)
def test_parse_crs_reads_the_forms_clients_write(given: str | int, expected: object) -> None:
    assert parse_crs(given) == expected


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("EPSG:4326", "WGS 84"),
        ("EPSG:4529", "zone 41"),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", "CRS84"),
        ("Beijing 1954", "Beijing 1954"),
        ("", "''"),
        ("EPSG:99999", "EPSG:99999"),
    ],
)
def test_parse_crs_refuses_others_and_lists_the_accepted(given: str, named: str) -> None:
    with pytest.raises(UnknownCrs) as caught:
        parse_crs(given)
    assert named in caught.value.detail
    for crs in ACCEPTED_CRS:
        assert crs.code in caught.value.detail
    assert caught.value.field_errors()[0]["field"] == "crs"


@pytest.mark.parametrize("given", [None, True, 4528.0, ["EPSG:4528"]])
def test_parse_crs_refuses_non_text(given: object) -> None:
    with pytest.raises(UnknownCrs):
        parse_crs(given)  # type: ignore[arg-type]


def test_accepted_crs_agree_with_pyproj() -> None:
    for crs in ACCEPTED_CRS:
        known = CRS.from_epsg(crs.epsg)
        assert known.name == crs.name
        if crs.is_geographic:
            assert known.is_geographic
            continue
        assert known.coordinate_operation is not None
        params = {p.name: float(p.value) for p in known.coordinate_operation.params}
        assert params["Longitude of natural origin"] == crs.central_meridian
        assert params["False easting"] == crs.false_easting


@pytest.mark.parametrize(
    ("lon", "zone"),
    [(118.35, 39), (118.49, 39), (118.5, 40), (118.8, 40), (119.25, 40), (117.0, 39), (121.49, 40)],
)
def test_gk_zone_for_longitude(lon: float, zone: int) -> None:
    assert gk_zone_for_longitude(lon) == zone


@pytest.mark.parametrize("lon", [float("nan"), 181.0, -180.5, float("inf")])
def test_gk_zone_refuses_impossible_longitudes(lon: float) -> None:
    with pytest.raises(ValueError, match="longitude"):
        gk_zone_for_longitude(lon)


def test_gk_crs_for_longitude() -> None:
    assert gk_crs_for_longitude(118.4) == GK_ZONE_39
    assert gk_crs_for_longitude(118.9) == GK_ZONE_40
    assert gk_crs_for_longitude(118.9, zone_prefixed=False) == GK_CM_120E
    with pytest.raises(UnsupportedZone) as caught:
        gk_crs_for_longitude(123.4)
    assert caught.value.zone == 41
    assert "39, 40" in caught.value.detail


def test_gk_epsg_for_zone() -> None:
    assert gk_epsg_for_zone(39) == 4527
    assert gk_epsg_for_zone(40) == 4528
    assert CRS.from_epsg(gk_epsg_for_zone(45)).name.endswith("zone 45")
    with pytest.raises(ValueError, match="outside China"):
        gk_epsg_for_zone(46)


def test_crs_by_epsg() -> None:
    assert crs_by_epsg(4549) is GK_CM_120E
    with pytest.raises(UnknownCrs):
        crs_by_epsg(3857)


def test_transformers_are_cached_and_in_gis_order() -> None:
    assert transformer(CGCS2000, GK_ZONE_40) is transformer(CGCS2000, GK_ZONE_40)
    easting, northing = transformer(CGCS2000, GK_ZONE_40).transform(120.0, 41.0)
    assert easting == pytest.approx(40_500_000.0, abs=0.001)  # on the central meridian
    assert 4_500_000 < northing < 4_600_000


def test_the_api_example_corner_is_in_pingquan() -> None:
    lon, lat = survey_to_lonlat(SurveyPoint(x=4541387.43, y=40390622.93), GK_ZONE_40)
    assert lon == pytest.approx(118.7, abs=1e-6)
    assert lat == pytest.approx(41.0, abs=1e-6)


def test_surveying_order_is_x_northing_y_easting() -> None:
    point = lonlat_to_survey(118.7, 41.0, GK_ZONE_40)
    assert point.x == pytest.approx(4541387.43, abs=0.01)  # northing
    assert point.y == pytest.approx(40390622.93, abs=0.01)  # easting with prefix 40
    assert point.gis_xy == (point.y, point.x)
    assert SurveyPoint.from_gis_xy(point.y, point.x) == point
    unprefixed = lonlat_to_survey(118.7, 41.0, GK_CM_120E)
    assert unprefixed.y == pytest.approx(point.y - 40_000_000, abs=0.001)


@settings(max_examples=50, deadline=None)
@given(lon=st.floats(118.35, 119.25), lat=st.floats(40.7, 41.4))
def test_lonlat_survey_round_trip(lon: float, lat: float) -> None:
    crs = gk_crs_for_longitude(lon)
    back = survey_to_lonlat(lonlat_to_survey(lon, lat, crs), crs)
    assert back == pytest.approx((lon, lat), abs=1e-9)
    assert check_survey_point(*_xy(lonlat_to_survey(lon, lat, crs)), crs) is None
    assert check_lonlat(lon, lat) is None


def _xy(point: SurveyPoint) -> tuple[float, float]:
    return (point.x, point.y)


@pytest.mark.parametrize(
    ("x", "y", "crs", "code", "suggested"),
    [
        (4541387.43, 39390622.93, GK_ZONE_40, CoordinateIssueCode.ZONE_PREFIX_MISMATCH, GK_ZONE_39),
        (4541387.43, 41390622.93, GK_ZONE_40, CoordinateIssueCode.ZONE_PREFIX_MISMATCH, None),
        (4541387.43, 390622.93, GK_ZONE_40, CoordinateIssueCode.MISSING_ZONE_PREFIX, GK_CM_120E),
        (4541387.43, 613583.98, GK_ZONE_39, CoordinateIssueCode.MISSING_ZONE_PREFIX, GK_CM_117E),
        (
            4541387.43,
            40390622.93,
            GK_CM_120E,
            CoordinateIssueCode.UNEXPECTED_ZONE_PREFIX,
            GK_ZONE_40,
        ),
        (40390622.93, 4541387.43, GK_ZONE_40, CoordinateIssueCode.AXES_SWAPPED, None),
        (390622.93, 4541387.43, GK_CM_120E, CoordinateIssueCode.AXES_SWAPPED, None),
        (41.0, 118.7, GK_ZONE_40, CoordinateIssueCode.LOOKS_LIKE_LONLAT, CGCS2000),
        (118.7, 41.0, GK_ZONE_40, CoordinateIssueCode.LOOKS_LIKE_LONLAT, CGCS2000),
        (4541387.43, 40990622.93, GK_ZONE_40, CoordinateIssueCode.EASTING_OUT_OF_ZONE, None),
        (4541387.43, 4039062.29, GK_ZONE_40, CoordinateIssueCode.EASTING_OUT_OF_ZONE, None),
        (-4541387.43, 40390622.93, GK_ZONE_40, CoordinateIssueCode.NORTHING_OUT_OF_RANGE, None),
        (9541387.43, 40390622.93, GK_ZONE_40, CoordinateIssueCode.NORTHING_OUT_OF_RANGE, None),
    ],
)
def test_check_survey_point_detects_a_wrong_crs(
    x: float, y: float, crs: object, code: CoordinateIssueCode, suggested: object
) -> None:
    issue = check_survey_point(x, y, crs)  # type: ignore[arg-type]
    assert issue is not None
    assert issue.code == code
    assert issue.suggestion == suggested
    assert issue.message_en
    assert issue.message_zh


def test_check_survey_point_needs_a_projected_crs() -> None:
    with pytest.raises(ValueError, match="not a projected"):
        check_survey_point(4541387.43, 40390622.93, CGCS2000)


@pytest.mark.parametrize(
    ("lon", "lat", "code"),
    [
        (4541387.43, 40390622.93, CoordinateIssueCode.LOOKS_PROJECTED),
        (40390622.93, 4541387.43, CoordinateIssueCode.LOOKS_PROJECTED),
        (41.0, 118.7, CoordinateIssueCode.LONLAT_SWAPPED),
        (2.35, 48.85, CoordinateIssueCode.OUTSIDE_CHINA),
        (-74.0, 40.7, CoordinateIssueCode.OUTSIDE_CHINA),
        (118.7, -41.0, CoordinateIssueCode.OUTSIDE_CHINA),
    ],
)
def test_check_lonlat_detects_a_wrong_crs(
    lon: float, lat: float, code: CoordinateIssueCode
) -> None:
    issue = check_lonlat(lon, lat)
    assert issue is not None
    assert issue.code == code


def test_projected_metres_given_as_lonlat_suggest_their_zone() -> None:
    issue = check_lonlat(40390622.93, 4541387.43)
    assert issue is not None
    assert issue.suggestion == GK_ZONE_40
