"""What changed between two versions of a plan document (规划版本对比), without I/O.

``plan_changes(before, after)`` compares two published documents (plain JSON data) and
lists each change an officer reads: an item added or removed, one field of an item changed.

* Lists of items with an identity (``KEYED``: an entry rule's ``id``, a standards row's
  mineral and method …) are compared by that identity, so a reordered list is no change;
  if a list repeats an identity it is compared by position instead.
* The mineral lists of the policy (``SETS``) are compared as sets: one change per name.
* Everything else is compared field by field down to the scalars, by path; numbers
  compare as numbers (``10 == 10.0``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Kind = Literal["added", "removed", "changed"]
Where = tuple[str, ...]
"""A path with its list indices left out: the shape a table below names."""


@dataclass(frozen=True)
class Keyed:
    fields: tuple[str, ...]
    item_zh: str


SECTIONS_ZH: Mapping[str, str] = {
    "plan": "规划信息",
    "region": "规划区域",
    "baseline_2020": "基期现状",
    "previous_plan_results": "上轮规划完成情况",
    "indicators": "主要规划指标",
    "text_targets": "文字目标",
    "mineral_policy": "矿产勘查开采政策",
    "entry_rules": "准入规则",
    "zones": "规划分区",
    "projects": "重点项目",
    "governance": "保障措施",
    "standards": "国家标准",
}
KEYED: Mapping[Where, Keyed] = {
    ("indicators", "items"): Keyed(("id",), "指标"),
    ("text_targets",): Keyed(("id",), "文字目标"),
    ("entry_rules",): Keyed(("id",), "准入规则"),
    ("zones", "types"): Keyed(("id",), "分区类型"),
    ("zones", "key_development_regions"): Keyed(("name_zh",), "重点开发区域"),
    ("projects",): Keyed(("id",), "重点项目"),
    ("governance",): Keyed(("id",), "保障措施"),
    ("standards", "mineral_catalogue"): Keyed(("zh",), "矿种目录"),
    ("standards", "scale_classes", "items"): Keyed(("mineral_zh", "method"), "规模划分"),
    ("standards", "minimum_scales", "items"): Keyed(("mineral_zh", "method"), "最低开采规模"),
    ("standards", "three_rates_minimums", "items"): Keyed(
        ("mineral_zh", "ore_type", "method", "scale"), "三率最低指标"
    ),
}
SETS: Mapping[Where, str] = {
    ("mineral_policy", "exploration", "priority_zh"): "重点勘查矿种",
    ("mineral_policy", "exploration", "prohibited_zh"): "禁止勘查矿种",
    ("mineral_policy", "mining", "priority_zh"): "重点开采矿种",
    ("mineral_policy", "mining", "restricted_zh"): "限制开采矿种",
    ("mineral_policy", "mining", "prohibited_zh"): "禁止开采矿种",
}
FIELDS_ZH: Mapping[str, str] = {
    "target": "目标值",
    "cumulative": "累计",
    "name_zh": "名称",
    "unit_zh": "单位",
    "statement_zh": "表述",
    "nature_zh": "属性",
    "limit": "限值",
    "minimum": "最低规模",
    "large_min": "大型下限",
    "medium_min": "中型下限",
    "mining_recovery_min": "开采回采率下限",
    "processing_recovery_min": "选矿回收率下限",
    "comprehensive_utilization_min": "综合利用率下限",
    "clause": "条款",
}
LABEL_VALUE_MAX = 40
"""A value longer than this is cut in the label (the change carries it whole)."""


@dataclass(frozen=True)
class PlanChange:
    section: str
    section_zh: str
    path: str
    key: str | None
    kind: Kind
    before: Any
    after: Any
    label_zh: str


@dataclass(frozen=True)
class _Item:
    """The innermost keyed item a change is in, for its key and label."""

    key: str
    item_zh: str
    field: str


def plan_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[PlanChange]:
    """Every change from ``before`` to ``after``, in the order of ``after``'s sections."""
    return list(_compare(before, after, path="", where=(), item=None))


