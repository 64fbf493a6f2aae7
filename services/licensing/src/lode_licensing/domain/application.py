"""An application (申请) for an exploration right (探矿权) or a mining right (采矿权).

:func:`parse_application` reads a JSON-like body (the API's shape) against the plan in
force and returns an immutable :class:`Application`, or raises
:class:`~.errors.InvalidApplication` listing *every* invalid field as ``{field,
message}``. Quantities become ``Decimal``; floats are read back as the digits they were
written with.

Kinds: ``new`` (新立), ``renewal`` (延续), ``change`` (变更: of area, capacity, mineral or
method), ``transfer`` (转让: names the new holder), ``cancellation`` (注销: a mine's
cancellation carries the closure report 闭坑报告 and the state of geological-environment
restoration 地质环境恢复治理 the plan requires before a mine closes, 第五章第三节). All
kinds but ``new`` name the licence (采矿许可证/勘查许可证) by its number. A ``new``
application may name what the right rests on (:mod:`.right_basis`): the grant it was won
by (``grant_id``, 出让) or, for a mine, the applicant's exploration licence (探转采).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal, get_args

from lode_common.credit_code import credit_code_problem
from lode_common.limits import (
    CODE_MAX,
    ELEVATION_MAX_M,
    ELEVATION_MIN_M,
    NAME_MAX,
    PERCENT_MAX,
    QUANTITY_MAX,
)
from lode_common.plan.standards import CatalogueEntry

from .catalogue import standard_zh
from .errors import FieldError, InvalidApplication, InvalidInput
from .fields import checked_text, decimal_number, shown, strict_bool, unknown_fields
from .licence import licence_no_problem
from .minerals import (
    Capacity,
    accepted_units,
    daily_unit_required,
    normalise_unit,
    resolve_mineral,
)
from .party import Party
from .restoration import RestorationPlan, parse_restoration_plan
from .right_basis import parse_basis
from .rulebook import PlanRules, ThreeRate
from .three_rates import ore_types
from .vocabulary import (
    APPLICATION_KINDS,
    RIGHT_TYPE_ZH,
    RIGHT_TYPES,
    TONNES_PER_DAY,
    ApplicationKind,
    RightType,
)

ChangeItem = Literal["area", "capacity", "mineral", "method"]
CHANGE_ITEMS: Final[tuple[ChangeItem, ...]] = get_args(ChangeItem)
RestorationStatus = Literal["not_started", "in_progress", "completed"]
RESTORATION_STATUSES: Final[tuple[RestorationStatus, ...]] = get_args(RestorationStatus)
RESTORATION_PLAN_KINDS: Final[tuple[ApplicationKind, ...]] = ("new", "renewal", "change")
"""The mining applications that may carry a (new or revised) restoration plan (复垦方案)."""
_PERCENT_FIELDS: Final[tuple[tuple[str, ThreeRate], ...]] = (
    ("mining_recovery_pct", "mining_recovery"),
    ("processing_recovery_pct", "processing_recovery"),
    ("comprehensive_utilization_pct", "comprehensive_utilization"),
)
APPLICATION_FIELDS: Final = frozenset(
    {
        "right_type",
        "kind",
        "applicant",
        "mineral",
        "mining_method",
        "capacity",
        "area",
        "depth_m",
        "reserves_10kt",
        "development_plan",
        "green_mine_plan",
        "demonstration_report",
        "licence_no",
        "new_holder",
        "changes",
        "closure_report",
        "restoration_status",
        "restoration_plan",
        "late",
        "grant_id",
        "exploration_licence_no",
    }
)
"""The fields an application body may carry (API.md); any other is refused by name."""
PARTY_FIELDS: Final = frozenset({"name", "credit_code"})
CAPACITY_FIELDS: Final = frozenset({"value", "unit"})
AREA_FIELDS: Final = frozenset({"geometry", "corners", "crs"})
DEVELOPMENT_PLAN_FIELDS: Final = frozenset(
    {*(key for key, _ in _PERCENT_FIELDS), "ore_type", "concentrate_output_10kt"}
)


@dataclass(frozen=True)
class DepthRange:
    """开采深度: elevations in metres, ``top_m`` above ``bottom_m`` (e.g. 650 m to 420 m)."""

    top_m: Decimal
    bottom_m: Decimal


@dataclass(frozen=True)
class DevelopmentPlan:
    """开发利用方案: planned three rates (三率, percent); optionally ore type and output."""

    mining_recovery_pct: Decimal | None = None
    processing_recovery_pct: Decimal | None = None
    comprehensive_utilization_pct: Decimal | None = None
    ore_type: str | None = None
    concentrate_output_10kt: Decimal | None = None

    def planned(self, rate: ThreeRate) -> Decimal | None:
        """The planned percentage for a rate, None when the plan does not give it."""
        value: Decimal | None = getattr(self, f"{rate}_pct")
        return value


@dataclass(frozen=True)
class Application:
    """A validated application. ``mineral`` is the catalogue entry; ``area`` is opaque here."""

    right_type: RightType
    kind: ApplicationKind
    applicant: Party
    mineral: CatalogueEntry
    mining_method: str | None = None
    capacity: Capacity | None = None
    area: Mapping[str, Any] | None = None
    depth_m: DepthRange | None = None
    reserves_10kt: Decimal | None = None
    development_plan: DevelopmentPlan | None = None
    green_mine_plan: bool = False
    demonstration_report: bool = False
    licence_no: str | None = None
    new_holder: Party | None = None
    changes: frozenset[ChangeItem] = field(default_factory=frozenset)
    closure_report: bool | None = None
    restoration_status: RestorationStatus | None = None
    restoration_plan: RestorationPlan | None = None
    """复垦方案 milestones (mining new, renewal or change); None when not given."""
    late: bool = False
    """A renewal the bureau accepts although it is filed after the notice period."""
    grant_id: str | None = None
    """The competitive grant (出让) a new right was won by, when the application names one."""
    exploration_licence_no: str | None = None
    """The applicant's exploration licence a new mining right converts (探转采)."""
    granting: bool = False
    """A grant's own reading (出让方案 checked as a new application by the grant procedure,
    not an applicant's): the check ``competitive_grant`` does not apply to it."""


