"""Rectification orders (责令限期整改): an inspector orders the holder of a licence to remedy
open findings by a due date; another inspector verifies (整改核查); a daily job marks an
order past its due date without verified rectification overdue (逾期未整改).

The order's way, as an explicit table::

    (order) ──────────────────────────▶ ordered
    ordered ──verify (done)───────────▶ done
    ordered ──verify (not_done)───────▶ ordered      (kept open, the verification recorded)
    ordered ──lapse (the daily job)───▶ overdue      (the day after ``due``, CST)
    overdue ──verify (done)───────────▶ done         (a late rectification)
    overdue ──verify (not_done)───────▶ overdue

``done`` is final. ``lapse`` is the daily job's, never a person's: ``allowed_actions``
names only ``verify``. Separation of duties (职责分离): the inspector who ordered does not
verify the same order. The due date is the inspector's choice (no figure of law is
applied): after the order's date. What the order rests on: the
mineral resources law's liability chapter (矿产资源法 法律责任, art. 56–61 as issue 17
cites them; confidence: unverified) and the plan's 限期整改 (第四章第三节).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

from lode_common.limits import YEAR_MAX, YEAR_MIN

from .errors import FieldError, InvalidInput, MonitoringError

RectificationStatus = Literal["ordered", "overdue", "done"]
"""已责令整改 / 逾期未整改 / 整改完成."""
RECTIFICATION_STATUSES: Final[tuple[RectificationStatus, ...]] = get_args(RectificationStatus)

Outcome = Literal["done", "not_done"]
"""整改完成 / 未完成."""

RectificationAction = Literal["verify", "lapse"]
STAFF_ACTIONS: Final[tuple[RectificationAction, ...]] = ("verify",)
"""The actions a person takes; ``lapse`` is the daily job's."""


@dataclass(frozen=True)
class RectificationTransition:
    """A row of the table: ``action`` (with ``outcome`` for a verification) moves ``source``
    to ``target``."""

    source: RectificationStatus
    action: RectificationAction
    outcome: Outcome | None
    target: RectificationStatus


TRANSITIONS: Final[tuple[RectificationTransition, ...]] = (
    RectificationTransition("ordered", "verify", "done", "done"),
    RectificationTransition("ordered", "verify", "not_done", "ordered"),
    RectificationTransition("ordered", "lapse", None, "overdue"),
    RectificationTransition("overdue", "verify", "done", "done"),
    RectificationTransition("overdue", "verify", "not_done", "overdue"),
)


_ACTION_ZH: Final[dict[RectificationAction, str]] = {"verify": "核查", "lapse": "标记逾期"}
_ACTION_EN: Final[dict[RectificationAction, str]] = {
    "verify": "verified",
    "lapse": "marked overdue",
}


class InvalidRectification(InvalidInput):
    """An order or a verification (责令整改 / 整改核查) with invalid fields."""


class IllegalMove(MonitoringError):
    """An action the order's status does not allow (a verification of a ``done`` order):
    ``current_state`` and the actions ``allowed`` now."""

    def __init__(
        self,
        *,
        current_state: RectificationStatus,
        action: RectificationAction,
        allowed: Sequence[RectificationAction],
    ) -> None:
        self.current_state = current_state
        self.action = action
        self.allowed = tuple(allowed)
        super().__init__(
            f"整改通知当前状态为 {current_state}，不能{_ACTION_ZH[action]} — an order that is "
            f"{current_state} cannot be {_ACTION_EN[action]}; allowed now: "
            f"{', '.join(self.allowed) or 'nothing'}"
        )


class NotAnotherInspector(MonitoringError):
    """The inspector who ordered tried to verify the same order (职责分离)."""

    def __init__(self, ordered_by: str) -> None:
        self.ordered_by = ordered_by
        super().__init__(
            "下达整改通知的检查人员不能核查同一通知，请由另一名检查人员核查 — the inspector "
            "who issued this order cannot verify it (separation of duties): another inspector "
            "verifies it with POST /monitoring/v1/rectifications/{order_id}/verify."
        )


def sources(action: RectificationAction) -> frozenset[RectificationStatus]:
    """The statuses ``action`` may start from."""
    return frozenset(t.source for t in TRANSITIONS if t.action == action)


