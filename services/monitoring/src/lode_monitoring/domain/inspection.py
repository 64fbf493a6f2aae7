"""Inspections (现场检查): the items inspected, what the mine filed against what was found,
the rules an inspection must keep, and the finding a non-compliant one opens.

Rules (each broken one a :class:`~.errors.FieldError`, all reported at once):

* at least two inspectors, distinct, each active in the roster (检查人员名录), none
  recorded as related to the holder (回避); for a drawn licence exactly the two drawn;
* ``inspected_on`` not in the future (CST);
* at least one item; an item name at most once (``other`` may repeat);
* a false filing (虚假填报) is not ok; ``compliant`` with an item not ok, or
  ``non_compliant`` with every item ok, contradicts itself.

A non-compliant inspection opens ``inspection_discrepancy`` (severity violation) citing the
items not ok; a false-filing item also puts the holder on the abnormal list
(:mod:`.listing`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal, get_args

from lode_common.events.supervision import INSPECTION_ITEM_ZH, InspectionItemName

from .errors import FieldError
from .finding import Finding

ITEM_NAMES: Final[tuple[InspectionItemName, ...]] = get_args(InspectionItemName)
ITEM_ZH: Final[dict[str, str]] = INSPECTION_ITEM_ZH

Result = Literal["compliant", "non_compliant"]
"""合规 / 不合规."""

FILED_FROM: Final[dict[InspectionItemName, str]] = {
    "output": "annual report ore_mined_10kt",
    "mining_recovery": "annual report mining_recovery_pct",
    "processing_recovery": "annual report processing_recovery_pct",
    "comprehensive_utilization": "annual report comprehensive_utilization_pct",
    "restoration": "annual report restored_area_ha",
    "reserves": "reserves report closing_10kt (the licence's mineral)",
}
"""Where an item's ``filed`` is read from when the inspector leaves it out: the year's
current annual report (开发利用年报) and reserves report (储量年报). ``boundary`` and
``other`` have no filed figure."""

INSPECTION_CLAUSE: Final = (
    "矿产资源法 (监督检查); 平泉市矿产资源总体规划 第四章第三节 (定期检查) — confidence: unverified"
)
"""What ``inspection_discrepancy`` enforces, as the issue cites it (not checked against the
texts here)."""

Filed = str | float | None


@dataclass(frozen=True)
class Item:
    """One item of an inspection (检查事项)."""

    item: InspectionItemName
    filed: Filed
    found: Filed
    ok: bool
    false_filing: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "item": self.item,
            "filed": self.filed,
            "found": self.found,
            "ok": self.ok,
            "false_filing": self.false_filing,
        }


@dataclass(frozen=True)
class Roster:
    """The roster as an inspection is checked against it: the active inspectors and, per
    inspector, the credit codes it must not inspect."""

    active: frozenset[str]
    known: frozenset[str]
    related: Mapping[str, frozenset[str]]


def inspection_problems(
    *,
    inspectors: Sequence[str],
    items: Sequence[Item],
    result: Result,
    inspected_on: date,
    today: date,
    holder: str,
    roster: Roster,
    assigned: Collection[str] | None = None,
) -> list[FieldError]:
    """Every rule the inspection breaks (empty when it keeps them all). ``assigned`` is the
    drawn inspectors when the inspection is of a draw."""
    errors: list[FieldError] = []
    if inspected_on > today:
        errors.append(
            FieldError("inspected_on", f"检查日期不能晚于今天 — {inspected_on} is after today")
        )
    if len(set(inspectors)) < 2:
        errors.append(
            FieldError("inspectors", "至少两名不同的检查人员 — at least two distinct inspectors")
        )
    for index, inspector in enumerate(inspectors):
        where = f"inspectors[{index}]"
        if inspectors.index(inspector) != index:
            errors.append(FieldError(where, f"重复 — {inspector} is named twice"))
        elif inspector not in roster.known:
            errors.append(
                FieldError(where, f"不在检查人员名录中 — {inspector} is not in the roster")
            )
        elif inspector not in roster.active:
            errors.append(FieldError(where, f"已停用 — {inspector} is not active"))
        elif holder in roster.related.get(inspector, frozenset()):
            errors.append(
                FieldError(
                    where,
                    f"应当回避 — {inspector} is recorded as related to the holder {holder}",
                )
            )
    if assigned is not None and set(inspectors) != set(assigned):
        errors.append(
            FieldError(
                "inspectors",
                "须为抽取的检查人员 — a drawn licence is inspected by the inspectors drawn "
                f"for it: {', '.join(sorted(assigned))}",
            )
        )
    errors.extend(_item_problems(items, result))
    return errors


def _item_problems(items: Sequence[Item], result: Result) -> list[FieldError]:
    errors: list[FieldError] = []
    if not items:
        return [FieldError("items", "至少一个检查事项 — at least one item")]
    counts: Counter[str] = Counter(i.item for i in items if i.item != "other")
    for index, item in enumerate(items):
        if counts[item.item] > 1 and [i.item for i in items].index(item.item) != index:
            errors.append(FieldError(f"items[{index}].item", f"重复 — {item.item} is listed twice"))
        if item.false_filing and item.ok:
            errors.append(
                FieldError(
                    f"items[{index}].ok",
                    "虚假填报的事项不能为合格 — a false filing is not ok: send ok false",
                )
            )
    not_ok = [i for i in items if not i.ok]
    if result == "compliant" and not_ok:
        errors.append(
            FieldError(
                "result",
                "有不合格事项时结论不能为合规 — compliant, but items are not ok: "
                + ", ".join(i.item for i in not_ok),
            )
        )
    if result == "non_compliant" and not not_ok:
        errors.append(
            FieldError(
                "result",
                "结论为不合规时须有不合格事项 — non_compliant, but every item is ok: mark the "
                "items found wrong ok false",
            )
        )
    return errors


def discrepancy(
    *, inspection_id: str, licence_no: str, year: int, items: Sequence[Item]
) -> Finding:
    """``inspection_discrepancy``: the items of a non-compliant inspection that were not ok."""
    wrong = [i for i in items if not i.ok]
    names_zh = "、".join(ITEM_ZH[i.item] for i in wrong)
    names_en = ", ".join(i.item for i in wrong)
    return Finding(
        code="inspection_discrepancy",
        severity="violation",
        licence_no=licence_no,
        year=year,
        message_zh=f"现场检查发现与填报不符或不合规: {names_zh}",
        message_en=f"the inspection found discrepancies or non-compliance: {names_en}",
        standard_or_clause=INSPECTION_CLAUSE,
        details={
            "inspection_id": inspection_id,
            "items": [i.as_dict() for i in wrong],
        },
        subject=inspection_id,
    )
