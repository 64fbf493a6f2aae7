"""Finding keys and reconcile: open once, close when no longer found."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lode_monitoring.domain.finding import Finding, finding_key, reconcile

from .builders import MINING_NO


def _finding(code: str = "over_capacity", year: int = 2021, **kw: object) -> Finding:
    fields: dict[str, object] = {
        "code": code,
        "severity": "violation",
        "licence_no": MINING_NO,
        "year": year,
        "message_zh": "…",
        "message_en": "…",
        "standard_or_clause": "…",
    }
    fields.update(kw)
    return Finding(**fields)  # type: ignore[arg-type]


def test_keys() -> None:
    assert _finding().key == f"over_capacity:{MINING_NO}:2021"
    assert _finding(period="Q1").key == f"over_capacity:{MINING_NO}:2021:Q1"
    assert (
        _finding("three_rates_below_standard", subject="mining_recovery").key
        == f"three_rates_below_standard:{MINING_NO}:2021:mining_recovery"
    )
    assert finding_key("x", MINING_NO, 2021, "Q2", "y") == f"x:{MINING_NO}:2021:Q2:y"


def test_the_key_ignores_wording_and_severity() -> None:
    finding = _finding()
    reworded = replace(finding, message_en="other words", severity="warning", details={"a": 1})
    assert reworded.key == finding.key


def test_details_are_read_only() -> None:
    finding = _finding(details={"a": 1})
    assert dict(finding.details) == {"a": 1}
    with pytest.raises(TypeError):
        finding.details["a"] = 2  # type: ignore[index]


def test_a_new_finding_opens() -> None:
    new = _finding()
    assert reconcile([], [new]) == ([new], [])


def test_a_finding_found_again_stays_open() -> None:
    new = _finding()
    assert reconcile([new.key], [new]) == ([], [])


def test_a_corrected_report_closes_what_it_no_longer_produces() -> None:
    stays = _finding("three_rates_below_standard", subject="mining_recovery")
    gone = _finding("over_capacity")
    assert reconcile([stays.key, gone.key], [stays]) == ([], [gone.key])


def test_duplicates_count_once() -> None:
    first = _finding()
    again = replace(first, message_en="again")
    to_open, to_close = reconcile([], [first, again])
    assert to_open == [first]
    assert to_close == []
    assert reconcile(["k", "k"], []) == ([], ["k"])


keys = st.sampled_from(["a", "b", "c", "d"])
codes = st.sampled_from(["over_capacity", "restoration_behind_plan", "annual_report_missing"])
years = st.integers(2021, 2023)


@given(st.lists(keys), st.lists(st.tuples(codes, years)))
def test_reconcile_leaves_exactly_the_new_keys_open(
    open_keys: list[str], new: list[tuple[str, int]]
) -> None:
    findings = [_finding(code, year) for code, year in new]
    to_open, to_close = reconcile(open_keys, findings)
    after = (set(open_keys) - set(to_close)) | {f.key for f in to_open}
    assert after == {f.key for f in findings}
    assert not set(to_close) & {f.key for f in findings}
    assert len({f.key for f in to_open}) == len(to_open)
    assert not {f.key for f in to_open} & set(open_keys)
