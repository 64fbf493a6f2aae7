"""Which indicators a proposal changes (``domain.indicator_changes``)."""

from __future__ import annotations

from typing import Any

from lode_zoning.domain.indicator_changes import indicator_changes


def doc(*items: tuple[str, Any]) -> dict[str, Any]:
    return {
        "indicators": {
            "items": [
                {"id": i, "name_zh": f"指标{i}", "unit_zh": "万吨", "target": t} for i, t in items
            ]
        }
    }


def test_changed_added_and_removed_targets() -> None:
    before = doc(("a", 100), ("b", 5), ("gone", 1))
    after = doc(("a", 120), ("b", 5), ("new", 7))
    found = [(c.id, c.kind, c.before, c.after) for c in indicator_changes(before, after)]
    assert found == [
        ("a", "changed", 100, 120),
        ("new", "added", None, 7),
        ("gone", "removed", 1, None),
    ]


def test_the_same_targets_change_nothing() -> None:
    assert indicator_changes(doc(("a", 1)), doc(("a", 1))) == []
    assert indicator_changes({}, {}) == []
