"""The monitoring view of a licence: status on a day, inactive days (licence.py)."""

from __future__ import annotations

from datetime import date

import pytest

from lode_monitoring.domain.errors import LicenceDataInvalid
from lode_monitoring.domain.licence import StatusChange

from .builders import licence, suspended_from


def test_before_issue_there_is_no_status() -> None:
    lic = licence(valid_from=date(2021, 7, 1))
    assert lic.status_on(date(2021, 6, 30)) is None
    assert lic.status_on(date(2021, 7, 1)) == "active"


def test_a_status_holds_from_its_day_until_the_next_change() -> None:
    lic = licence(status_history=suspended_from(date(2021, 5, 1), until=date(2021, 6, 1)))
    assert lic.status_on(date(2021, 4, 30)) == "active"
    assert lic.status_on(date(2021, 5, 1)) == "suspended"
    assert lic.status_on(date(2021, 5, 31)) == "suspended"
    assert lic.status_on(date(2021, 6, 1)) == "active"


def test_after_validity_an_active_licence_counts_as_expired() -> None:
    lic = licence(valid_to=date(2021, 12, 31))
    assert lic.status_on(date(2021, 12, 31)) == "active"
    assert lic.status_on(date(2022, 1, 1)) == "expired"


def test_a_revoked_licence_stays_revoked_after_validity() -> None:
    lic = licence(
        valid_to=date(2021, 12, 31), status_history=(StatusChange("revoked", date(2021, 3, 1)),)
    )
    assert lic.status_on(date(2022, 1, 1)) == "revoked"


def test_history_order_does_not_matter_and_the_days_last_change_holds() -> None:
    lic = licence(
        status_history=(
            StatusChange("active", date(2021, 9, 1)),
            StatusChange("suspended", date(2021, 8, 1)),
            StatusChange("active", date(2021, 8, 1)),
        )
    )
    assert [c.from_date for c in lic.status_history] == [date(2021, 8, 1), date(2021, 9, 1)]
    assert lic.status_on(date(2021, 8, 1)) == "active"


def test_inactive_days_count_from_issue() -> None:
    lic = licence(
        valid_from=date(2021, 7, 1),
        status_history=suspended_from(date(2021, 11, 1)),
    )
    licensed, inactive = lic.inactive_days(date(2021, 1, 1), date(2021, 12, 31))
    assert licensed == 184  # 1 July - 31 December
    assert inactive == {"suspended": 61}


def test_validity_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(LicenceDataInvalid, match="before it starts"):
        licence(valid_from=date(2022, 1, 1), valid_to=date(2021, 1, 1))


def test_touches() -> None:
    lic = licence(valid_from=date(2021, 7, 1), valid_to=date(2023, 6, 30))
    assert lic.touches(date(2021, 1, 1), date(2021, 7, 1))
    assert lic.touches(date(2023, 6, 30), date(2023, 12, 31))
    assert not lic.touches(date(2021, 1, 1), date(2021, 6, 30))
    assert not lic.touches(date(2023, 7, 1), date(2023, 12, 31))
