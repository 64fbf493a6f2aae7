"""Errors the monitoring domain raises on purpose.

Exception tree (with the HTTP status the API layer is expected to map each to)::

    MonitoringError                   base of every deliberate monitoring domain error
    ├── InvalidInput             422  ``errors``: every offending field at once, as
    │   │                             ``FieldError(field, message)``; ``as_dicts()`` gives
    │   │                             ``[{"field", "message"}]`` for problem details
    │   ├── InvalidReport             an output report (开发利用年报/季报) that fails validation
    │   ├── InvalidExplorationResult  an exploration result (新增资源量) that fails validation
    │   ├── InvalidProjectProgress    progress of a plan project (规划项目进展) that fails
    │   │                             validation (``project_id`` unknown included)
    │   └── InvalidReservesReport     a reserves report (储量年报) that fails validation
    │       └── UnbalancedReserves    …whose figures do not balance: ``computed`` (opening −
    │                                 extracted − lost + new_proven + recalculated),
    │                                 ``closing`` as given, ``difference`` (closing − computed)
    ├── StandardsDocumentInvalid 500  a plan version (validated by lode_common.plan) lacks
    │                                 an optional part monitoring cannot do without (the
    │                                 published plan's fault, not the caller's); ``path``
    │                                 says where
    │                                 (``standards.scale_classes.working_days_per_year``),
    │                                 ``problem`` what
    └── LicenceDataInvalid       500  the licence view handed to the domain is inconsistent
                                      (validity ending before it starts, a status no
                                      licence has); a fault in the read model, not the caller

Every message says what was wrong in words the caller can act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FieldError:
    """One invalid field: ``field`` is a dotted path (``products[0].grade_pct``)."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class MonitoringError(Exception):
    """Base of every deliberate monitoring domain error."""


class InvalidInput(MonitoringError):
    """Input with one or more invalid fields; ``errors`` lists all of them."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors: tuple[FieldError, ...] = tuple(errors)
        summary = "; ".join(f"{e.field}: {e.message}" for e in self.errors)
        super().__init__(summary or "invalid input")

    def as_dicts(self) -> list[dict[str, str]]:
        return [error.as_dict() for error in self.errors]


class InvalidReport(InvalidInput):
    """An output report (产量/三率 年报或季报) with invalid fields."""


class InvalidExplorationResult(InvalidInput):
    """An exploration result (勘查成果, 新增资源量) with invalid fields."""


class InvalidProjectProgress(InvalidInput):
    """Progress of a plan project (专栏5/专栏6 项目进展) with invalid fields."""


class InvalidReservesReport(InvalidInput):
    """A reserves report (储量年报) with invalid fields."""


class UnbalancedReserves(InvalidReservesReport):
    """A reserves report whose closing reserves (期末保有) are not what its other figures
    give: ``computed`` = opening − extracted − lost + new_proven + recalculated, ``closing``
    as given, ``difference`` = closing − computed (all exact, 万吨)."""

    def __init__(
        self, error: FieldError, *, computed: Decimal, closing: Decimal, difference: Decimal
    ) -> None:
        super().__init__([error])
        self.computed = computed
        self.closing = closing
        self.difference = difference


class StandardsDocumentInvalid(MonitoringError):
    """The plan document cannot be read: ``path`` says where, ``problem`` what."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path or "(document)"
        self.problem = problem
        super().__init__(f"plan document, {self.path}: {problem}")


class LicenceDataInvalid(MonitoringError):
    """The monitoring view of a licence (许可证) is inconsistent; ``licence_no`` says which."""

    def __init__(self, licence_no: str, problem: str) -> None:
        self.licence_no = licence_no
        self.problem = problem
        super().__init__(f"licence {licence_no}: {problem}")