def _decimal(
    data: Mapping[str, Any],
    key: str,
    path: str,
    errors: list[FieldError],
    *,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal = QUANTITY_MAX,
    positive: bool = False,
    percent: bool = False,
) -> Decimal | None:
    value = data.get(key)
    if value is None:
        return None
    return decimal_number(
        value,
        path,
        errors,
        minimum=minimum,
        maximum=PERCENT_MAX if percent else maximum,
        positive=positive,
        minimum_words=None if minimum is None else f"must not be negative, got {value}",
        maximum_words=f"is a percentage (0-100), got {value}" if percent else None,
    )


def _boolean(data: Mapping[str, Any], key: str, errors: list[FieldError]) -> bool | None:
    return strict_bool(data.get(key), key, errors)


def _choice(
    data: Mapping[str, Any], key: str, options: tuple[str, ...], errors: list[FieldError]
) -> str | None:
    value = data.get(key)
    if value is None:
        errors.append(FieldError(key, f"required: one of {', '.join(options)}"))
        return None
    if value not in options:
        errors.append(FieldError(key, f"expected one of {', '.join(options)}, got {shown(value)}"))
        return None
    return str(value)


def _party(data: Mapping[str, Any], key: str, errors: list[FieldError]) -> Party | None:
    value = data.get(key)
    if not isinstance(value, Mapping):
        errors.append(FieldError(key, "required: {name, credit_code (统一社会信用代码)}"))
        return None
    unknown_fields(value, PARTY_FIELDS, key, errors)
    name = value.get("name")
    code = value.get("credit_code")
    ok = True
    if name is None or (isinstance(name, str) and not name.strip()):
        errors.append(FieldError(f"{key}.name", "required: the registered name"))
        ok = False
    elif checked_text(name, f"{key}.name", errors, max_length=NAME_MAX) is None:
        ok = False
    if not isinstance(code, str) or not code.strip():
        errors.append(
            FieldError(f"{key}.credit_code", "required: 统一社会信用代码 (18 characters)")
        )
        ok = False
    else:
        problem = credit_code_problem(code.strip())
        if problem is not None:
            errors.append(FieldError(f"{key}.credit_code", problem))
            ok = False
    if not ok or not isinstance(name, str) or not isinstance(code, str):
        return None
    return Party(name.strip(), code.strip())


