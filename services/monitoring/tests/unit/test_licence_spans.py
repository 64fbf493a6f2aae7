"""The closed-form day counts of a licence's statuses equal counting day by day."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lode_monitoring.domain.licence import (
    LICENCE_STATUSES,
    LicenceStatus,
    LicenceView,
    StatusChange,
)

DAYS = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31))


def _day_by_day(lic: LicenceView, first: date, last: date) -> tuple[int, Counter[LicenceStatus]]:
    start = max(first, lic.valid_from)
    licensed = max((last - start).days + 1, 0)
    inactive: Counter[LicenceStatus] = Counter()
    for offset in range(licensed):
        status = lic.status_on(start + timedelta(days=offset))
        if status is not None and status != "active":
            inactive[status] += 1
    return licensed, inactive


@st.composite
def licences(draw: st.DrawFn) -> LicenceView:
    valid_from = draw(DAYS)
    valid_to = valid_from + timedelta(days=draw(st.integers(0, 3000)))
    changes = draw(st.lists(st.tuples(st.sampled_from(LICENCE_STATUSES), DAYS), max_size=6))
    return LicenceView(
        licence_no="C1308812022017120000031",
        right_type="mining",
        mineral="铁矿",
        valid_from=valid_from,
        valid_to=valid_to,
        status_history=tuple(StatusChange(s, d) for s, d in changes),
    )


@settings(max_examples=300, deadline=None)
@given(licences(), DAYS, st.integers(0, 800))
def test_inactive_days_count_every_day(lic: LicenceView, first: date, length: int) -> None:
    last = first + timedelta(days=length)
    assert lic.inactive_days(first, last) == _day_by_day(lic, first, last)
    active = any(lic.active_on(first + timedelta(days=d)) for d in range((last - first).days + 1))
    assert lic.active_in(first, last) == active


def test_a_year_with_a_suspension_and_the_expiry() -> None:
    lic = LicenceView(
        licence_no="C1308812022017120000031",
        right_type="mining",
        mineral="铁矿",
        valid_from=date(2020, 3, 1),
        valid_to=date(2023, 9, 30),
        status_history=(
            StatusChange("suspended", date(2023, 2, 1)),
            StatusChange("active", date(2023, 3, 1)),
        ),
    )
    licensed, inactive = lic.inactive_days(date(2023, 1, 1), date(2023, 12, 31))
    assert licensed == 365
    assert inactive == Counter({"suspended": 28, "expired": 92})
    assert lic.inactive_days(date(2019, 1, 1), date(2019, 12, 31)) == (0, Counter())
