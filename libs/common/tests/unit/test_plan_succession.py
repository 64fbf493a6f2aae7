"""Which plan is in force across a succession (规划接续), and where a plan stands."""

from __future__ import annotations

from datetime import date

import pytest

from lode_common.plan.data import bundled_raw_document
from lode_common.plan.document import PlanDocumentInvalid, load_plan_document
from lode_common.plan.succession import plan_in_force, standing

OLD, NEW, NEXT = "pingquan-2021-2025", "pingquan-2026-2030", "pingquan-2031-2035"


def test_the_configured_plan_is_in_force_until_a_successor_is_published() -> None:
    assert plan_in_force(OLD, {OLD: None}) == OLD
    assert plan_in_force(OLD, {}) == OLD
    assert plan_in_force(OLD, {OLD: None, NEW: OLD}) == NEW
    assert plan_in_force(OLD, {OLD: None, NEW: OLD, NEXT: NEW}) == NEXT


def test_another_county_s_successor_does_not_take_over() -> None:
    assert plan_in_force(OLD, {OLD: None, "kuancheng-2026-2030": "kuancheng-2021-2025"}) == OLD


def test_a_cycle_stops_instead_of_looping() -> None:
    assert plan_in_force(OLD, {OLD: NEW, NEW: OLD}) == NEW


@pytest.mark.parametrize(
    ("today", "predecessors", "expected"),
    [
        (date(2023, 5, 1), {OLD: None}, "in_force"),
        (date(2026, 12, 7), {OLD: None}, "ended_in_force"),
        (date(2026, 12, 7), {OLD: None, NEW: OLD}, "superseded"),
        (date(2020, 1, 1), {OLD: None}, "not_yet"),
    ],
)
def test_standing(today: date, predecessors: dict[str, str | None], expected: str) -> None:
    found = standing(OLD, (2021, 2025), predecessors, today)
    assert found.standing == expected
    assert found.message_zh
    assert found.message_en
    if expected == "ended_in_force":
        assert "继续执行" in found.message_zh
        assert "until it is replaced" in found.message_en
    if expected == "superseded":
        assert found.successor_plan_id == NEW
        assert NEW in found.message_zh


def test_a_document_names_its_predecessor_but_not_itself() -> None:
    raw = bundled_raw_document()
    raw["plan"] = {**raw["plan"], "id": NEW, "predecessor_plan_id": OLD}
    raw["plan"].update(base_year=2025, period=[2026, 2030], target_year=2030)
    assert load_plan_document(raw).plan.predecessor_plan_id == OLD
    raw["plan"]["predecessor_plan_id"] = NEW
    with pytest.raises(PlanDocumentInvalid, match="succeed itself"):
        load_plan_document(raw)