def _capacity(
    data: Mapping[str, Any],
    mineral: CatalogueEntry | None,
    right_type: RightType,
    kind: ApplicationKind,
    rules: PlanRules,
    errors: list[FieldError],
) -> Capacity | None:
    raw = data.get("capacity")
    if not isinstance(raw, Mapping):
        errors.append(FieldError("capacity", "expected {value, unit}"))
        return None
    unknown_fields(raw, CAPACITY_FIELDS, "capacity", errors)
    value = _decimal(raw, "value", "capacity.value", errors, positive=True)
    if raw.get("value") is None:
        errors.append(FieldError("capacity.value", "required: the capacity (生产规模)"))
    unit_text = raw.get("unit")
    unit = normalise_unit(unit_text) if isinstance(unit_text, str) else None
    if unit is None:
        errors.append(FieldError("capacity.unit", f"unknown capacity unit {shown(unit_text)}"))
    elif mineral is not None:
        units = accepted_units(mineral, rules)
        if unit not in units:
            errors.append(
                FieldError(
                    "capacity.unit",
                    f"{mineral.zh} capacity is given in {' or '.join(units)}, not {unit}",
                )
            )
            unit = None
        elif unit != TONNES_PER_DAY and daily_unit_required(mineral, right_type, kind, rules):
            errors.append(
                FieldError(
                    "capacity.unit",
                    f"a new {mineral.zh} mine gives its capacity in t/d of ore processed "
                    f"(日处理矿石量): the plan's minimum scales for {mineral.zh} are in t/d",
                )
            )
            unit = None
    if value is None or unit is None:
        return None
    return Capacity(value, unit)


def _depth(data: Mapping[str, Any], errors: list[FieldError]) -> DepthRange | None:
    raw = data.get("depth_m")
    if raw is None:
        return None
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        errors.append(FieldError("depth_m", "expected [top, bottom] elevations in metres"))
        return None
    # Elevations may be below sea level, so negative values are allowed (down to the deepest
    # workings a mine could reach).
    top, bottom = (
        decimal_number(value, "depth_m", errors, minimum=ELEVATION_MIN_M, maximum=ELEVATION_MAX_M)
        for value in raw
    )
    if top is None or bottom is None:
        return None
    if top < bottom:
        errors.append(
            FieldError(
                "depth_m",
                f"top {top} m is below bottom {bottom} m: give [top, bottom], the higher "
                "elevation first (开采深度, e.g. [650, 420])",
            )
        )
        return None
    if top == bottom:
        errors.append(FieldError("depth_m", f"top and bottom are both {top} m: no depth range"))
        return None
    return DepthRange(top, bottom)


def _development_plan(
    data: Mapping[str, Any],
    mineral: CatalogueEntry | None,
    rules: PlanRules,
    errors: list[FieldError],
) -> DevelopmentPlan | None:
    raw = data.get("development_plan")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors.append(FieldError("development_plan", "expected an object (开发利用方案)"))
        return None
    unknown_fields(raw, DEVELOPMENT_PLAN_FIELDS, "development_plan", errors)
    rates = {
        key: _decimal(raw, key, f"development_plan.{key}", errors, percent=True)
        for key, _ in _PERCENT_FIELDS
    }
    ore_type = raw.get("ore_type")
    if ore_type is not None:
        mineral_zh = standard_zh(rules.standards, mineral) if mineral else ""
        known = ore_types(rules.standards, mineral_zh) if mineral else frozenset()
        if checked_text(ore_type, "development_plan.ore_type", errors, max_length=CODE_MAX) is None:
            ore_type = None
        elif known and ore_type not in known:
            errors.append(
                FieldError(
                    "development_plan.ore_type",
                    f"unknown ore type {shown(ore_type)} for "
                    f"{mineral_zh}; "
                    f"the standards distinguish {', '.join(sorted(known))}",
                )
            )
            ore_type = None
    return DevelopmentPlan(
        mining_recovery_pct=rates["mining_recovery_pct"],
        processing_recovery_pct=rates["processing_recovery_pct"],
        comprehensive_utilization_pct=rates["comprehensive_utilization_pct"],
        ore_type=ore_type,
        concentrate_output_10kt=_decimal(
            raw, "concentrate_output_10kt", "development_plan.concentrate_output_10kt", errors
        ),
    )


