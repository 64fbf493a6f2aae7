"""Working days (工作日) of the State Council's holiday schedule, 调休 included.

The law counts the periods of a competitive grant in working days (出让公告 at least 20,
挂牌 at least 10, 结果公示 at least 10): days that are neither a weekend nor a public
holiday, plus the weekend days the State Council's yearly notice makes working days
(调休, e.g. Saturday 14 February 2026 before the Spring Festival). Monday to Friday is not
the same count: a period across the Spring Festival or National Day is a week longer.

The schedule comes from PyPI's ``chinesecalendar`` (kept up to date with each year's
notice, 国务院办公厅关于××年部分节假日安排的通知). A year it does not know yet is refused
(:class:`OutsideCalendar`), never guessed. A deployment that must count into a year the
package does not know yet (the notice is published in November or December) adds that
year's notice as data (:func:`read_schedule`, a YAML file named by a setting) until the
package catches up.

Counting follows 民法典 art. 201 (按照年、月、日计算期间的，开始的当日不计入): the day
an announcement is made is not a day of its period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import chinese_calendar
import yaml

SOURCE: Final = (
    "国务院办公厅关于部分节假日安排的通知 (each year's notice), via PyPI chinesecalendar "
    f"{getattr(chinese_calendar, '__version__', '')}".rstrip()
)
MAX_SPAN_DAYS: Final = 3 * 366
"""The longest span counted: no grant period runs for years; a longer one is a typing error."""


class OutsideCalendar(ValueError):
    """A day of a year whose holiday schedule is not known (not published yet, or before
    the schedules kept), so its working days cannot be counted."""

    def __init__(self, day: date, known: tuple[int, int]) -> None:
        self.day = day
        self.known = known
        super().__init__(
            f"{day.isoformat()} is in {day.year}, whose State Council holiday schedule "
            f"(节假日安排) is not known here: working days are counted for "
            f"{known[0]}–{known[1]} only. Choose dates within those years, or add the "
            f"{day.year} notice to the holiday schedule file (LODE_HOLIDAY_SCHEDULE_FILE) "
            "once it is published"
        )


@dataclass(frozen=True)
class YearSchedule:
    """One year's notice: its public holidays (放假) and the weekend days worked (调休上班)."""

    year: int
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    source: str = ""


def _package_years() -> tuple[int, int]:
    """The first and last year the package knows."""
    years = {d.year for d in chinese_calendar.constants.holidays}
    return min(years), max(years)


@dataclass(frozen=True)
class WorkdayCalendar:
    """The working-day calendar: the package's years and any added year schedules."""

    added: Mapping[int, YearSchedule] = field(default_factory=dict)

    @property
    def known_years(self) -> tuple[int, int]:
        """The first and last year whose working days are known (a contiguous range)."""
        first, last = _package_years()
        while last + 1 in self.added:
            last += 1
        return first, last

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day; :class:`OutsideCalendar` for an unknown year."""
        schedule = self.added.get(day.year)
        if schedule is not None:
            if day in schedule.workdays:
                return True
            return day.weekday() < 5 and day not in schedule.holidays
        first, last = self.known_years
        if not first <= day.year <= last:
            raise OutsideCalendar(day, (first, last))
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            raise OutsideCalendar(day, (first, last)) from None

    def between(self, after: date, before: date) -> int:
        """Working days strictly between two dates (neither end counted): the full days an
        announcement made on ``after`` stands before ``before``. 0 when ``before`` is not
        later than the day after ``after``."""
        return self._count(after + timedelta(days=1), before - timedelta(days=1))

    def within(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both counted (a listing window)."""
        return self._count(first, last)

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself not counted): the
        last day of a period of that many working days beginning the day after."""
        if days < 1:
            raise ValueError("a period is at least one working day")
        day, counted = start, 0
        while counted < days:
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError(f"{days} working days run past {MAX_SPAN_DAYS} days")
            if self.is_workday(day):
                counted += 1
        return day

    def _count(self, first: date, last: date) -> int:
        if last < first:
            return 0
        if (last - first).days > MAX_SPAN_DAYS:
            raise ValueError(
                f"{first.isoformat()} to {last.isoformat()} is longer than {MAX_SPAN_DAYS} days"
            )
        return sum(
            1 for n in range((last - first).days + 1) if self.is_workday(first + timedelta(n))
        )


def _dates(value: Any, where: str) -> frozenset[date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of dates")
    found: set[date] = set()
    for item in value:
        if isinstance(item, date):
            found.add(item)
        elif isinstance(item, str):
            try:
                found.add(date.fromisoformat(item))
            except ValueError:
                raise ValueError(f"{where}: {item!r} is not a date like 2027-01-01") from None
        else:
            raise ValueError(f"{where}: {item!r} is not a date like 2027-01-01")
    return frozenset(found)


def read_schedule(path: Path) -> dict[int, YearSchedule]:
    """Year schedules added by the deployment: YAML ``{years: [{year, source, holidays:
    [dates], workdays: [dates]}]}``, ``workdays`` being the weekend days worked (调休).
    ``ValueError`` naming what is wrong (a date outside its year, a holiday on a weekday
    listed as worked)."""
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, list):
        raise ValueError(f"{path}: expected {{years: [{{year, holidays, workdays, source}}]}}")
    schedules: dict[int, YearSchedule] = {}
    for entry in years:
        if not isinstance(entry, dict) or not isinstance(entry.get("year"), int):
            raise ValueError(f"{path}: each entry needs its year, e.g. year: 2027")
        year = entry["year"]
        where = f"{path}: {year}"
        holidays = _dates(entry.get("holidays"), f"{where} holidays")
        workdays = _dates(entry.get("workdays"), f"{where} workdays")
        strays = sorted(d for d in holidays | workdays if d.year != year)
        if strays:
            raise ValueError(f"{where}: {strays[0].isoformat()} is not in {year}")
        both = sorted(holidays & workdays)
        if both:
            raise ValueError(f"{where}: {both[0].isoformat()} is both a holiday and worked")
        source = str(entry.get("source") or "").strip()
        if not source:
            raise ValueError(f"{where}: name the notice it copies (source)")
        schedules[year] = YearSchedule(year, holidays, workdays, source)
    return schedules


def calendar(
    schedule_file: Path | None = None, extra: Iterable[YearSchedule] = ()
) -> WorkdayCalendar:
    """The calendar of the package's years, with a deployment's added years."""
    added = read_schedule(schedule_file) if schedule_file is not None else {}
    added.update({s.year: s for s in extra})
    return WorkdayCalendar(added)
