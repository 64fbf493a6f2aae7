"""Rectification orders (责令限期整改) as licensing enforces them: where an order stands, as
monitoring's events tell it, and what an officer may do from an overdue one.

* An order moves only forward: ``ordered`` → ``overdue`` (逾期未整改, monitoring's daily
  job) → ``done`` (整改完成, verified by another inspector); ``ordered`` → ``done``
  directly when verified in time. An event delivered late (an ``ordered`` after the
  ``overdue``, an ``overdue`` after the ``done``) never moves it back.
* An overdue order is an item of the enforcement list (执法清单): ``open`` until it is
  verified done or the licence leaves force (revoked, expired, cancelled), then
  ``resolved`` with the reason.
* A suspension (暂扣) or revocation (吊销) may cite the order: only an overdue order of that
  very licence. The basis is the plan (第四章第三节: 限期整改后仍未达到要求的依法关闭) and
  the legal liability chapter of the 矿产资源法 (revised 2024) the issue names (art. 56–61,
  68); which article applies to which measure is unverified here, the officer's ``reason``
  says it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from .errors import FieldError
from .licence import LICENCE_TRANSITIONS, LicenceStatus

OrderStatus = Literal["ordered", "overdue", "done"]
_RANK: Final[dict[str, int]] = {"ordered": 0, "overdue": 1, "done": 2}

ItemStatus = Literal["open", "resolved"]
EnforcementAction = Literal["suspend", "revoke"]
ENFORCEMENT_ACTIONS: Final[tuple[EnforcementAction, ...]] = ("suspend", "revoke")


def advanced(current: str, incoming: OrderStatus) -> str:
    """The order's status after an event saying ``incoming``: the later of the two."""
    return incoming if _RANK[incoming] > _RANK.get(current, -1) else current


def allowed_actions(licence_status: str | None, item: str | None) -> list[EnforcementAction]:
    """What an officer may do from an order item: suspend or revoke, as far as the licence's
    status allows; nothing once the item is resolved."""
    if item != "open" or licence_status is None:
        return []
    return [
        action
        for action in ENFORCEMENT_ACTIONS
        if (_status(licence_status), action) in LICENCE_TRANSITIONS
    ]


def _status(value: str) -> LicenceStatus:
    return value  # type: ignore[return-value]  # a stored licence status


@dataclass(frozen=True)
class CitedOrder:
    """An order as a status action citing it sees it."""

    order_id: str
    licence_no: str
    status: str


def citation_problem(order: CitedOrder | None, order_id: str, licence_no: str) -> FieldError | None:
    """Why ``order_id`` cannot be cited by an action on ``licence_no`` (None: it can)."""
    if order is None:
        return FieldError(
            "order_id",
            f"没有整改通知 {order_id} / there is no rectification order {order_id} "
            "(GET /licensing/v1/enforcement?kind=order lists the overdue ones)",
        )
    if order.licence_no != licence_no:
        return FieldError(
            "order_id",
            f"整改通知 {order_id} 针对许可证 {order.licence_no}，不是 {licence_no} / the order "
            f"is for licence {order.licence_no}, not {licence_no}",
        )
    if order.status != "overdue":
        state = {"ordered": "尚未逾期 not overdue yet", "done": "已整改完成 rectified"}.get(
            order.status, order.status
        )
        return FieldError(
            "order_id",
            f"整改通知 {order_id} {state}，只能依据逾期未整改的通知 / only an overdue order "
            f"can be cited (this one is {order.status})",
        )
    return None


def not_cited_by(action: str) -> FieldError:
    """An action other than suspend or revoke was sent citing an order."""
    return FieldError(
        "order_id",
        f"只有暂扣或吊销可以依据整改通知 / only suspend or revoke cites an order, not {action}",
    )


def cited_note(reason: str, order_id: str | None) -> str:
    """The history note of a status action: its reason and the order it cites."""
    if order_id is None:
        return reason
    return f"{reason}（依据整改通知 {order_id} — citing rectification order {order_id}）"


def done_reason(on: date) -> str:
    return f"{on} 整改经核查已完成 — rectification verified done on {on}"


def left_force_reason(status: str, on: date) -> str:
    zh = {"revoked": "许可证已吊销", "expired": "许可证已到期失效", "cancelled": "许可证已注销"}
    return f"{on} {zh.get(status, '许可证已失效')} — the licence is {status}"
