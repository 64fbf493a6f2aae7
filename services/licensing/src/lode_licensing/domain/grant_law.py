"""The names competitive granting (矿业权竞争性出让) uses, with where they come from.

The numbers (periods in working days, the fewest bidders of an auction or tender) are
settings, each with its source in its description (``settings.LicensingSettings``); this
module keeps the closed vocabularies only.

* 矿产资源法 (revised, in force 2025-07-01), art. 17–21: exploration and mining rights are
  granted by tender, auction or listing (招标、拍卖、挂牌), announced beforehand, under a
  written grant contract (出让合同).
* 民法典 art. 201: a period counted in days starts the day after the event (the day an
  announcement is made is not one of its days).
"""

from __future__ import annotations

from typing import Final, Literal, get_args

GrantMethod = Literal["auction", "listing", "tender"]
GRANT_METHODS: Final[tuple[GrantMethod, ...]] = get_args(GrantMethod)
METHOD_ZH: Final[dict[GrantMethod, str]] = {"auction": "拍卖", "listing": "挂牌", "tender": "招标"}
RISING_METHODS: Final[frozenset[GrantMethod]] = frozenset({"auction", "listing"})
"""Methods whose every offer must exceed the best one so far (竞价递增); a tender's offers
are sealed (密封投标) and need not."""

FailureReason = Literal["no_bids", "reserve_not_reached", "too_few_bidders"]
FAILURE_REASONS: Final[tuple[FailureReason, ...]] = get_args(FailureReason)
FAILURE_ZH: Final[dict[FailureReason, str]] = {
    "no_bids": "无人报价",
    "reserve_not_reached": "最高报价未达底价",
    "too_few_bidders": "竞买人不足法定人数",
}

ListKind = Literal["abnormal", "serious_violation"]
LIST_ZH: Final[dict[str, str]] = {
    "abnormal": "矿业权人勘查开采信息公示异常名录 (the abnormal list)",
    "serious_violation": "严重违法失信名单 (the serious-violation list)",
}
LISTED: Final = "listed"
RELEASED: Final = "released"

GRANTOR_NAME: Final = "出让人"
"""The party a grant's own checks are run for: the granting authority, with no credit code,
so a planning block already held by anyone reads as taken (review)."""

PROCEDURES: Final = "docs/contracts/PROCEDURES.md (Competitive granting)"
"""Where the procedure Lode follows is written down."""
