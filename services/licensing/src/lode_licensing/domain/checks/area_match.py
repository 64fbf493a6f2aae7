"""Whether two areas are "the same", or one lies within another, as shares of an area.

Both areas are GeoJSON in CRS84 (lon/lat) as zoning's analysis returns them. The shares
are measured on the lon/lat plane: a share is a ratio of two areas, and over the few
kilometres of a mining or exploration area the east-west scale of a degree (cos latitude)
is the same for both to far better than the tolerance, so the ratio is the one projected
areas would give.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from shapely import make_valid
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

PLACES: Final = Decimal("0.01")
"""Shares are given in percent to two places."""


def _polygonal(geometry: Mapping[str, Any] | None) -> BaseGeometry | None:
    """The geometry as shapely reads it (made valid), or None when it is not a non-empty
    polygonal area."""
    if not isinstance(geometry, Mapping):
        return None
    try:
        read = shape(geometry)
        if not read.is_valid:
            read = make_valid(read)
    except (GEOSException, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    if read.is_empty or read.area <= 0:
        return None
    return read


def _percent(part: float, whole: float) -> Decimal:
    return (Decimal(repr(part)) / Decimal(repr(whole)) * 100).quantize(PLACES)


def difference_pct(
    area: Mapping[str, Any] | None, reference: Mapping[str, Any] | None
) -> Decimal | None:
    """How much ``area`` and ``reference`` differ: the area of their symmetric difference as
    a percentage of ``reference``; None when either is not a readable area."""
    a, ref = _polygonal(area), _polygonal(reference)
    if a is None or ref is None:
        return None
    try:
        return _percent(a.symmetric_difference(ref).area, ref.area)
    except GEOSException:
        return None


def outside_pct(
    area: Mapping[str, Any] | None, container: Mapping[str, Any] | None
) -> Decimal | None:
    """How much of ``area`` lies outside ``container``, as a percentage of ``area``; None
    when either is not a readable area."""
    a, outer = _polygonal(area), _polygonal(container)
    if a is None or outer is None:
        return None
    try:
        return _percent(a.difference(outer).area, a.area)
    except GEOSException:
        return None
