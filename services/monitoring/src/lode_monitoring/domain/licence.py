"""Monitoring's view of a licence (许可证): validity, status history, capacity, restoration plan.

The licensing service owns licences; monitoring keeps this read model from its events.
The status history is a list of (status, from date) changes: a status holds from its
date until the next change. Before the first recorded change a licence is ``active``
(licences are issued active). After ``valid_to`` a licence whose last status is
``active`` or ``suspended`` counts as ``expired`` even before the licensing service's
daily job records it (到期失效). Before ``valid_from`` it has no status (not yet issued).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal, get_args

from .capacity import Capacity
from .errors import LicenceDataInvalid
from .vocabulary import Scale

LicenceStatus = Literal["active", "suspended", "expired", "revoked", "cancelled"]
"""有效 / 暂扣(停产整顿) / 到期 / 吊销 / 注销."""

LICENCE_STATUSES: Final[tuple[LicenceStatus, ...]] = get_args(LicenceStatus)
LICENCE_STATUS_ZH: Final[dict[LicenceStatus, str]] = {
    "active": "有效",
    "suspended": "暂扣",
    "expired": "到期",
    "revoked": "吊销",
    "cancelled": "注销",
}

_ONE_DAY: Final = timedelta(days=1)

RightType = Literal["exploration", "mining"]
"""探矿权 or 采矿权."""


@dataclass(frozen=True)
class StatusChange:
    """The licence took ``status`` from ``from_date`` (inclusive, CST) on."""

    status: LicenceStatus
    from_date: date


@dataclass(frozen=True)
class RestorationMilestone:
    """What the mine's restoration plan (矿山地质环境保护与土地复垦方案) expects by 31 December
    of ``year``: cumulative hectares restored, and/or restored as a percentage of the
    cumulative disturbed area (复垦率). At least one is given."""

    year: int
    restored_ha: Decimal | None = None
    restored_pct: Decimal | None = None


@dataclass(frozen=True)
class RestorationPlan:
    """A licence's restoration milestones; between milestones the latest one past applies."""

    milestones: tuple[RestorationMilestone, ...]

    def expected_by(self, year: int) -> RestorationMilestone | None:
        """The milestone in force at the end of ``year`` (None before the first one)."""
        past = [m for m in self.milestones if m.year <= year]
        return max(past, key=lambda m: m.year) if past else None


@dataclass(frozen=True)
class LicenceView:
    """A licence as monitoring needs it.

    ``mineral`` is as licensing gives it (Chinese name, alias or catalogue code).
    ``ore_type`` (矿石类型, e.g. ``magnetite``) comes from the development plan when known.
    ``status_history`` may be given in any order; it is kept sorted by date, and of two
    changes on one day the one given last holds (suspended and resumed the same day).
    """

    licence_no: str
    right_type: RightType
    mineral: str
    valid_from: date
    valid_to: date
    status_history: tuple[StatusChange, ...] = ()
    mining_method: str | None = None
    capacity: Capacity | None = None
    scale: Scale | None = None
    ore_type: str | None = None
    restoration_plan: RestorationPlan | None = None

    def __post_init__(self) -> None:
        if self.valid_to < self.valid_from:
            raise LicenceDataInvalid(
                self.licence_no,
                f"validity ends ({self.valid_to}) before it starts ({self.valid_from})",
            )
        unknown = {c.status for c in self.status_history} - set(LICENCE_STATUSES)
        if unknown:
            raise LicenceDataInvalid(self.licence_no, f"unknown status {sorted(unknown)}")
        # A stable sort keeps the given order within a day; the day's last change holds.
        by_day = {c.from_date: c for c in sorted(self.status_history, key=lambda c: c.from_date)}
        object.__setattr__(self, "status_history", tuple(by_day.values()))

    def status_on(self, day: date) -> LicenceStatus | None:
        """The licence's status on a day (CST); None before it was issued."""
        if day < self.valid_from:
            return None
        at = bisect_right([c.from_date for c in self.status_history], day)
        status: LicenceStatus = self.status_history[at - 1].status if at else "active"
        if day > self.valid_to and status in ("active", "suspended"):
            return "expired"
        return status

    def active_on(self, day: date) -> bool:
        return self.status_on(day) == "active"

    def touches(self, first: date, last: date) -> bool:
        """Whether the validity (有效期) overlaps the days ``first``..``last``."""
        return first <= self.valid_to and last >= self.valid_from

    def _spans(self, first: date, last: date) -> Iterator[tuple[LicenceStatus, int]]:
        """The days ``first``..``last`` from issue on, as runs of one status: (status, days).

        The status changes only on a recorded change's day and on the day after
        ``valid_to`` (expiry), so each run is counted whole, not day by day."""
        start = max(first, self.valid_from)
        if last < start:
            return
        cuts = sorted(
            {c.from_date for c in self.status_history if start < c.from_date <= last}
            | ({self.valid_to + _ONE_DAY} if start < self.valid_to + _ONE_DAY <= last else set())
        )
        for run_start, run_end in zip([start, *cuts], [*cuts, last + _ONE_DAY], strict=True):
            status = self.status_on(run_start)
            if status is not None:
                yield status, (run_end - run_start).days

    def inactive_days(self, first: date, last: date) -> tuple[int, Counter[LicenceStatus]]:
        """Licensed days in ``first``..``last`` (from issue on) and the inactive ones by status."""
        licensed = 0
        inactive: Counter[LicenceStatus] = Counter()
        for status, days in self._spans(first, last):
            licensed += days
            if status != "active":
                inactive[status] += days
        return licensed, inactive

    def active_in(self, first: date, last: date) -> bool:
        """Whether the licence was active on at least one day of ``first``..``last``."""
        return any(status == "active" for status, _ in self._spans(first, last))
