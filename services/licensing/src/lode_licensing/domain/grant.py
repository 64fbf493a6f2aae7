"""A grant plan (出让方案) for a competitive grant of a right (矿业权竞争性出让).

:func:`parse_grant` reads a JSON-like body (the API's shape) against the plan in force
and returns an immutable :class:`Grant`, or raises :class:`~.errors.InvalidInput` listing
*every* invalid field as ``{field, message}``, as applications are read. Amounts are in
万元 (``_cny_10k``) and become exact ``Decimal``.

The grant is checked against the plan by the rule engine applications go through
(:func:`.checks.run_checks`), as the new application of the granting authority
(:func:`as_application`). The rules whose object is a document only the winner can write
(its green-mine plan, restoration plan, development plan) are kept but marked as the
winner's to meet (:func:`deferred_to_winner`): they are checked on the winner's own
application.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Final

from lode_common.limits import CODE_MAX, QUANTITY_MAX
from lode_common.plan.standards import CatalogueEntry

from .application import AREA_FIELDS, CAPACITY_FIELDS, Application
from .checks import CheckResult
from .errors import FieldError, InvalidInput
from .fields import decimal_number, shown, strict_bool, unknown_fields
from .grant_law import GRANT_METHODS, GRANTOR_NAME, GrantMethod
from .minerals import Capacity, accepted_units, daily_unit_required, normalise_unit, resolve_mineral
from .party import Party
from .rulebook import (
    DevelopmentPlanRule,
    GreenMinePlanRule,
    PlanRules,
    RestorationPlanRule,
    by_scale,
)
from .vocabulary import RIGHT_TYPES, SCALES, TONNES_PER_DAY, RightType

GRANT_FIELDS: Final = frozenset(
    {
        "year",
        "right_type",
        "mineral",
        "method",
        "area",
        "mining_method",
        "capacity",
        "reserves_10kt",
        "term_years",
        "starting_price_cny_10k",
        "reserve_price_cny_10k",
        "clean_grant",
    }
)
"""The fields of a grant plan body (PROCEDURES.md); any other is refused by name."""
WINNERS_DOCUMENTS: Final = (GreenMinePlanRule, RestorationPlanRule, DevelopmentPlanRule)
"""Rules on documents the future holder writes (绿色矿山建设方案, 复垦方案, 开发利用方案)."""
DEFERRED: Final = "deferred_to"


@dataclass(frozen=True)
class Grant:
    """A validated grant plan. ``mineral`` is the catalogue entry; ``area`` is opaque here."""

    year: int
    right_type: RightType
    mineral: CatalogueEntry
    method: GrantMethod
    area: Mapping[str, Any]
    term_years: int
    starting_price_cny_10k: Decimal
    reserve_price_cny_10k: Decimal
    capacity: Capacity | None = None
    reserves_10kt: Decimal | None = None
    clean_grant: bool = False
    mining_method: str | None = None
    """开采方式 (a mining right, optional): the plan's minimum scales and the mine's scale
    depend on it; without it the scale-dependent checks go to review."""


def _choice(
    data: Mapping[str, Any], key: str, options: tuple[str, ...], errors: list[FieldError]
) -> str | None:
    value = data.get(key)
    if value not in options:
        got = "nothing" if value is None else shown(value)
        errors.append(FieldError(key, f"required: one of {', '.join(options)}, got {got}"))
        return None
    return str(value)


def _whole(
    data: Mapping[str, Any],
    key: str,
    lowest: int,
    highest: int,
    what: str,
    errors: list[FieldError],
) -> int | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(key, f"required: {what}, a whole number, got {shown(value)}"))
        return None
    if not lowest <= value <= highest:
        errors.append(FieldError(key, f"{what} must be within {lowest}..{highest}, got {value}"))
        return None
    return value


def _money(data: Mapping[str, Any], key: str, errors: list[FieldError]) -> Decimal | None:
    if data.get(key) is None:
        errors.append(FieldError(key, "required: an amount in 万元 (a JSON number)"))
        return None
    return decimal_number(data[key], key, errors, minimum=None, maximum=QUANTITY_MAX, positive=True)


def _capacity(
    data: Mapping[str, Any],
    mineral: CatalogueEntry | None,
    rules: PlanRules,
    errors: list[FieldError],
) -> Capacity | None:
    raw = data.get("capacity")
    if not isinstance(raw, Mapping):
        errors.append(
            FieldError("capacity", "required for a mining right: {value, unit} (生产规模)")
        )
        return None
    unknown_fields(raw, CAPACITY_FIELDS, "capacity", errors)
    value = None
    if raw.get("value") is None:
        errors.append(FieldError("capacity.value", "required: the capacity (生产规模)"))
    else:
        value = decimal_number(
            raw["value"],
            "capacity.value",
            errors,
            minimum=None,
            maximum=QUANTITY_MAX,
            positive=True,
        )
    text = raw.get("unit")
    unit = normalise_unit(text) if isinstance(text, str) else None
    if unit is None:
        errors.append(FieldError("capacity.unit", f"unknown capacity unit {shown(text)}"))
    elif mineral is not None:
        units = accepted_units(mineral, rules)
        daily = daily_unit_required(mineral, "mining", "new", rules)
        if unit not in units or (daily and unit != TONNES_PER_DAY):
            wanted = TONNES_PER_DAY if daily else " or ".join(units)
            errors.append(
                FieldError(
                    "capacity.unit", f"{mineral.zh} capacity is given in {wanted}, not {unit}"
                )
            )
            unit = None
    return Capacity(value, unit) if value is not None and unit is not None else None


def _area(data: Mapping[str, Any], errors: list[FieldError]) -> Mapping[str, Any] | None:
    area = data.get("area")
    if not isinstance(area, Mapping):
        errors.append(
            FieldError("area", "required: {geometry} (GeoJSON) or {corners, crs} (拐点坐标)")
        )
        return None
    unknown_fields(area, AREA_FIELDS, "area", errors)
    if area.get("geometry") is None and area.get("corners") is None:
        errors.append(
            FieldError("area", "expected {geometry} (GeoJSON) or {corners, crs} (拐点坐标)")
        )
        return None
    return area


def max_term_years(right_type: RightType, rules: PlanRules) -> int:
    """The longest term a right of this type is granted for (the standards' licence terms:
    采矿许可证 by scale, 矿产资源开采登记管理办法 第七条; 勘查许可证 as stated)."""
    terms = rules.licence_terms
    if right_type == "exploration":
        return terms.exploration_years
    return max(by_scale(terms.mining_max_years, scale) for scale in SCALES)


def parse_grant(data: Mapping[str, Any], rules: PlanRules) -> Grant:
    """Validate a grant plan body against the plan in force; InvalidInput lists all errors.

    ``year`` is a year of the plan's period or the year after it (a plan's last grants are
    announced in the next year's plan, until its successor is in force)."""
    errors: list[FieldError] = []
    unknown_fields(data, GRANT_FIELDS, "", errors)
    first, last = rules.document.plan.period
    year = _whole(data, "year", first, last + 1, f"the grant plan's year ({rules.plan_id})", errors)
    right = _choice(data, "right_type", RIGHT_TYPES, errors)
    right_type = next((r for r in RIGHT_TYPES if r == right), None)
    method_text = _choice(data, "method", GRANT_METHODS, errors)
    method = next((m for m in GRANT_METHODS if m == method_text), None)
    mineral: CatalogueEntry | None = None
    name = data.get("mineral")
    if isinstance(name, str) and len(name) > CODE_MAX:
        errors.append(FieldError("mineral", f"at most {CODE_MAX} characters, got {len(name)}"))
    else:
        try:
            mineral = resolve_mineral(name, rules.standards)
        except InvalidInput as exc:
            errors.extend(exc.errors)
    area = _area(data, errors)
    capacity: Capacity | None = None
    if right_type == "mining":
        capacity = _capacity(data, mineral, rules, errors)
    elif right_type == "exploration" and data.get("capacity") is not None:
        errors.append(FieldError("capacity", "an exploration right (探矿权) has no capacity"))
    mining_method = _mining_method(data, right_type, rules, errors)
    reserves = None
    if data.get("reserves_10kt") is not None:
        reserves = decimal_number(
            data["reserves_10kt"], "reserves_10kt", errors, minimum=Decimal(0), maximum=QUANTITY_MAX
        )
    term = (
        _whole(
            data, "term_years", 1, max_term_years(right_type, rules), "the term (出让年限)", errors
        )
        if right_type is not None
        else None
    )
    starting = _money(data, "starting_price_cny_10k", errors)
    reserve = _money(data, "reserve_price_cny_10k", errors)
    if starting is not None and reserve is not None and reserve < starting:
        errors.append(
            FieldError(
                "reserve_price_cny_10k",
                f"底价 {reserve} 万元低于起始价 {starting} 万元 / the reserve price must be at "
                "least the starting price",
            )
        )
    clean = strict_bool(data.get("clean_grant"), "clean_grant", errors)
    if (
        errors
        or year is None
        or right_type is None
        or method is None
        or mineral is None
        or area is None
        or term is None
        or starting is None
        or reserve is None
    ):
        raise InvalidInput(errors)
    return Grant(
        year=year,
        right_type=right_type,
        mineral=mineral,
        method=method,
        area=area,
        term_years=term,
        starting_price_cny_10k=starting,
        reserve_price_cny_10k=reserve,
        capacity=capacity,
        reserves_10kt=reserves,
        clean_grant=bool(clean),
        mining_method=mining_method,
    )


