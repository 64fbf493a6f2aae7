"""The year's competitive grants (矿业权出让: 招标/拍卖/挂牌) as reporting shows them: pure,
no I/O.

A grant reaches reporting only by licensing's events (``grant.announced``, ``.concluded``,
``.failed``, ``.contracted``), none of which carries the reserve price (底价): nothing here
knows it, so no answer or report can show it. What reporting shows is public once it is
announced (the announcement) or concluded (the winner, the price, the fee schedule).

Which event states a grant's present state is decided by :func:`supersedes` on each one's
:func:`rank`: a later event, or at the same instant a later announcement or a later stage of
the same one, so that a late or replayed event never moves a grant backwards and a rebuild
gives the live rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Final, Literal

GrantStatus = Literal["announced", "concluded", "failed", "contracted"]
STAGE: Final[dict[str, int]] = {"announced": 0, "concluded": 1, "failed": 1, "contracted": 2}
"""How far a grant's trade went within one announcement (a failed trade may be announced
again: the next announcement starts at stage 0 with a higher number)."""
CONCLUDED: Final = frozenset({"concluded", "contracted"})
"""The trade concluded (成交): the contracted ones too."""

STATUS_ZH: Final[dict[str, str]] = {
    "announced": "已公告",
    "concluded": "已成交",
    "failed": "流拍",
    "contracted": "已签订出让合同",
}
METHOD_ZH: Final[dict[str, str]] = {"auction": "拍卖", "listing": "挂牌", "tender": "招标"}
FAILED_REASON_ZH: Final[dict[str, str]] = {
    "no_bids": "无人报价",
    "reserve_not_reached": "报价未达底价",
    "too_few_bidders": "竞买人数不足",
}
"""Why a trade failed (流拍), as ``grant.failed`` says; the reserve price itself is not said."""

Rank = tuple[datetime, int, int]
"""(the event's time, its announcement's number, its stage)."""


def rank(time: datetime, announcement: int | None, status: str) -> Rank:
    """Where an event or a row stands in a grant's history (:func:`supersedes`)."""
    return time, announcement or 0, STAGE[status]


def supersedes(event: Rank, row: Rank) -> bool:
    """Whether an event states the grant's present state over the row's: it is later, or at
    the same instant of a later announcement or stage (the same event again states it
    again, which changes nothing)."""
    return event >= row


@dataclass(frozen=True, slots=True, kw_only=True)
class Winner:
    """The winning bidder (竞得人/中标人)."""

    name: str
    credit_code: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Instalment:
    """One instalment of the grant fee (出让收益) the contract sets."""

    due: date
    amount_cny_10k: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Zone:
    """A planning zone or block (规划分区/区块) the grant's area lies in."""

    zone_id: str
    type: str
    code: str
    name_zh: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    """A grant as far as its events went. ``failed_on``, ``failed_reason`` (and ``bidders``
    until the next trade concludes) of a grant announced again are its last failed trade's."""

    grant_id: str
    year: int
    right_type: str
    mineral: str
    method: str
    status: GrantStatus
    announcement: int | None = None
    announced_on: date | None = None
    trade_from: date | None = None
    trade_to: date | None = None
    starting_price_cny_10k: Decimal | None = None
    area_ha: Decimal | None = None
    zones: tuple[Zone, ...] = ()
    winner: Winner | None = None
    price_cny_10k: Decimal | None = None
    concluded_on: date | None = None
    publicity_until: date | None = None
    failed_on: date | None = None
    failed_reason: str | None = None
    bidders: int | None = None
    signed_on: date | None = None
    contract_ref: str | None = None
    instalments: tuple[Instalment, ...] = ()
    updated_at: datetime

    @property
    def concluded(self) -> bool:
        return self.status in CONCLUDED

    @property
    def status_zh(self) -> str:
        """已公告 / 已成交 / 流拍（无人报价） / 已签订出让合同."""
        label = STATUS_ZH.get(self.status, self.status)
        if self.status == "failed" and self.failed_reason:
            return f"{label}（{FAILED_REASON_ZH.get(self.failed_reason, self.failed_reason)}）"
        return label

    @property
    def method_zh(self) -> str:
        return METHOD_ZH.get(self.method, self.method)


@dataclass(frozen=True, slots=True, kw_only=True)
class MineralGrants:
    """The year's grants of one mineral: how many, how many concluded, their price."""

    mineral: str
    count: int
    concluded: int
    price_total_cny_10k: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantSummary:
    """The year's grants counted: ``announced`` every grant of the year (each was
    announced), ``concluded`` those whose trade concluded (成交, the contracted ones
    included), ``failed`` those whose last trade failed (流拍) and that are not announced
    again, ``contracted`` those with a signed contract (出让合同); the price total is the
    concluded ones'."""

    announced: int = 0
    concluded: int = 0
    failed: int = 0
    contracted: int = 0
    price_total_cny_10k: Decimal = Decimal(0)
    by_mineral: tuple[MineralGrants, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeDue:
    """One instalment of a contracted grant's fee, in the fee schedule (出让收益缴纳计划)."""

    grant_id: str
    winner: str
    due: date
    amount_cny_10k: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class GrantYear:
    """The year's grants, their counts and the contracted ones' fee schedule."""

    items: tuple[Grant, ...] = ()
    summary: GrantSummary = field(default_factory=GrantSummary)
    fee_schedule: tuple[FeeDue, ...] = ()

    @property
    def none(self) -> bool:
        return not self.items


def _order(grant: Grant) -> tuple[date, str]:
    return grant.announced_on or date.max, grant.grant_id


def summary(grants: Iterable[Grant]) -> GrantSummary:
    every = list(grants)
    minerals: dict[str, list[Grant]] = {}
    for grant in every:
        minerals.setdefault(grant.mineral, []).append(grant)

    def price(of: Sequence[Grant]) -> Decimal:
        return sum((g.price_cny_10k or Decimal(0) for g in of if g.concluded), Decimal(0))

    return GrantSummary(
        announced=len(every),
        concluded=sum(1 for g in every if g.concluded),
        failed=sum(1 for g in every if g.status == "failed"),
        contracted=sum(1 for g in every if g.status == "contracted"),
        price_total_cny_10k=price(every),
        by_mineral=tuple(
            MineralGrants(
                mineral=mineral,
                count=len(of),
                concluded=sum(1 for g in of if g.concluded),
                price_total_cny_10k=price(of),
            )
            for mineral, of in sorted(minerals.items())
        ),
    )


def fee_schedule(grants: Iterable[Grant]) -> tuple[FeeDue, ...]:
    """The contracted grants' instalments, by due date (then grant)."""
    return tuple(
        sorted(
            (
                FeeDue(
                    grant_id=g.grant_id,
                    winner=g.winner.name if g.winner else "",
                    due=i.due,
                    amount_cny_10k=i.amount_cny_10k,
                )
                for g in grants
                if g.status == "contracted"
                for i in g.instalments
            ),
            key=lambda f: (f.due, f.grant_id),
        )
    )


def grant_year(grants: Iterable[Grant]) -> GrantYear:
    """The year's grants in announcement order, counted, with the fee schedule."""
    items = tuple(sorted(grants, key=_order))
    return GrantYear(items=items, summary=summary(items), fee_schedule=fee_schedule(items))
