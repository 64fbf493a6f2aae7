"""What the load bench sends: the mines (a block, an application and a licence each), their
reports over a simulated year, and the officers' queries. Pure data, no I/O.

**A simulated year** is the calendar year :data:`YEAR` (the plan's last) as a mine lives it
under the plan's reporting rhythm: in the first quarter the annual report of the year before
(due by 31 March: the peak), then the four quarterly reports of the year. Five reports per
mine, sent in that order; every mine at once. One mine in :data:`LOW_RECOVERY_EVERY` reports
its second quarter with a mining recovery below the national standard, so findings are
opened (and published, and journaled by reporting) during the run as they would be.

In reporting the annual report is the mine's figure for the year before and the quarterly
reports are its figure for :data:`YEAR` (a mine's year is its annual report, or its quarterly
reports when it has none), so every accepted report is one source of the iron-concentrate
indicator of one of the two years: that is how the bench counts them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from lode_common.credit_code import with_check_character
from lode_common.testing.examples import iron_mine_application, mining_block, square

PLAN: Final = "pingquan-2021-2025"
YEAR: Final = 2025
PERIODS: Final = (("annual", YEAR - 1), ("Q1", YEAR), ("Q2", YEAR), ("Q3", YEAR), ("Q4", YEAR))
LOW_RECOVERY_EVERY: Final = 10
LICENSED_SINCE: Final = "2021-01-01"

# the mines' blocks: a grid inside Pingquan's extent, clear of one another
_WEST, _SOUTH, _STEP, _BLOCK, _COLUMNS = 118.40, 40.75, 0.015, 0.012, 40


@dataclass(frozen=True)
class Mine:
    """One underground iron mine of 12 万吨/年, in a mining block of its own."""

    n: int

    @property
    def lon(self) -> float:
        return _WEST + _STEP * (self.n % _COLUMNS)

    @property
    def lat(self) -> float:
        return _SOUTH + _STEP * (self.n // _COLUMNS)

    @property
    def code(self) -> str:
        return f"LOAD-{self.n:04d}"

    @property
    def credit_code(self) -> str:
        return with_check_character(f"91130881MA9{self.n:06d}")

    @property
    def holder(self) -> str:
        return f"平泉市负载测试{self.n:04d}号矿业有限公司"

    @property
    def licence_no(self) -> str:
        # C + 130881 + year of issue + a sequence: the upstream register's number, entered
        # by the officer with the decision
        return f"C130881{LICENSED_SINCE[:4]}7{self.n:011d}"

    def block(self) -> dict[str, Any]:
        geometry = square(self.lon, self.lat, _BLOCK)
        return mining_block(self.code, f"示意负载测试区块{self.n}", geometry)

    def application(self) -> dict[str, Any]:
        area = square(self.lon + 0.002, self.lat + 0.002, 0.005)
        return iron_mine_application(self.holder, self.credit_code, area)

    def decision(self) -> dict[str, Any]:
        since = LICENSED_SINCE
        return {
            "decision": "approved",
            "licence_no": self.licence_no,
            "valid_from": since,
            "valid_to": f"{int(since[:4]) + 10}-{since[5:]}",
            "reason": "准予登记（负载测试）",
        }

    def report(self, period: str, year: int) -> dict[str, Any]:
        ore = 8.0 if period == "annual" else 2.0
        low = period == "Q2" and self.n % LOW_RECOVERY_EVERY == 0
        return {
            "licence_no": self.licence_no,
            "year": year,
            "period": period,
            "ore_mined_10kt": ore,
            "products": [
                {"name": "铁精粉", "grade_pct": 65.0, "output_10kt": round(ore * 0.32, 2)}
            ],
            "mining_recovery_pct": 72.0 if low else 80.0,
            "processing_recovery_pct": 91.0,
            "comprehensive_utilization_pct": 40.0,
            "disturbed_area_ha": 0.5,
            "restored_area_ha": 0.3,
            "output_value_cny_10k": round(ore * 240),
        }


def mines(count: int) -> list[Mine]:
    return [Mine(n) for n in range(count)]


@dataclass(frozen=True)
class OfficerQuery:
    """One kind of query officers make while the mines report."""

    name: str
    service: str
    path: str
    params: dict[str, str]
    role: str


OFFICER_QUERIES: Final = (
    OfficerQuery(
        "licences", "licensing", "/licensing/v1/licences", {"limit": "100"}, "licensing_officer"
    ),
    OfficerQuery(
        "findings",
        "monitoring",
        "/monitoring/v1/findings",
        {"year": str(YEAR), "limit": "100"},
        "inspector",
    ),
    OfficerQuery(
        "indicators",
        "reporting",
        "/reporting/v1/indicators",
        {"plan_id": PLAN, "year": str(YEAR)},
        "viewer",
    ),
)
