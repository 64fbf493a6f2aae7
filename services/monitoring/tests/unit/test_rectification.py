"""Rectification orders (责令限期整改): the state table, separation of duties, the dates."""

from __future__ import annotations

from datetime import date

import pytest

from lode_monitoring.domain import rectification as rules

TODAY = date(2024, 5, 10)


@pytest.mark.parametrize(
    ("status", "outcome", "target"),
    [
        ("ordered", "done", "done"),
        ("ordered", "not_done", "ordered"),
        ("overdue", "done", "done"),
        ("overdue", "not_done", "overdue"),
    ],
)
def test_a_verification_by_another_inspector_moves_the_order(
    status: rules.RectificationStatus, outcome: rules.Outcome, target: str
) -> None:
    assert rules.verify(status, outcome, ordered_by="li", verifier="wang") == target


def test_a_done_order_is_final_and_says_what_is_allowed() -> None:
    with pytest.raises(rules.IllegalMove) as raised:
        rules.verify("done", "done", ordered_by="li", verifier="wang")
    assert raised.value.current_state == "done"
    assert raised.value.allowed == ()
    with pytest.raises(rules.IllegalMove):
        rules.lapse("done")
    assert rules.allowed_actions("done") == []
    assert rules.allowed_actions("ordered") == rules.allowed_actions("overdue") == ["verify"]


def test_the_inspector_who_ordered_cannot_verify() -> None:
    with pytest.raises(rules.NotAnotherInspector) as raised:
        rules.verify("ordered", "done", ordered_by="li", verifier="li")
    assert "另一名检查人员" in str(raised.value)
    assert "another inspector" in str(raised.value)


def test_only_an_ordered_order_lapses_and_only_after_its_due_day() -> None:
    assert rules.lapse("ordered") == "overdue"
    with pytest.raises(rules.IllegalMove):
        rules.lapse("overdue")  # once
    assert not rules.is_past_due(date(2024, 5, 10), TODAY)  # the due day itself is on time
    assert rules.is_past_due(date(2024, 5, 9), TODAY)


def test_the_order_date_defaults_to_today_and_the_due_date_follows_it() -> None:
    assert rules.order_dates(due=date(2024, 6, 30), ordered_on=None, today=TODAY) == (
        TODAY,
        date(2024, 6, 30),
    )
    backdated = rules.order_dates(due=date(2024, 6, 30), ordered_on=date(2024, 5, 1), today=TODAY)
    assert backdated == (date(2024, 5, 1), date(2024, 6, 30))
    # an order issued on paper and recorded after its due day: kept, overdue at the next pass
    late = rules.order_dates(due=date(2024, 5, 5), ordered_on=date(2024, 5, 1), today=TODAY)
    assert late == (date(2024, 5, 1), date(2024, 5, 5))
    assert rules.is_past_due(late[1], TODAY)


@pytest.mark.parametrize(
    ("due", "ordered_on", "fields"),
    [
        (TODAY, None, ["due"]),  # not after the order's date
        (date(2024, 6, 30), date(2024, 5, 11), ["ordered_on"]),  # ordered tomorrow
        (date(2024, 5, 11), date(2024, 5, 12), ["ordered_on", "due"]),
        (date(2024, 6, 30), date(1, 1, 1), ["ordered_on"]),  # no order is that old
        (date(9999, 12, 31), None, ["due"]),
    ],
)
def test_dates_that_cannot_be_are_refused_naming_the_field(
    due: date, ordered_on: date | None, fields: list[str]
) -> None:
    with pytest.raises(rules.InvalidRectification) as raised:
        rules.order_dates(due=due, ordered_on=ordered_on, today=TODAY)
    assert [e.field for e in raised.value.errors] == fields


def test_a_verification_is_dated_between_the_order_and_today() -> None:
    ordered_on = date(2024, 5, 1)
    assert rules.verification_date(given=None, ordered_on=ordered_on, today=TODAY) == TODAY
    for wrong in (date(2024, 4, 30), date(2024, 5, 11)):
        with pytest.raises(rules.InvalidRectification) as raised:
            rules.verification_date(given=wrong, ordered_on=ordered_on, today=TODAY)
        assert raised.value.as_dicts()[0]["field"] == "verified_on"


def test_findings_are_open_ones_of_the_licence_each_once_named_by_index() -> None:
    open_ids = frozenset({"f1", "f2"})
    assert rules.check_findings(["f2", "f1"], open_ids) == ["f2", "f1"]
    with pytest.raises(rules.InvalidRectification) as raised:
        rules.check_findings(["f1", "x", "f1"], open_ids)
    assert [e.field for e in raised.value.errors] == ["finding_ids[1]", "finding_ids[2]"]
    with pytest.raises(rules.InvalidRectification) as none:
        rules.check_findings([], open_ids)
    assert none.value.errors[0].field == "finding_ids"
