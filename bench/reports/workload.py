"""The mines, their licences and their report bodies: every report distinct and valid,
without findings, each mine's periods in order."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lode_common.credit_code import with_check_character
from lode_common.events.catalog import Capacity, Holder, LicenceIssued, PlanPublished
from lode_common.plan.data import bundled_documents
from lode_monitoring.domain.periods import Period, cst_date, period_bounds

PLAN = "pingquan-2021-2025"
REPORTS = "/monitoring/v1/reports"
PERIOD_ORDER: tuple[Period, ...] = ("Q1", "Q2", "Q3", "Q4", "annual")


@dataclass(frozen=True)
class Mine:
    index: int
    credit_code: str
    licence_no: str
    valid_from: date
    valid_to: date

    @property
    def holder(self) -> str:
        return f"平泉市示意铁矿{self.index:02d}有限公司"


def make_mines(n: int, per_mine: int, today: date) -> list[Mine]:
    """``n`` mines whose licences are valid long enough for ``per_mine`` reports each."""
    first_year = today.year - math.ceil(per_mine / len(PERIOD_ORDER))
    while len(slots(date(first_year, 1, 1), today)) < per_mine:
        first_year -= 1
    return [
        Mine(
            index=i,
            credit_code=with_check_character(f"91130881MA{i:07d}"),
            licence_no=f"C1308812010{i:012d}",
            valid_from=date(first_year, 1, 1),
            valid_to=date(today.year + 5, 12, 31),
        )
        for i in range(n)
    ]


def slots(valid_from: date, today: date) -> list[tuple[int, Period]]:
    """(year, period) of every period begun by ``today`` (CST) from ``valid_from``, in order."""
    return [
        (year, period)
        for year in range(valid_from.year, today.year + 1)
        for period in PERIOD_ORDER
        if period_bounds(year, period)[0] <= today
    ]


def report_body(mine: Mine, year: int, period: Period, rng: random.Random) -> dict[str, Any]:
    """A valid report without findings: under a quarter of the capacity in a quarter (all of
    it in a year), rates above the national minimums for underground iron."""
    ore = round(rng.uniform(20.0, 29.5) if period == "annual" else rng.uniform(4.0, 7.4), 2)
    return {
        "licence_no": mine.licence_no,
        "year": year,
        "period": period,
        "ore_mined_10kt": ore,
        "products": [
            {
                "name": "铁精粉",
                "grade_pct": round(rng.uniform(62.0, 67.0), 1),
                "output_10kt": round(ore * 0.32, 2),
            }
        ],
        "mining_recovery_pct": round(rng.uniform(90.0, 96.0), 1),
        "processing_recovery_pct": round(rng.uniform(92.0, 96.0), 1),
        "comprehensive_utilization_pct": round(rng.uniform(35.0, 45.0), 1),
        "disturbed_area_ha": round(rng.uniform(0.2, 3.0), 2),
        "restored_area_ha": round(rng.uniform(0.1, 2.0), 2),
        "output_value_cny_10k": round(ore * rng.uniform(220.0, 260.0)),
    }


def split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@dataclass
class Workload:
    """Per mine, its report bodies (JSON) in order; phases take consecutive slices."""

    mines: list[Mine]
    bodies: list[list[bytes]]

    def phase(self, counts: Sequence[int], offsets: Sequence[int]) -> list[list[bytes]]:
        return [b[o : o + c] for b, o, c in zip(self.bodies, offsets, counts, strict=True)]


def workload(n_mines: int, per_mine: int, seed: int) -> Workload:
    today = cst_date(datetime.now(UTC))
    mines = make_mines(n_mines, per_mine, today)
    rng = random.Random(seed)
    bodies = []
    for mine in mines:
        mine_slots = slots(mine.valid_from, today)[:per_mine]
        bodies.append(
            [
                json.dumps(report_body(mine, y, p, rng), ensure_ascii=False).encode()
                for y, p in mine_slots
            ]
        )
    return Workload(mines, bodies)


def plan_event() -> PlanPublished:
    return PlanPublished(
        plan_id=PLAN,
        version=1,
        region_adcode="130881",
        document=bundled_documents().as_published(),
    )


def licence_event(mine: Mine) -> LicenceIssued:
    return LicenceIssued(
        licence_no=mine.licence_no,
        right_type="mining",
        holder=Holder(name=mine.holder, credit_code=mine.credit_code),
        mineral="铁矿",
        mining_method="underground",
        capacity=Capacity(value=Decimal(30), unit="万吨/年"),
        scale="medium",
        valid_from=mine.valid_from,
        valid_to=mine.valid_to,
        status="active",
    )
