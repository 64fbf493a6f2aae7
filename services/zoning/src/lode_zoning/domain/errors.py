"""Exceptions of the zoning domain; the service maps every one of them to HTTP 422.

Exception tree::

    ZoningDomainError            base: ``detail`` (one sentence) and ``field_errors()``
    ├── UnknownCrs               a CRS name or code that is not accepted (says which are)
    ├── UnsupportedZone          a longitude outside the Gauss-Kruger zones handled (39, 40)
    ├── GeometryInvalid          a GeoJSON geometry with problems (``problems``:
    │                            ``geometry.GeometryProblem``: code, English and Chinese
    │                            message, ring, point, coordinates)
    └── CornerListInvalid        a corner list (拐点坐标) with problems (``problems``:
                                 ``corners.CornerProblem``: code, messages, line number
                                 and text, or the JSON field)

A plan document that does not validate is ``lode_common.plan.PlanDocumentInvalid`` (every
service reads plan documents with the same model); the API answers it the same way.

``field_errors()`` gives the ``[{field, message}]`` list of an RFC 9457 problem body, so
the API needs one handler for the whole tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lode_zoning.domain.corners import CornerProblem
    from lode_zoning.domain.geometry_problem import GeometryProblem


class ZoningDomainError(Exception):
    """Base of every zoning domain error; ``detail`` says what to do next."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def field_errors(self) -> list[dict[str, str]]:
        """The offending fields as ``{field, message}`` pairs (empty when there is none)."""
        return []


class UnknownCrs(ZoningDomainError):
    """A coordinate reference system (坐标系) that the system does not accept."""

    def __init__(self, given: object, accepted: Sequence[str]) -> None:
        self.given = given
        self.accepted = tuple(accepted)
        shown = repr(given)
        shown = shown if len(shown) <= 80 else shown[:80] + "…"  # never echo a long input
        super().__init__(
            f"coordinate reference system {shown} is not accepted; use one of: "
            + "; ".join(self.accepted)
        )

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": "crs", "message": self.detail}]


class UnsupportedZone(ZoningDomainError):
    """A longitude whose 3-degree Gauss-Kruger zone (3度带) has no accepted CRS."""

    def __init__(self, longitude: float, zone: int, supported: Sequence[int]) -> None:
        self.longitude = longitude
        self.zone = zone
        self.supported = tuple(supported)
        super().__init__(
            f"longitude {longitude} lies in 3-degree Gauss-Kruger zone {zone}; "
            f"only zones {', '.join(map(str, self.supported))} are handled"
        )


class GeometryInvalid(ZoningDomainError):
    """A geometry with one or more problems, each saying where."""

    def __init__(self, problems: Sequence[GeometryProblem]) -> None:
        self.problems = tuple(problems)
        codes = ", ".join(dict.fromkeys(p.code.value for p in self.problems))
        super().__init__(f"invalid geometry ({codes}): {self.problems[0].message_en}")

    def field_errors(self) -> list[dict[str, str]]:
        return [p.as_field_error() for p in self.problems]


class CornerListInvalid(ZoningDomainError):
    """A corner list (拐点坐标) with one or more problems, each naming its line or field."""

    def __init__(self, problems: Sequence[CornerProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        where = f"line {first.line}: " if first.line is not None else ""
        super().__init__(
            f"corner list has {len(self.problems)} problem(s); {where}{first.message_en}"
        )

    def field_errors(self) -> list[dict[str, str]]:
        return [p.as_field_error() for p in self.problems]
