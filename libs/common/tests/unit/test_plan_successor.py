"""The draft of a successor plan (下一轮规划) from the plan in force."""

from __future__ import annotations

import pytest

from lode_common.plan.data import PINGQUAN_PLAN_ID, bundled_raw_document
from lode_common.plan.document import load_plan_document
from lode_common.plan.successor import successor_draft

NEW = "pingquan-2026-2030"


def test_the_draft_is_a_valid_successor_of_the_2021_2025_plan() -> None:
    old = bundled_raw_document()
    draft = successor_draft(old, plan_id=NEW, period=(2026, 2030))
    document = load_plan_document(draft)
    plan = document.plan
    assert plan.id == NEW
    assert plan.predecessor_plan_id == PINGQUAN_PLAN_ID
    assert (plan.base_year, plan.period, plan.target_year) == (2025, (2026, 2030), 2030)
    assert plan.title_zh == "平泉市矿产资源总体规划（2026-2030年）"
    assert plan.title_en == "Pingquan City Mineral Resources Master Plan (2026-2030)"
    assert plan.outlook_year == 2035  # still after the new target year: kept
    assert document.entry_rules == load_plan_document(old).entry_rules  # carried over as is
    assert old["plan"]["id"] == PINGQUAN_PLAN_ID  # the old document is not touched


@pytest.mark.parametrize(
    ("plan_id", "period", "field"),
    [
        (PINGQUAN_PLAN_ID, (2026, 2030), "plan_id"),
        (NEW, (2025, 2030), "period"),
        (NEW, (2028, 2027), "period"),
    ],
)
def test_a_draft_that_would_not_succeed_is_refused(
    plan_id: str, period: tuple[int, int], field: str
) -> None:
    with pytest.raises(ValueError, match=f"^{field}:"):
        successor_draft(bundled_raw_document(), plan_id=plan_id, period=period)


def test_an_outlook_year_before_the_new_target_is_dropped() -> None:
    draft = successor_draft(bundled_raw_document(), plan_id=NEW, period=(2036, 2040))
    assert "outlook_year" not in draft["plan"]
    assert load_plan_document(draft).plan.outlook_year is None
