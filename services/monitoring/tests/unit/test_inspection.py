"""Inspections (现场检查): the rules of inspectors, items and result, and the finding."""

from __future__ import annotations

from datetime import date

from lode_monitoring.domain.finding import REPORT_CODES
from lode_monitoring.domain.inspection import Item, Roster, discrepancy, inspection_problems

A = "91130881MA0A000007"
ROSTER = Roster(
    active=frozenset({"a", "b", "c"}),
    known=frozenset({"a", "b", "c", "old"}),
    related={"c": frozenset({A})},
)
TODAY = date(2026, 6, 1)
OK = Item("output", 28.0, 28.0, ok=True)
WRONG = Item("mining_recovery", 91.0, 80.0, ok=False)


def _fields(**changes: object) -> list[str]:
    facts: dict[str, object] = {
        "inspectors": ["a", "b"],
        "items": [OK],
        "result": "compliant",
        "inspected_on": TODAY,
        "today": TODAY,
        "holder": A,
        "roster": ROSTER,
    }
    facts.update(changes)
    return [e.field for e in inspection_problems(**facts)]  # type: ignore[arg-type]


def test_a_well_formed_inspection_breaks_no_rule() -> None:
    assert _fields() == []
    assert _fields(items=[OK, WRONG], result="non_compliant") == []
    assert _fields(assigned=["b", "a"]) == []


def test_inspectors_two_distinct_in_the_roster_active_and_not_related() -> None:
    assert _fields(inspectors=["a", "a"]) == ["inspectors", "inspectors[1]"]
    assert _fields(inspectors=["a", "x"]) == ["inspectors[1]"]
    assert _fields(inspectors=["a", "old"]) == ["inspectors[1]"]
    assert _fields(inspectors=["c", "a"]) == ["inspectors[0]"]  # 回避
    assert _fields(assigned=["a", "c"]) == ["inspectors"]


def test_the_result_must_agree_with_the_items() -> None:
    assert _fields(items=[OK, WRONG]) == ["result"]
    assert _fields(result="non_compliant") == ["result"]
    assert _fields(items=[]) == ["items"]
    assert _fields(items=[OK, OK]) == ["items[1].item"]
    other = Item("other", None, "x", ok=True)
    assert _fields(items=[other, other]) == []
    false_but_ok = Item("output", 28.0, 40.0, ok=True, false_filing=True)
    assert _fields(items=[false_but_ok]) == ["items[0].ok"]
    assert _fields(inspected_on=date(2026, 6, 2)) == ["inspected_on"]


def test_a_discrepancy_is_a_violation_citing_the_items_not_ok() -> None:
    found = discrepancy(inspection_id="i-1", licence_no="C1", year=2025, items=[OK, WRONG])
    assert (found.code, found.severity, found.key) == (
        "inspection_discrepancy",
        "violation",
        "inspection_discrepancy:C1:2025:i-1",
    )
    assert found.details["items"] == [WRONG.as_dict()]
    assert "开采回采率" in found.message_zh
    assert "inspection_discrepancy" not in REPORT_CODES
