"""Illustrative demo grants (示意出让): the competitive grants (矿业权出让) of the demo county.

Pure data: no database, no HTTP. The loader (``LODE_DEMO=1``, ``handlers.demo_grants``)
runs each through the real procedure; this module only says what they are. Every grant
is invented: the bidders have 示意 in their names, the contract references end in （示意）,
and the loader records every step as the demo actor (the tables have no ``illustrative``
column).

What the set reproduces:

* The three large quarries granted since 2020 (:data:`.demo.DEMO_MINES` after
  :data:`.demo.BASELINE_COUNT`) were granted competitively, each in its own year and over
  its licence's area, large as 第三章第三节 五 asks of new quarries, offered clean (净矿出让,
  ``clean_grant``, as every demo grant is): a listing (挂牌) in 2021 with 2 bidders, an
  auction (拍卖) in 2022 with 3, a listing in 2023 with 3. The licence's holder wins; the
  contract is signed after the result's publicity, its grant fee (出让收益) in 2 or 3
  instalments; the licence follows the contract (:mod:`.demo_timeline`) and keeps the
  grant's id.
* Two grants of 2025 gave no licence: an iron mining right in the mining block C04 (not
  held: its licence lapsed in 2021), auctioned in December 2025, concluded and awaiting its
  contract; and an iron mining right in the national planning mining area (国家规划矿区)
  outside the blocks, listed in April 2025, which failed (流拍: the best offer stayed
  below the reserve price). Their areas lie clear of every demo licence.

Every day is counted from the announcement in working days (:mod:`.demo_timeline`).

The prices (万元) are illustrative, taken from no trade: starting prices of a few yuan per
tonne of the stated reserves, offers rising 5-50% above them. Whether that is the order of
the building-stone and iron grants of Hebei in 2021-2025 is not checked here (unverified).
The reserves of the quarries give the 30 years' service the national standards ask of a
large mine; the iron grants' scale is left to the winner's development plan (a grant plan
names no mining method), which the announcement's review note says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import LicenceIssued
from lode_common.workdays import WorkdayCalendar
from lode_licensing.demo import BASELINE_COUNT, DEMO_MINES, areas, demo_licences
from lode_licensing.demo_places import clear_parcel, geojson
from lode_licensing.demo_timeline import (
    QUARRY_TRADES,
    GrantTimeline,
    Trade,
    default_rules,
    offer_moments,
    timeline,
)
from lode_licensing.domain.grant_contract import Instalment
from lode_licensing.domain.grant_law import GrantMethod
from lode_licensing.domain.grant_periods import GrantRules
from lode_licensing.domain.licence import add_years
from lode_licensing.domain.vocabulary import TONNES_10K_PER_YEAR

Outcome = Literal["contracted", "concluded", "failed"]
"""Where a demo grant stops: contracted (a licence follows), concluded (awaiting its
contract) or failed (流拍)."""


@dataclass(frozen=True)
class Bidder:
    """A bidder (竞买人): its name and 统一社会信用代码."""

    name: str
    credit_code: str


@dataclass(frozen=True)
class DemoOffer:
    """An offer (报价) as the trading platform recorded it (at: China Standard Time)."""

    bidder: Bidder
    amount_cny_10k: Decimal
    at: datetime


@dataclass(frozen=True)
class DemoGrant:
    """One illustrative grant: its plan (出让方案), the zone its area lies in, its days, the
    offers, where it stops, its contract and (contracted) the licence it gave."""

    year: int
    mineral: str
    method: GrantMethod
    area: dict[str, Any]
    zone_code: str
    capacity: Decimal
    capacity_unit: str
    reserves_10kt: Decimal
    term_years: int
    starting_price_cny_10k: Decimal
    reserve_price_cny_10k: Decimal
    timeline: GrantTimeline
    offers: tuple[DemoOffer, ...]
    outcome: Outcome
    review_note: str
    instalments: tuple[Instalment, ...] = ()
    contract_ref: str | None = None
    licence_no: str | None = None

    def plan_body(self) -> dict[str, Any]:
        """The grant plan as ``POST /licensing/v1/grants`` takes it."""
        return {
            "year": self.year,
            "right_type": "mining",
            "mineral": self.mineral,
            "method": self.method,
            "area": {"geometry": self.area},
            "capacity": {"value": self.capacity, "unit": self.capacity_unit},
            "reserves_10kt": self.reserves_10kt,
            "term_years": self.term_years,
            "starting_price_cny_10k": self.starting_price_cny_10k,
            "reserve_price_cny_10k": self.reserve_price_cny_10k,
            "clean_grant": True,
        }

    @property
    def best_offer(self) -> DemoOffer:
        return max(self.offers, key=lambda o: o.amount_cny_10k)

    @property
    def price_cny_10k(self) -> Decimal | None:
        """The price (成交价) of a concluded or contracted grant; None for a failed one."""
        return None if self.outcome == "failed" else self.best_offer.amount_cny_10k


def _bidder(name: str, adcode: str, n: int) -> Bidder:
    return Bidder(name, with_check_character(f"91{adcode}MA0DG{n:04d}"))


BIDDERS: Final = {
    "chengde_stone": _bidder("承德示意建材集团有限公司", "130800", 1),
    "pingquan_aggregate": _bidder("平泉市示意砂石骨料有限公司", "130881", 2),
    "hebei_green": _bidder("河北示意绿色建材有限公司", "130000", 3),
    "chengde_ore": _bidder("承德示意钢铁原料有限公司", "130800", 4),
    "pingquan_minerals": _bidder("平泉市示意矿产开发有限公司", "130881", 5),
    "hebei_metallurgy": _bidder("河北示意冶金矿业有限公司", "130000", 6),
}
"""The illustrative bidders other than the quarries' holders."""
HOLDER: Final = "holder"
"""In an offer list: the holder of the licence the grant gave (the winner)."""