def _mining_method(
    data: Mapping[str, Any],
    right_type: RightType | None,
    rules: PlanRules,
    errors: list[FieldError],
) -> str | None:
    """开采方式 of a mining right, when the plan names it: one the plan knows."""
    method = data.get("mining_method")
    if method is None:
        return None
    if right_type == "exploration":
        errors.append(
            FieldError("mining_method", "an exploration right (探矿权) has no mining method")
        )
        return None
    if not isinstance(method, str) or method not in rules.known_methods:
        errors.append(
            FieldError(
                "mining_method",
                f"unknown mining method {shown(method)}; one of "
                + ", ".join(sorted(rules.known_methods)),
            )
        )
        return None
    return method


def as_application(grant: Grant) -> Application:
    """The grant as the new application of the granting authority (出让人, no credit code):
    what the plan checks of a new right read."""
    return Application(
        right_type=grant.right_type,
        kind="new",
        applicant=Party(GRANTOR_NAME, ""),
        mineral=grant.mineral,
        mining_method=grant.mining_method,
        capacity=grant.capacity,
        area=grant.area,
        reserves_10kt=grant.reserves_10kt,
        granting=True,
    )


def deferred_to_winner(results: Sequence[CheckResult], rules: PlanRules) -> list[CheckResult]:
    """The results with each rule on the winner's own documents (:data:`WINNERS_DOCUMENTS`)
    marked ``warn``: a grant plan has no green-mine, restoration or development plan; the
    winner's application carries them and is checked for them."""
    ids = {rule.id for kind in WINNERS_DOCUMENTS for rule in rules.rules_of(kind)}
    return [
        replace(
            r,
            outcome="warn",
            message_zh=f"出让阶段不核查，由竞得人申请时提交：{r.message_zh}",
            message_en=f"not checked for the grant: the winner's application carries it "
            f"({r.message_en})",
            details={
                **r.details,
                DEFERRED: "the winner's application",
                "application_outcome": r.outcome,
            },
        )
        if r.rule_id in ids and r.outcome in ("fail", "review")
        else r
        for r in results
    ]