def _changes(
    data: Mapping[str, Any], right_type: RightType | None, errors: list[FieldError]
) -> frozenset[ChangeItem]:
    raw = data.get("changes")
    if not isinstance(raw, list | tuple) or not raw:
        errors.append(
            FieldError("changes", f"required for a change: a list of {', '.join(CHANGE_ITEMS)}")
        )
        return frozenset()
    if len(raw) > len(CHANGE_ITEMS):
        errors.append(
            FieldError(
                "changes",
                f"at most {len(CHANGE_ITEMS)} items, each once: {', '.join(CHANGE_ITEMS)}",
            )
        )
        return frozenset()
    items: set[ChangeItem] = set()
    for value in raw:
        item = next((c for c in CHANGE_ITEMS if c == value), None)
        if item is None:
            errors.append(
                FieldError(
                    "changes", f"unknown change {shown(value)}; one of {', '.join(CHANGE_ITEMS)}"
                )
            )
        elif right_type == "exploration" and item in ("capacity", "method"):
            errors.append(
                FieldError("changes", f"an exploration right (探矿权) has no {item} to change")
            )
        else:
            items.add(item)
    return frozenset(items)


def parse_application(data: Mapping[str, Any], rules: PlanRules) -> Application:
    """Validate a body against the plan in force; InvalidApplication lists all errors.

    A field the contract does not know is refused by name, as the pydantic request bodies
    refuse it."""
    errors: list[FieldError] = []
    unknown_fields(data, APPLICATION_FIELDS, "", errors)
    right = _choice(data, "right_type", RIGHT_TYPES, errors)
    right_type = next((r for r in RIGHT_TYPES if r == right), None)
    kind_text = _choice(data, "kind", APPLICATION_KINDS, errors)
    kind = next((k for k in APPLICATION_KINDS if k == kind_text), None)
    applicant = _party(data, "applicant", errors)

    mineral: CatalogueEntry | None = None
    mineral_name = data.get("mineral")
    if isinstance(mineral_name, str) and len(mineral_name) > CODE_MAX:
        errors.append(
            FieldError("mineral", f"at most {CODE_MAX} characters, got {len(mineral_name)}")
        )
    else:
        try:
            mineral = resolve_mineral(mineral_name, rules.standards)
        except InvalidInput as exc:
            errors.extend(exc.errors)

    licence_no = data.get("licence_no")
    if kind == "new" and licence_no is not None:
        errors.append(
            FieldError(
                "licence_no",
                "a new application names no licence number: numbers are allocated upstream "
                "(统一配号) on approval",
            )
        )
    elif kind is not None and kind != "new":
        if not isinstance(licence_no, str) or not licence_no:
            errors.append(
                FieldError("licence_no", f"required for a {kind}: the number of the licence")
            )
        elif right_type is not None:
            problem = licence_no_problem(licence_no, right_type, rules.licence_terms)
            if problem is not None:
                errors.append(FieldError("licence_no", problem))

    method = data.get("mining_method")
    changes = _changes(data, right_type, errors) if kind == "change" else frozenset()
    capacity: Capacity | None = None
    if right_type == "exploration":
        zh = RIGHT_TYPE_ZH["exploration"]
        if method is not None:
            errors.append(
                FieldError(
                    "mining_method", f"an exploration application ({zh}) has no mining method"
                )
            )
            method = None
        if data.get("capacity") is not None:
            errors.append(
                FieldError("capacity", f"an exploration application ({zh}) has no capacity")
            )
    elif right_type == "mining" and kind is not None:
        if method is None and (kind == "new" or "method" in changes):
            errors.append(FieldError("mining_method", f"required for a {kind} mining application"))
        elif method is not None and (
            not isinstance(method, str) or method not in rules.known_methods
        ):
            errors.append(
                FieldError(
                    "mining_method",
                    f"unknown mining method {shown(method)}; one of "
                    + ", ".join(sorted(rules.known_methods)),
                )
            )
            method = None
        if data.get("capacity") is not None:
            capacity = _capacity(data, mineral, right_type, kind, rules, errors)
        elif kind == "new" or "capacity" in changes:
            errors.append(
                FieldError("capacity", f"required for a {kind} mining application (生产规模)")
            )

    area = data.get("area")
    if area is not None and not isinstance(area, Mapping):
        errors.append(FieldError("area", "expected {geometry} or {corners, crs}"))
    elif area is None and (kind == "new" or "area" in changes):
        errors.append(FieldError("area", f"required for a {kind} application (矿区/勘查区范围)"))
    elif isinstance(area, Mapping):
        unknown_fields(area, AREA_FIELDS, "area", errors)
        if area.get("geometry") is None and area.get("corners") is None:
            errors.append(
                FieldError("area", "expected {geometry} (GeoJSON) or {corners, crs} (拐点坐标)")
            )

    new_holder: Party | None = None
    if kind == "transfer":
        new_holder = _party(data, "new_holder", errors)
        if new_holder and applicant and new_holder.credit_code == applicant.credit_code:
            errors.append(
                FieldError("new_holder", "the new holder (受让人) is the applicant itself")
            )

    # The applicant's own declarations on a cancellation (闭坑报告 submitted, restoration
    # status): optional and kept for the record; what decides is what an officer recorded
    # on the licence (POST .../closure-report, .../restoration-acceptance).
    closure_report = _boolean(data, "closure_report", errors)
    restoration: str | None = data.get("restoration_status")
    if restoration is not None and restoration not in RESTORATION_STATUSES:
        errors.append(
            FieldError("restoration_status", f"expected one of {', '.join(RESTORATION_STATUSES)}")
        )
        restoration = None
    late = _boolean(data, "late", errors)
    grant_id, exploration_licence_no = parse_basis(
        data, right_type, kind, rules.licence_terms, errors
    )

    restoration_plan = parse_restoration_plan(data.get("restoration_plan"), errors)
    if data.get("restoration_plan") is not None and right_type is not None and kind is not None:
        if right_type == "exploration":
            errors.append(
                FieldError(
                    "restoration_plan",
                    "an exploration right (探矿权) has no restoration plan (复垦方案)",
                )
            )
        elif kind not in RESTORATION_PLAN_KINDS:
            errors.append(
                FieldError(
                    "restoration_plan",
                    f"a {kind} carries no restoration plan; send it with a "
                    + ", ".join(RESTORATION_PLAN_KINDS)
                    + " application",
                )
            )

    depth = _depth(data, errors)
    reserves = _decimal(data, "reserves_10kt", "reserves_10kt", errors)
    plan = _development_plan(data, mineral, rules, errors)
    green = _boolean(data, "green_mine_plan", errors)
    demonstration = _boolean(data, "demonstration_report", errors)

    if errors or right_type is None or kind is None or applicant is None or mineral is None:
        raise InvalidApplication(errors)
    return Application(
        right_type=right_type,
        kind=kind,
        applicant=applicant,
        mineral=mineral,
        mining_method=method,
        capacity=capacity,
        area=area if isinstance(area, Mapping) else None,
        depth_m=depth,
        reserves_10kt=reserves,
        development_plan=plan,
        green_mine_plan=bool(green),
        demonstration_report=bool(demonstration),
        licence_no=licence_no if kind != "new" else None,
        new_holder=new_holder,
        changes=changes,
        closure_report=closure_report,
        restoration_status=next((r for r in RESTORATION_STATUSES if r == restoration), None),
        restoration_plan=restoration_plan,
        late=bool(late),
        grant_id=grant_id,
        exploration_licence_no=exploration_licence_no,
    )


def validate_application(data: Mapping[str, Any], rules: PlanRules) -> list[FieldError]:
    """Every field error of an application body; empty when it is valid."""
    try:
        parse_application(data, rules)
    except InvalidApplication as exc:
        return list(exc.errors)
    return []