@dataclass(frozen=True)
class _Spec:
    """What is chosen of a grant: its trade, prices, offers (bidder key, 万元) and the shares
    of its grant fee by instalment (the first due on signing, then one a year). A grant
    that gave no licence also says where it lies (zone, hectares, the parcel's shape), its
    capacity (万吨/年), term and outcome."""

    trade: Trade
    starting: str
    reserve: str
    reserves_10kt: str
    offers: tuple[tuple[str, str], ...]
    instalment_shares: tuple[str, ...] = ()
    site: tuple[str, float, int] = ("", 0.0, 0)
    capacity: str = ""
    term_years: int = 0
    outcome: Outcome = "contracted"
    review_note: str = ""


_IRON_NOTE: Final = (
    "示意数据：生产规模由竞得人开发利用方案确定（出让方案不定开采方式）/ illustrative: the "
    "scale is set by the winner's development plan (a grant plan names no mining method)"
)
_OUTSIDE_NOTE: Final = (
    "；位于国家规划矿区内、开采规划区块外，已按规划严格论证 / outside the mining blocks, in the "
    "national planning mining area: demonstrated as the plan requires"
)
_QUARRY_NOTE: Final = (
    "示意数据：砂石土类矿产集中开采区内新设大型砂石矿山，按规划第三章第三节五论证 / "
    "illustrative: a large quarry in a sand-gravel area, demonstrated under 第三章第三节 五"
)
_QUARRY_SPECS: Final = {
    2021: _Spec(
        QUARRY_TRADES[2021],
        "6500",
        "7000",
        "2600",
        (("chengde_stone", "6500"), (HOLDER, "6900"), ("chengde_stone", "7300"), (HOLDER, "7680")),
        ("0.4", "0.3", "0.3"),
    ),
    2022: _Spec(
        QUARRY_TRADES[2022],
        "9000",
        "9800",
        "3500",
        (
            ("pingquan_aggregate", "9000"),
            ("hebei_green", "9500"),
            (HOLDER, "10000"),
            ("pingquan_aggregate", "10800"),
            (HOLDER, "11600"),
            ("hebei_green", "12400"),
            (HOLDER, "13100"),
        ),
        ("0.6", "0.4"),
    ),
    2023: _Spec(
        QUARRY_TRADES[2023],
        "13500",
        "14500",
        "5200",
        (
            ("chengde_stone", "13500"),
            ("hebei_green", "14000"),
            (HOLDER, "14800"),
            ("chengde_stone", "15600"),
            (HOLDER, "16650"),
        ),
        ("0.4", "0.3", "0.3"),
    ),
}
"""The quarries' grants by year. The instalment shares are illustrative: 财综〔2023〕10号
lets the grant fee be paid in instalments, its terms are not checked here."""

_OPEN_SPECS: Final = (
    _Spec(
        Trade(date(2025, 3, 3), "listing"),
        "1600",
        "1900",
        "420",
        (("hebei_metallurgy", "1600"), ("chengde_ore", "1700")),
        site=("GJKQ-01", 25, 71),
        capacity="20",
        term_years=10,
        outcome="failed",
        review_note=_IRON_NOTE + _OUTSIDE_NOTE,
    ),
    _Spec(
        Trade(date(2025, 11, 17), "auction"),
        "2400",
        "2700",
        "650",
        (
            ("chengde_ore", "2400"),
            ("pingquan_minerals", "2600"),
            ("hebei_metallurgy", "2800"),
            ("chengde_ore", "3000"),
            ("pingquan_minerals", "3150"),
        ),
        site=("C04", 15, 65),
        capacity="30",
        term_years=15,
        outcome="concluded",
        review_note=_IRON_NOTE,
    ),
)
"""The grants of 2025 that gave no licence: the failed listing in the national planning
mining area outside the blocks, the auction in the block C04 awaiting its contract."""


