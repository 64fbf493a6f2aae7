"""What `geometry.validate_geojson_geometry` reports: a code, two messages and where.

A module of its own so that `topology` (which finds the crossings) and `geometry` (which
runs the stages) share it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ProblemCode(StrEnum):
    """What is wrong with a geometry, as a machine-readable code."""

    NOT_AN_OBJECT = "not_an_object"
    NOT_POLYGONAL = "not_polygonal"
    MALFORMED = "malformed"
    EMPTY = "empty"
    TOO_MANY_VERTICES = "too_many_vertices"
    NOT_A_NUMBER = "not_a_number"
    NOT_FINITE = "not_finite"
    TOO_FEW_DIMENSIONS = "too_few_dimensions"
    TOO_MANY_DIMENSIONS = "too_many_dimensions"
    TOO_FEW_POSITIONS = "too_few_positions"
    UNCLOSED_RING = "unclosed_ring"
    DEGENERATE_RING = "degenerate_ring"
    WRONG_CRS = "wrong_crs"
    SELF_INTERSECTION = "self_intersection"
    RINGS_CROSS = "rings_cross"
    HOLE_OUTSIDE_SHELL = "hole_outside_shell"
    HOLES_OVERLAP = "holes_overlap"
    PARTS_OVERLAP = "parts_overlap"
    INVALID = "invalid"
    OUTSIDE_REGION = "outside_region"
    PARTLY_OUTSIDE_REGION = "partly_outside_region"


@dataclass(frozen=True)
class GeometryProblem:
    """One problem of a geometry and where it is.

    ``polygon`` is the part of a MultiPolygon (None for a Polygon), ``ring`` 0 the exterior
    and 1.. the holes, ``point`` the position in the ring; ``coordinates`` are lon/lat.
    """

    code: ProblemCode
    message_en: str
    message_zh: str
    polygon: int | None = None
    ring: int | None = None
    point: int | None = None
    coordinates: tuple[float, ...] | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def field(self) -> str:
        """JSON path inside the geometry object, e.g. ``coordinates[0][3]``."""
        indices = [i for i in (self.polygon, self.ring, self.point) if i is not None]
        return "coordinates" + "".join(f"[{i}]" for i in indices) if indices else ""

    def as_field_error(self, prefix: str = "geometry") -> dict[str, str]:
        """``{field, message}`` for a problem-details body; the message in both languages."""
        name = ".".join(p for p in (prefix, self.field) if p)
        return {"field": name, "message": f"{self.message_en} ({self.message_zh})"}


def make_problem(code: ProblemCode, en: str, zh: str, **where: Any) -> GeometryProblem:
    """A problem with its English and Chinese message; ``where`` names the location."""
    return GeometryProblem(code, en, zh, **where)