def allowed_actions(status: RectificationStatus) -> list[RectificationAction]:
    """What a person may do with an order in ``status`` now."""
    return [a for a in STAFF_ACTIONS if status in sources(a)]


def _move(
    status: RectificationStatus, action: RectificationAction, outcome: Outcome | None
) -> RectificationStatus:
    for t in TRANSITIONS:
        if (t.source, t.action, t.outcome) == (status, action, outcome):
            return t.target
    raise IllegalMove(current_state=status, action=action, allowed=allowed_actions(status))


def verify(
    status: RectificationStatus, outcome: Outcome, *, ordered_by: str, verifier: str
) -> RectificationStatus:
    """The status after ``verifier``'s verification with ``outcome``: IllegalMove when the
    order is ``done``, NotAnotherInspector when ``verifier`` is who ordered it."""
    target = _move(status, "verify", outcome)
    if verifier == ordered_by:
        raise NotAnotherInspector(ordered_by)
    return target


def lapse(status: RectificationStatus) -> RectificationStatus:
    """The status after the due date passed (the daily job): ``overdue`` from ``ordered``."""
    return _move(status, "lapse", None)


def is_past_due(due: date, today: date) -> bool:
    """``due`` is the last day to rectify (CST): the order is late from the day after."""
    return today > due


def order_dates(*, due: date, ordered_on: date | None, today: date) -> tuple[date, date]:
    """(ordered_on, due) of a new order: ``ordered_on`` defaults to ``today`` (CST) and is
    not in the future; ``due`` is after it. An order issued earlier on paper and recorded
    now (the bureau's outstanding orders when it starts with Lode) keeps its dates, so its
    due day may have passed: the next daily pass marks it overdue. InvalidRectification
    names every offending field."""
    errors: list[FieldError] = []
    on = today if ordered_on is None else ordered_on
    if on.year < YEAR_MIN:
        errors.append(
            FieldError("ordered_on", f"责令日期不合理 — {on.isoformat()} is before {YEAR_MIN}")
        )
    elif on > today:
        errors.append(
            FieldError(
                "ordered_on",
                f"责令日期不能晚于今天 — {on.isoformat()} is in the future (today is "
                f"{today.isoformat()}, CST); give the day the order was issued",
            )
        )
    if due <= on:
        errors.append(
            FieldError(
                "due",
                f"整改期限须晚于责令日期 — {due.isoformat()} is not after ordered_on "
                f"{on.isoformat()}; give the last day to rectify",
            )
        )
    elif due.year > YEAR_MAX:
        errors.append(FieldError("due", f"整改期限不合理 — {due.isoformat()} is after {YEAR_MAX}"))
    if errors:
        raise InvalidRectification(errors)
    return on, due


def verification_date(*, given: date | None, ordered_on: date, today: date) -> date:
    """The day of a verification: ``given`` or ``today`` (CST), neither before the order
    nor in the future."""
    on = today if given is None else given
    if on > today:
        problem = f"核查日期不能晚于今天 — {on.isoformat()} is in the future (today is {today})"
    elif on < ordered_on:
        problem = (
            f"核查日期不能早于责令日期 — {on.isoformat()} is before the order's date "
            f"{ordered_on.isoformat()}"
        )
    else:
        return on
    raise InvalidRectification([FieldError("verified_on", problem)])


def check_findings(finding_ids: Sequence[str], open_of_licence: frozenset[str]) -> list[str]:
    """The order's findings, once each: every one an open finding of the order's licence
    (``open_of_licence``), at least one. InvalidRectification names each offending index
    (``finding_ids[2]``)."""
    errors: list[FieldError] = []
    if not finding_ids:
        errors.append(
            FieldError("finding_ids", "至少一项问题 — name at least one open finding to rectify")
        )
    seen: set[str] = set()
    for index, finding_id in enumerate(finding_ids):
        field = f"finding_ids[{index}]"
        if finding_id in seen:
            errors.append(FieldError(field, f"重复 — {finding_id} is named twice"))
        elif finding_id not in open_of_licence:
            errors.append(
                FieldError(
                    field,
                    f"不是该许可证未关闭的问题 — {finding_id} is not an open finding of this "
                    "licence (GET /monitoring/v1/findings?licence_no=…&status=open lists them)",
                )
            )
        seen.add(finding_id)
    if errors:
        raise InvalidRectification(errors)
    return list(finding_ids)
