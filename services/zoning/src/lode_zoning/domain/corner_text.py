"""The bureau's text layout of corner lists (拐点坐标表): reading it and writing it back.

One corner per line: point number, X (northing, 纵坐标), Y (easting with the zone prefix,
横坐标)::

    拐点编号,X,Y
    1，4541387.43，40390622.93
    J2  4541387.43  40391022.93
    ...
    面积：12.34公顷
    开采深度：由650米至420米标高
    *
    1,4541187.43,40390722.93        <- a second ring: another parcel, or a hole

Reading rules (`parse_corner_text`); every problem names its 1-based line and its text:

- Text is NFKC-normalised first: full-width digits, commas (，), colons and spaces become
  ASCII; fields are separated by commas, semicolons, 、, spaces or tabs.
- A point line has exactly three fields: a point number (``1``, ``J1``, ``拐点1``), X, Y.
- Header lines (``点号 X坐标 Y坐标``) and other text without a point (titles) are skipped
  and listed in ``skipped_lines``; a header or a separator line (``*``, ``-``, ``第2块``)
  between points ends the ring.
- A ring also ends when the numbering restarts at 1 with other coordinates, or with a
  closing point (the first point repeated, under any number); within a ring the numbers
  go up by one.
- ``面积`` lines (公顷/ha/hm², 平方公里/km², 平方米/m²) and ``开采深度``/``开采标高`` lines are
  metadata: they belong to the ring being read, or the one just ended, or (before any
  point) the first ring.
- Rings are sorted into parcels and holes by containment (see `corners`).

Writing (`format_corner_list`, `format_rings`) produces the layout the reader reads: a
header line ``点号,X坐标,Y坐标``, one ``number,X,Y`` line per corner, ``面积：…公顷`` after
the last ring of each parcel, and a ``*`` line between rings.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from shapely.geometry import MultiPolygon, Polygon

from lode_zoning.domain.area import area_ha
from lode_zoning.domain.corners import (
    CornerList,
    CornerPoint,
    CornerProblem,
    CornerProblemCode,
    CornerRing,
    DepthRange,
    build_corner_list,
    check_point_crs,
    check_ring,
    geographic_crs_problem,
    too_many_corners,
)
from lode_zoning.domain.crs import KnownCrs, parse_crs, reproject
from lode_zoning.domain.errors import CornerListInvalid

HEADER = "点号,X坐标,Y坐标"
_FIELD_SEPARATORS = re.compile(r"[,;、\s]+")
_LABEL = re.compile(r"^(?:[A-Za-z]{0,3}|拐点|界址点|点)(?P<number>\d{1,6})\.?$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_SEPARATOR_LINE = re.compile(
    r"^(?:[*\-—=#_~]+|第\S{1,4}[块区段]\S*|(?:地块|块段|区块|采区|矿段)\S{0,4})$"
)
_HEADER_WORDS = re.compile(r"点号|点名|编号|序号|坐标|拐点|\b[XY]\b", re.IGNORECASE)
_AREA_WORD = "面积"
_DEPTH_WORDS = re.compile(r"开采深度|开采标高|标高")
# a statement, not a title: the keyword followed by a colon or a number
_AREA_STATEMENT = re.compile(r"面积[^:\d]{0,10}[:\d]")
_DEPTH_STATEMENT = re.compile(r"(?:开采深度|开采标高|标高)[^:\d]{0,10}[:\d]")
_HA, _KM2, _M2 = Decimal(1), Decimal(100), Decimal("0.0001")  # hectares per unit
_AREA_UNITS = {"公顷": _HA, "hm2": _HA, "ha": _HA, "平方公里": _KM2, "平方千米": _KM2}
_AREA_UNITS |= {"km2": _KM2, "平方米": _M2, "m2": _M2}
_AREA_UNIT = re.compile(
    r"公顷|平方公里|平方千米|平方米|(?<![a-z])(?:hm2|ha|km2|m2)(?![a-z0-9])", re.IGNORECASE
)
# a sign only where no digit precedes it: "650-420" is a range, "至-50" a negative number
_SIGNED = re.compile(r"(?<![\d.])[+-]?\d+(?:\.\d+)?")


def _area_ha(line: str) -> Decimal | None:
    unit = _AREA_UNIT.search(line)
    if unit is None:
        return None
    rest = _AREA_UNIT.sub(" ", line[line.index(_AREA_WORD) :])
    number = re.search(r"\d+(?:\.\d+)?", rest)
    if number is None:
        return None
    return Decimal(number.group()) * _AREA_UNITS[unit.group().lower()]


def _depth(line: str) -> DepthRange | None:
    keyword = _DEPTH_WORDS.search(line)
    assert keyword is not None
    numbers = _SIGNED.findall(line[keyword.end() :])
    if len(numbers) < 2:
        return None
    return DepthRange(Decimal(numbers[0]), Decimal(numbers[1]))


class _Reader:
    """The line-by-line state of `parse_corner_text`."""

    def __init__(self, crs: KnownCrs) -> None:
        self.crs = crs
        # finished rings: points, metadata, whether a line of the ring had a problem
        self.finished: list[tuple[list[CornerPoint], dict[str, Any], bool]] = []
        self.points: list[CornerPoint] = []
        self._by_number: dict[int, CornerPoint] = {}
        self._by_xy: dict[tuple[float, float], CornerPoint] = {}
        self.meta: dict[str, Any] = {}
        self.closed = False
        self.problems: list[CornerProblem] = []
        self.skipped: list[tuple[int, str]] = []
        self.texts: dict[int, str] = {}
        self.unreadable_point = False  # a point line failed since the last point read
        self.ring_has_problem = False  # a line of the current ring had a problem

    def problem(self, code: CornerProblemCode, en: str, zh: str, line: int) -> None:
        self.unreadable_point = True
        self.ring_has_problem = True
        self.problems.append(CornerProblem(code, en, zh, line=line, text=self.texts[line]))

    def feed(self, number: int, raw: str) -> None:
        line = unicodedata.normalize("NFKC", raw).strip().lstrip("\ufeff")
        if not line:
            return
        self.texts[number] = raw.strip()
        if _SEPARATOR_LINE.match(line):
            self.end_ring()
        elif _AREA_STATEMENT.search(line):
            self.metadata(number, "area", _area_ha(line), ("area (面积)", "面积"))
        elif _DEPTH_STATEMENT.search(line):
            self.metadata(number, "depth", _depth(line), ("depth (开采深度)", "开采深度"))
        elif self.is_point(tokens := [t for t in _FIELD_SEPARATORS.split(line) if t]):
            self.point(number, tokens)
        else:
            if _HEADER_WORDS.search(line):
                self.end_ring()
            self.skipped.append((number, raw.strip()))

    @staticmethod
    def is_point(tokens: list[str]) -> bool:
        """A point, or an attempt at one: a point number first, or two numbers."""
        if not tokens:
            return False
        return bool(_LABEL.match(tokens[0])) or sum(bool(_NUMBER.match(t)) for t in tokens) >= 2

    def metadata(self, line: int, kind: str, value: object, names: tuple[str, str]) -> None:
        name, name_zh = names
        if value is None:
            self.problem(
                CornerProblemCode.BAD_METADATA,
                f"{name} line not understood: expected a number and a unit "
                "(e.g. 面积：12.34公顷, 开采深度：由650米至420米标高)",
                f"无法识别{name_zh}：应为数值和单位"
                "（如 面积：12.34公顷，开采深度：由650米至420米标高）",
                line,
            )
            return
        target = self.meta if self.points or not self.finished else self.finished[-1][1]
        if kind in target:
            self.problem(
                CornerProblemCode.DUPLICATE_METADATA,
                f"a second {name} for the same ring (first on line {target[kind][1]})",
                f"同一范围的{name_zh}重复（首次在第{target[kind][1]}行）",
                line,
            )
            return
        target[kind] = (value, line)

    def point(self, line: int, tokens: list[str]) -> None:
        if len(tokens) != 3:
            self.problem(
                CornerProblemCode.WRONG_FIELD_COUNT,
                f"expected 3 fields (point number, X, Y), found {len(tokens)}",
                f"应为 3 项（点号、X、Y），实际为 {len(tokens)} 项",
                line,
            )
            return
        label, xs, ys = tokens
        found = _LABEL.match(label)
        if found is None:
            self.problem(
                CornerProblemCode.BAD_POINT_NUMBER,
                f"{label!r} is not a point number (like 1, J1 or 拐点1)",
                f"{label!r} 不是点号（如 1、J1、拐点1）",
                line,
            )
        for axis, value, code in (
            ("X", xs, CornerProblemCode.X_NOT_A_NUMBER),
            ("Y", ys, CornerProblemCode.Y_NOT_A_NUMBER),
        ):
            if not _NUMBER.match(value):
                self.problem(
                    code, f"{axis} {value!r} is not a number", f"{axis} 值 {value!r} 不是数字", line
                )
        if found is None or not (_NUMBER.match(xs) and _NUMBER.match(ys)):
            return
        point = CornerPoint(label, int(found["number"]), float(xs), float(ys), line=line)
        self.add(point)
        if wrong_crs := check_point_crs(point, self.crs, self.texts[line]):
            self.problems += wrong_crs
            self.ring_has_problem = True

    def add(self, point: CornerPoint) -> None:
        if self.closed:
            self.end_ring()
        if not self.points:
            self._restart(point)
            return
        first, last = self.points[0], self.points[-1]
        same_as_first = (point.x, point.y) == (first.x, first.y)
        if same_as_first and len(self.points) >= 3:
            self.closed = True  # the closing point, under any number
            return
        if point.number == 1 and not same_as_first:
            self.end_ring()  # numbering restarts: a new ring
            self._restart(point)
            return
        assert point.line is not None
        reused = self._by_number.get(point.number)
        if reused is not None:
            self.problem(
                CornerProblemCode.DUPLICATE_NUMBER,
                f"point number {point.label} is already used on line {reused.line}",
                f"点号 {point.label} 与第{reused.line}行重复",
                point.line,
            )
        elif point.number != last.number + 1 and not self.unreadable_point:
            self.problem(
                CornerProblemCode.NOT_CONSECUTIVE,
                f"point {point.label} follows point {last.label}: "
                f"expected number {last.number + 1}",
                f"点号不连续：{last.label} 之后应为 {last.number + 1}，实际为 {point.label}",
                point.line,
            )
        twin = self._by_xy.get((point.x, point.y))
        if twin is not None:
            self.problem(
                CornerProblemCode.DUPLICATE_POINT,
                f"point {point.label} has the same coordinates as point {twin.label} "
                f"(line {twin.line})",
                f"拐点 {point.label} 与第{twin.line}行的拐点 {twin.label} 坐标相同",
                point.line,
            )
            return
        self._append(point)
        self.unreadable_point = False

    def _restart(self, point: CornerPoint) -> None:
        self.points = []
        self._by_number.clear()
        self._by_xy.clear()
        self._append(point)

    def _append(self, point: CornerPoint) -> None:
        # indexed, so a long list is read in linear time (a scan per point was quadratic)
        self.points.append(point)
        self._by_number.setdefault(point.number, point)
        self._by_xy.setdefault((point.x, point.y), point)

    def end_ring(self) -> None:
        if self.points:
            self.finished.append((self.points, self.meta, self.ring_has_problem))
        elif self.meta and not self.finished:
            return  # metadata before the first point waits for it
        self.points, self.meta, self.closed = [], {}, False
        self._by_number.clear()
        self._by_xy.clear()
        self.ring_has_problem = self.unreadable_point = False

    def rings(self) -> list[CornerRing]:
        self.end_ring()
        rings = []
        for points, meta, had_problem in self.finished:
            ring = CornerRing(
                tuple(points),
                declared_area_ha=meta["area"][0] if "area" in meta else None,
                depth=meta["depth"][0] if "depth" in meta else None,
            )
            if not had_problem:  # a ring short of a bad line: that line says why
                self.problems += [self.with_text(p) for p in check_ring(ring)]
            rings.append(ring)
        return rings

    def with_text(self, problem: CornerProblem) -> CornerProblem:
        if problem.line is None or problem.text is not None:
            return problem
        return dataclasses.replace(problem, text=self.texts.get(problem.line))


def parse_corner_text(text: str, crs: KnownCrs | str) -> CornerList:
    """Read a corner list in the bureau's text layout, its coordinates in ``crs``.

    Raises `CornerListInvalid` with every problem found, each naming its line.
    """
    known = crs if isinstance(crs, KnownCrs) else parse_crs(crs)
    if geographic := geographic_crs_problem(known):
        raise CornerListInvalid([geographic])
    lines = text.splitlines()
    if oversized := too_many_corners(len(lines), unit=("lines", "行")):
        raise CornerListInvalid([oversized])
    reader = _Reader(known)
    for number, raw in enumerate(lines, start=1):
        reader.feed(number, raw)
    rings = reader.rings()
    problems = sorted(reader.problems, key=lambda p: p.line or 0)
    try:
        return build_corner_list(rings, known, problems, reader.skipped)
    except CornerListInvalid as error:
        raise CornerListInvalid([reader.with_text(p) for p in error.problems]) from None


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def format_rings(
    rings: Sequence[CornerRing],
    *,
    decimals: int = 2,
    header: str | None = HEADER,
    close_rings: bool = False,
) -> str:
    """Rings as corner-list text, each corner under its own label, metadata after its ring."""
    lines = [header] if header else []
    for k, ring in enumerate(rings):
        if k:
            lines.append("*")
        points = list(ring.points) + ([ring.points[0]] if close_rings else [])
        lines += [f"{p.label},{p.x:.{decimals}f},{p.y:.{decimals}f}" for p in points]
        if ring.declared_area_ha is not None:
            lines.append(f"面积：{_number(ring.declared_area_ha)}公顷")
        if ring.depth is not None:
            start, end = _number(ring.depth.start_m), _number(ring.depth.end_m)
            lines.append(f"开采深度：由{start}米至{end}米标高")
    return "\n".join(lines) + "\n"


def format_corner_list(
    geometry: Polygon | MultiPolygon,
    crs: KnownCrs,
    *,
    source_crs: KnownCrs | None = None,
    decimals: int = 2,
    label_prefix: str = "",
    include_area: bool = True,
    close_rings: bool = False,
) -> str:
    """A polygon as the bureau's corner-list text in the projected ``crs``.

    ``geometry`` is in ``crs`` (GIS order), or in ``source_crs`` when given (e.g. EPSG:4490).
    Corners are numbered from 1 in every ring, exterior first, then its holes; with
    ``include_area`` each parcel's plane area follows its last ring.
    """
    if crs.is_geographic:
        raise ValueError(f"corner lists are written in a projected CRS, not {crs.code}")
    if source_crs is not None:
        geometry = reproject(geometry, source_crs, crs)
    polygons = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    rings = []
    for polygon in polygons:
        coords = [polygon.exterior.coords, *(hole.coords for hole in polygon.interiors)]
        for k, ring in enumerate(coords):
            points = tuple(
                CornerPoint(f"{label_prefix}{i}", i, float(y), float(x))
                for i, (x, y, *_) in enumerate(ring[:-1], start=1)
            )
            last = include_area and k == len(coords) - 1
            rings.append(CornerRing(points, area_ha(polygon, crs) if last else None))
    return format_rings(rings, decimals=decimals, close_rings=close_rings)
