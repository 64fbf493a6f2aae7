"""Which main plan indicators (专栏2 主要规划指标) a proposal changes: every indicator whose
target differs between two documents, and those it adds or removes. The indicators are
monitored against these targets, so a changed target is what the what-if must show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lode_common.plan.diff import plan_changes


@dataclass(frozen=True)
class IndicatorChange:
    id: str
    name_zh: str
    unit_zh: str
    kind: Literal["added", "removed", "changed"]
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "unit_zh": self.unit_zh,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }


def _items(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {i["id"]: i for i in document.get("indicators", {}).get("items", [])}


def indicator_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[IndicatorChange]:
    """The indicators of ``after`` whose target is not that of ``before`` (as published
    documents), and those it adds or removes: the indicators' share of the plan's readable
    diff (:func:`lode_common.plan.diff.plan_changes`, which compares the items by id and
    numbers as numbers), with each indicator's name and unit."""
    old, new = _items(before), _items(after)
    found = []
    for change in plan_changes(before, after):
        if change.section != "indicators" or change.key is None:
            continue
        if change.kind == "added" and change.key in new and change.key not in old:
            item = new[change.key]
            found.append(_change(item, "added", None, item.get("target")))
        elif change.kind == "removed" and change.key in old and change.key not in new:
            item = old[change.key]
            found.append(_change(item, "removed", item.get("target"), None))
        elif change.path.endswith(".target") and change.key in new:
            found.append(_change(new[change.key], "changed", change.before, change.after))
    return found


def _change(item: Mapping[str, Any], kind: Any, before: Any, after: Any) -> IndicatorChange:
    return IndicatorChange(
        str(item["id"]),
        str(item.get("name_zh", "")),
        str(item.get("unit_zh", "")),
        kind,
        before,
        after,
    )