def same(a: Any, b: Any) -> bool:
    """Equal as plan data: numbers as numbers, lists and mappings element by element."""
    if _number(a) and _number(b):
        return Decimal(str(a)) == Decimal(str(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if _list(a) and _list(b):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def _compare(
    before: Any, after: Any, *, path: str, where: Where, item: _Item | None
) -> Iterator[PlanChange]:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        yield from _mappings(before, after, path=path, where=where, item=item)
    elif _list(before) and _list(after) and where in SETS:
        yield from _sets(before, after, path=path, where=where)
    elif _list(before) and _list(after) and where in KEYED:
        yield from _keyed(before, after, path=path, where=where, item=item)
    elif _list(before) and _list(after):
        yield from _positional(before, after, path=path, where=where, item=item)
    elif not same(before, after):
        yield _change("changed", before, after, path=path, where=where, item=item)


def _mappings(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    path: str,
    where: Where,
    item: _Item | None,
) -> Iterator[PlanChange]:
    for name in [*after, *(k for k in before if k not in after)]:
        inner = f"{path}.{name}" if path else name
        here = (*where, name)
        within = _Item(item.key, item.item_zh, _join(item.field, name)) if item else None
        if name not in before:
            yield _change("added", None, after[name], path=inner, where=here, item=within)
        elif name not in after:
            yield _change("removed", before[name], None, path=inner, where=here, item=within)
        else:
            yield from _compare(before[name], after[name], path=inner, where=here, item=within)


def _sets(
    before: Sequence[Any], after: Sequence[Any], *, path: str, where: Where
) -> Iterator[PlanChange]:
    list_zh = SETS[where]
    for i, name in enumerate(after):
        if not any(same(name, b) for b in before):
            yield _member("added", name, f"{path}[{i}]", where, f"{list_zh} 新增 {_text(name)}")
    for i, name in enumerate(before):
        if not any(same(name, a) for a in after):
            yield _member("removed", name, f"{path}[{i}]", where, f"{list_zh} 删除 {_text(name)}")


def _member(kind: Kind, name: Any, path: str, where: Where, label: str) -> PlanChange:
    before, after = (None, name) if kind == "added" else (name, None)
    section = where[0]
    return PlanChange(section, _section_zh(section), path, _text(name), kind, before, after, label)


def _keyed(
    before: Sequence[Any],
    after: Sequence[Any],
    *,
    path: str,
    where: Where,
    item: _Item | None,
) -> Iterator[PlanChange]:
    spec = KEYED[where]
    old, new = _by_key(before, spec), _by_key(after, spec)
    if old is None or new is None:  # an identity repeated: no identity to go by
        yield from _positional(before, after, path=path, where=where, item=item)
        return
    for key, (i, entry) in new.items():
        inner = f"{path}[{i}]"
        if key not in old:
            yield _item_change("added", None, entry, inner, where, key, spec)
        else:
            within = _Item(key, spec.item_zh, "")
            yield from _compare(old[key][1], entry, path=inner, where=where, item=within)
    for key, (i, entry) in old.items():
        if key not in new:
            yield _item_change("removed", entry, None, f"{path}[{i}]", where, key, spec)


def _by_key(items: Sequence[Any], spec: Keyed) -> dict[str, tuple[int, Any]] | None:
    found: dict[str, tuple[int, Any]] = {}
    for i, entry in enumerate(items):
        if not isinstance(entry, Mapping):
            return None
        key = " / ".join(_text(entry[f]) for f in spec.fields if entry.get(f) is not None)
        if key in found:
            return None
        found[key] = (i, entry)
    return found


def _item_change(
    kind: Kind, before: Any, after: Any, path: str, where: Where, key: str, spec: Keyed
) -> PlanChange:
    verb = "新增" if kind == "added" else "删除"
    section = where[0]
    label = f"{verb}{spec.item_zh} {key}"
    return PlanChange(section, _section_zh(section), path, key, kind, before, after, label)


def _positional(
    before: Sequence[Any],
    after: Sequence[Any],
    *,
    path: str,
    where: Where,
    item: _Item | None,
) -> Iterator[PlanChange]:
    for i in range(max(len(before), len(after))):
        inner = f"{path}[{i}]"
        within = _Item(item.key, item.item_zh, f"{item.field}[{i}]") if item else None
        if i >= len(before):
            yield _change("added", None, after[i], path=inner, where=where, item=within)
        elif i >= len(after):
            yield _change("removed", before[i], None, path=inner, where=where, item=within)
        else:
            yield from _compare(before[i], after[i], path=inner, where=where, item=within)


def _change(
    kind: Kind, before: Any, after: Any, *, path: str, where: Where, item: _Item | None
) -> PlanChange:
    section = where[0] if where else ""
    section_zh = _section_zh(section)
    if item is not None:
        subject = f"{item.item_zh} {item.key} {FIELDS_ZH.get(item.field, item.field)}"
    else:
        subject = f"{section_zh} {path}"
    if kind == "changed":
        label = f"{subject} {_short(before)} → {_short(after)}"
    elif kind == "added":
        label = f"{subject} 新增 {_short(after)}"
    else:
        label = f"{subject} 删除 {_short(before)}"
    key = item.key if item else None
    return PlanChange(section, section_zh, path, key, kind, before, after, label)


def _section_zh(section: str) -> str:
    return SECTIONS_ZH.get(section, section)


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _list(value: Any) -> bool:
    return isinstance(value, list | tuple)


def _text(value: Any) -> str:
    if _list(value):
        return "+".join(_text(v) for v in value)
    return str(value)


def _short(value: Any) -> str:
    if isinstance(value, Mapping | list | tuple):
        return "(…)" if value else "(空)"
    text = "(无)" if value is None else _text(value)
    return text if len(text) <= LABEL_VALUE_MAX else text[: LABEL_VALUE_MAX - 1] + "…"