def _offers(
    spec: _Spec, days: GrantTimeline, calendar: WorkdayCalendar, holder: Bidder | None
) -> tuple[DemoOffer, ...]:
    """The offers at their moments (:func:`.demo_timeline.offer_moments`)."""
    moments = offer_moments(days, spec.trade.method, len(spec.offers), calendar)
    offers = []
    for (key, amount), at in zip(spec.offers, moments, strict=True):
        bidder = holder if key == HOLDER else BIDDERS[key]
        assert bidder is not None, "an offer of the holder needs the licence"
        offers.append(DemoOffer(bidder, Decimal(amount), at))
    return tuple(offers)


def _instalments(shares: Sequence[str], price: Decimal, signed_on: date) -> tuple[Instalment, ...]:
    """The grant fee in instalments by ``shares``, to the 0.01 万元, the last taking the
    rest so that they sum to the price: the first due on signing, then one a year."""
    amounts = [(price * Decimal(s)).quantize(Decimal("0.01")) for s in shares[:-1]]
    amounts.append(price - sum(amounts, Decimal(0)))
    return tuple(Instalment(add_years(signed_on, n), a) for n, a in enumerate(amounts))


def _quarry_grant(
    index: int, licence: LicenceIssued, rules: GrantRules, calendar: WorkdayCalendar
) -> DemoGrant:
    mine = DEMO_MINES[index]
    spec = _QUARRY_SPECS[mine.issued_year]
    days = timeline(spec.trade, rules, calendar)
    holder = Bidder(licence.holder.name, licence.holder.credit_code)
    offers = _offers(spec, days, calendar, holder)
    price = max(o.amount_cny_10k for o in offers)
    assert licence.area is not None
    assert mine.zone_code is not None
    return DemoGrant(
        year=mine.issued_year,
        mineral=mine.mineral,
        method=spec.trade.method,
        area=licence.area,
        zone_code=mine.zone_code,
        capacity=mine.capacity,
        capacity_unit=mine.capacity_unit,
        reserves_10kt=Decimal(spec.reserves_10kt),
        term_years=mine.term_years,
        starting_price_cny_10k=Decimal(spec.starting),
        reserve_price_cny_10k=Decimal(spec.reserve),
        timeline=days,
        offers=offers,
        outcome="contracted",
        review_note=_QUARRY_NOTE,
        instalments=_instalments(spec.instalment_shares, price, days.signed_on),
        contract_ref=f"平自然资出让〔{mine.issued_year}〕1号（示意）",  # the year's one contract
        licence_no=licence.licence_no,
    )


def _open_grant(spec: _Spec, rules: GrantRules, calendar: WorkdayCalendar) -> DemoGrant:
    """An iron mining right of 2025 that gave no licence, its area clear of every licence."""
    days = timeline(spec.trade, rules, calendar)
    zone_code, area_ha, shape = spec.site
    return DemoGrant(
        year=spec.trade.announced_on.year,
        mineral="铁矿",
        method=spec.trade.method,
        area=geojson(clear_parcel(zone_code, area_ha, shape, areas())),
        zone_code=zone_code,
        capacity=Decimal(spec.capacity),
        capacity_unit=TONNES_10K_PER_YEAR,
        reserves_10kt=Decimal(spec.reserves_10kt),
        term_years=spec.term_years,
        starting_price_cny_10k=Decimal(spec.starting),
        reserve_price_cny_10k=Decimal(spec.reserve),
        timeline=days,
        offers=_offers(spec, days, calendar, None),
        outcome=spec.outcome,
        review_note=spec.review_note,
    )


def demo_grants(
    rules: GrantRules | None = None, calendar: WorkdayCalendar | None = None
) -> tuple[DemoGrant, ...]:
    """The five illustrative grants, in the order they were announced: the quarries of
    2021, 2022 and 2023 (contracted), the failed listing and the concluded auction of 2025.

    ``rules`` and ``calendar`` count the days (by default the settings' default periods and
    the package's calendar); pass the deployment's so that its procedure accepts them."""
    rules = rules or default_rules()
    calendar = calendar or WorkdayCalendar()
    licences = demo_licences(rules=rules, calendar=calendar)
    quarries = [
        _quarry_grant(index, licences[index], rules, calendar)
        for index in range(BASELINE_COUNT, len(DEMO_MINES))
    ]
    return (*quarries, *(_open_grant(spec, rules, calendar) for spec in _OPEN_SPECS))
