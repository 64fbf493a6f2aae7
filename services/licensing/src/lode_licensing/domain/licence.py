"""Licences (采矿许可证 / 勘查许可证) and their lifecycle.

* Numbers are validated, never minted: a number is allocated upstream (统一配号) and must
  match the standards' numbering pattern, its letter fitting the right type (``C`` 采矿,
  ``T`` 探矿).
* Validity (有效期) is bounded by the licence terms: a mining licence by its scale
  (``mining_max_years``), an exploration licence by ``exploration_years``.
* A renewal (延续) filed fewer than ``mining_renewal_notice_days`` days before expiry is
  refused unless explicitly accepted as late.
* Statuses ``active, suspended, expired, revoked, cancelled`` move only along
  :data:`LICENCE_TRANSITIONS`; :func:`expire_lapsed` is the daily job's rule.
* A mining licence carries its restoration plan (复垦方案, :mod:`.restoration`), its years
  within the validity, and whether the mine is listed as a green mine (绿色矿山名录).
* ``phase_out``: a licence for a mineral the plan prohibits is to exit in an orderly way
  (依法有序逐步退出, 专栏4).

Dates are calendar dates in China Standard Time; :func:`cst_today` gives "today" there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Final, Literal, get_args

from lode_common.cst import cst_date
from lode_common.plan.standards import LicenceTerms

from .catalogue import find_mineral
from .errors import FieldError, IllegalTransition, InvalidInput, RenewalRefused
from .fields import shown
from .minerals import Capacity
from .party import Party
from .restoration import RestorationPlan, plan_outside_validity
from .rulebook import PlanRules, by_scale
from .vocabulary import RIGHT_TYPE_ZH, RightType, Scale

LicenceStatus = Literal["active", "suspended", "expired", "revoked", "cancelled"]
LICENCE_STATUSES: Final[tuple[LicenceStatus, ...]] = get_args(LicenceStatus)
LicenceAction = Literal[
    "suspend", "resume", "expire", "revoke", "cancel", "renew", "transfer", "change"
]
LICENCE_ACTIONS: Final[tuple[LicenceAction, ...]] = get_args(LicenceAction)

LICENCE_TRANSITIONS: Final[Mapping[tuple[LicenceStatus, LicenceAction], LicenceStatus]] = (
    MappingProxyType(
        {
            ("active", "suspend"): "suspended",
            ("suspended", "resume"): "active",
            ("active", "expire"): "expired",
            ("suspended", "expire"): "expired",
            ("active", "revoke"): "revoked",  # 吊销
            ("suspended", "revoke"): "revoked",
            ("active", "cancel"): "cancelled",  # 注销
            ("suspended", "cancel"): "cancelled",
            ("expired", "cancel"): "cancelled",  # a lapsed licence is still cancelled formally
            ("active", "renew"): "active",
            ("suspended", "renew"): "suspended",  # renewal does not lift a suspension
            ("expired", "renew"): "active",  # filed in time or accepted late, decided after expiry
            ("active", "transfer"): "active",
            ("active", "change"): "active",
        }
    )
)
"""(status, action) → status after. Anything not listed is an illegal transition."""

PREFIX_BY_RIGHT: Final[Mapping[RightType, str]] = MappingProxyType(
    {"mining": "C", "exploration": "T"}
)
"""The letter a licence number starts with (统一配号): ``C`` 采矿, ``T`` 探矿. The standards'
numbering pattern allows both; which one fits a right type is stated only in its note."""


@dataclass(frozen=True)
class Licence:
    """A licence as the licensing service holds it."""

    licence_no: str
    right_type: RightType
    holder: Party
    mineral_zh: str
    valid_from: date
    valid_to: date
    status: LicenceStatus = "active"
    mining_method: str | None = None
    capacity: Capacity | None = None
    scale: Scale | None = None
    area: Mapping[str, Any] | None = None
    restoration_plan: RestorationPlan = ()
    green_mine: bool = False
    grant_id: str | None = None
    """The competitive grant (矿业权出让) the right was granted by, when it was."""


def cst_today(now: datetime) -> date:
    """The calendar date in China Standard Time (Asia/Shanghai, UTC+8, no DST) at ``now``."""
    return cst_date(now)


def licence_no_problem(licence_no: str, right_type: RightType, terms: LicenceTerms) -> str | None:
    """What is wrong with a licence number for a right type, or None when it fits."""
    pattern = terms.numbering.pattern
    if not re.fullmatch(pattern, licence_no):
        return (
            f"{shown(licence_no)} is not a licence number: expected "
            f"{pattern} "
            "(allocated upstream by 统一配号, never made up locally)"
        )
    prefix = PREFIX_BY_RIGHT[right_type]
    if not licence_no.startswith(prefix):
        other = next((r for r, p in PREFIX_BY_RIGHT.items() if licence_no.startswith(p)), None)
        what = f"a {RIGHT_TYPE_ZH[other]} ({other}) licence" if other else "another right type"
        return (
            f"{licence_no!r} is the number of {what}; a {RIGHT_TYPE_ZH[right_type]} "
            f"({right_type}) licence number starts with {prefix!r}"
        )
    return None


def check_licence_no(licence_no: str, right_type: RightType, terms: LicenceTerms) -> str:
    """The number, if it fits the right type; InvalidInput on field ``licence_no`` otherwise."""
    problem = licence_no_problem(licence_no, right_type, terms)
    if problem is not None:
        raise InvalidInput([FieldError("licence_no", problem)])
    return licence_no


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def max_validity_years(
    right_type: RightType, scale: Scale | None, terms: LicenceTerms
) -> int | None:
    """The longest term: by scale for mining (None when the scale is unknown), else exploration."""
    if right_type == "exploration":
        return terms.exploration_years
    return by_scale(terms.mining_max_years, scale) if scale is not None else None


def validity_problem(
    right_type: RightType,
    scale: Scale | None,
    valid_from: date,
    valid_to: date,
    terms: LicenceTerms,
    *,
    today: date | None = None,
) -> str | None:
    """What is wrong with a validity period, or None when the terms allow it: an end not
    after its start, an end already past on ``today`` (China Standard Time: the day the
    decision is recorded), or a term longer than the licence terms allow for the scale."""
    if valid_to <= valid_from:
        return f"valid_to {valid_to} is not after valid_from {valid_from}"
    if today is not None and valid_to < today:
        return (
            f"valid_to {valid_to} has already passed (today is {today}, China Standard Time): "
            "a licence is decided with a validity that has not ended"
        )
    years = max_validity_years(right_type, scale, terms)
    if years is None:
        return "the mine's scale is unknown, so the longest validity (by scale) cannot be set"
    latest = add_years(valid_from, years)
    if valid_to > latest:
        basis = f"{scale} mine" if right_type == "mining" else "exploration licence"
        return (
            f"valid_to {valid_to} is past {latest}: a {basis} is licensed for at most "
            f"{years} years (licence_terms)"
        )
    return None


def allowed_actions(status: LicenceStatus) -> tuple[LicenceAction, ...]:
    return tuple(action for (source, action) in LICENCE_TRANSITIONS if source == status)


def apply_action(licence: Licence, action: LicenceAction) -> Licence:
    """The licence after a status action; IllegalTransition names the state and allowed actions."""
    target = LICENCE_TRANSITIONS.get((licence.status, action))
    if target is None:
        raise IllegalTransition(
            current_state=licence.status, action=action, allowed=allowed_actions(licence.status)
        )
    return replace(licence, status=target)


def renewal_deadline(licence: Licence, terms: LicenceTerms) -> date:
    """The last day a renewal may be filed without being late."""
    return licence.valid_to - timedelta(days=terms.mining_renewal_notice_days)


def check_renewal_filing(
    licence: Licence, filed_on: date, terms: LicenceTerms, *, late_accepted: bool = False
) -> None:
    """Refuse (RenewalRefused) a renewal filed after the deadline, unless accepted as late."""
    if filed_on > renewal_deadline(licence, terms) and not late_accepted:
        raise RenewalRefused(
            licence_no=licence.licence_no,
            days_before_expiry=(licence.valid_to - filed_on).days,
            notice_days=terms.mining_renewal_notice_days,
        )


def renew(
    licence: Licence,
    *,
    filed_on: date,
    valid_to: date,
    terms: LicenceTerms,
    late_accepted: bool = False,
    today: date | None = None,
) -> Licence:
    """The licence renewed to ``valid_to``; the new term counts from the old expiry."""
    check_renewal_filing(licence, filed_on, terms, late_accepted=late_accepted)
    renewed = apply_action(licence, "renew")
    problem = validity_problem(
        licence.right_type, licence.scale, licence.valid_to, valid_to, terms, today=today
    )
    if problem is not None:
        raise InvalidInput([FieldError("valid_to", problem)])
    return replace(renewed, valid_to=valid_to)


def transfer(licence: Licence, to_holder: Party) -> Licence:
    """The licence held by ``to_holder`` (转让); only an active licence is transferred."""
    return replace(apply_action(licence, "transfer"), holder=to_holder)


def is_lapsed(licence: Licence, today: date) -> bool:
    """Past its last valid day (``valid_to``) and not yet marked expired or ended."""
    return licence.status in ("active", "suspended") and licence.valid_to < today


def expire_lapsed(licences: Iterable[Licence], today: date) -> tuple[Licence, ...]:
    """The daily job: the lapsed licences, each marked expired (the others are left out)."""
    return tuple(apply_action(lic, "expire") for lic in licences if is_lapsed(lic, today))


def is_phase_out(licence: Licence, rules: PlanRules) -> bool:
    """True for a mineral the plan prohibits for this right type (依法有序逐步退出)."""
    entry = find_mineral(rules.standards, licence.mineral_zh)
    if entry is None:
        return licence.mineral_zh in rules.policy(licence.right_type).lists.prohibited_zh
    return rules.policy(licence.right_type).category(entry) == "prohibited"


def with_restoration_plan(licence: Licence, plan: RestorationPlan) -> Licence:
    """The licence carrying ``plan``; InvalidInput names a milestone outside the validity."""
    errors = plan_outside_validity(plan, licence.valid_from, licence.valid_to)
    if errors:
        raise InvalidInput(errors)
    return replace(licence, restoration_plan=plan)


GREEN_MINE_STATUSES: Final[tuple[LicenceStatus, ...]] = ("active", "suspended")
"""A mine is listed on (or removed from) the 绿色矿山名录 while its licence is in force."""


def list_green_mine(licence: Licence, listed: bool) -> Licence:
    """The licence with the mine listed as a green mine (or delisted).

    Only a mining licence in force is listed: an exploration licence names no mine
    (InvalidInput on ``licence_no``), an ended licence cannot change (IllegalTransition)."""
    if licence.right_type != "mining":
        raise InvalidInput(
            [
                FieldError(
                    "licence_no",
                    f"{licence.licence_no} is an exploration licence (探矿权); only a mine "
                    "(采矿权) is listed on the 绿色矿山名录",
                )
            ]
        )
    if licence.status not in GREEN_MINE_STATUSES:
        raise IllegalTransition(
            current_state=licence.status,
            action="list as a green mine" if listed else "delist as a green mine",
            allowed=allowed_actions(licence.status),
        )
    return replace(licence, green_mine=listed)
