"""A mine's restoration plan (矿山地质环境保护与土地复垦方案) and its green-mine listing.

The plan is a list of milestones ``{year, restored_area_ha}``: the *cumulative* area the
holder must have restored (复垦) by 31 December of ``year``. Years are strictly
increasing and the areas never decrease (restored land stays restored); areas are
hectares, not negative. The years must fall within the licence's validity, which is only
known when the licence is issued or renewed: :func:`plan_outside_validity` checks that
then. A mine listed on the 绿色矿山名录 is a green mine (第五章: new mines are built as
green mines).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any, Final

from lode_common.jsonable import json_number
from lode_common.limits import MILESTONES_MAX, QUANTITY_MAX, YEAR_MAX, YEAR_MIN

from .errors import FieldError
from .fields import decimal_number, shown, unknown_fields

FIELD = "restoration_plan"
MILESTONE_FIELDS: Final = frozenset({"year", "restored_area_ha"})


@dataclass(frozen=True)
class RestorationMilestone:
    """By the end of ``year``, ``restored_area_ha`` hectares restored in total."""

    year: int
    restored_area_ha: Decimal


RestorationPlan = tuple[RestorationMilestone, ...]


def parse_restoration_plan(raw: Any, errors: list[FieldError]) -> RestorationPlan | None:
    """The plan of a request body's ``restoration_plan`` (None when absent); every problem is
    appended to ``errors`` with the field's path (``restoration_plan[1].year``)."""
    if raw is None:
        return None
    if not isinstance(raw, list | tuple):
        errors.append(FieldError(FIELD, "expected a list of {year, restored_area_ha}"))
        return None
    if len(raw) > MILESTONES_MAX:
        errors.append(
            FieldError(FIELD, f"at most {MILESTONES_MAX} milestones (one a year), got {len(raw)}")
        )
        return None
    milestones: list[RestorationMilestone] = []
    valid = True
    for index, item in enumerate(raw):
        path = f"{FIELD}[{index}]"
        if not isinstance(item, dict):
            errors.append(FieldError(path, "expected {year, restored_area_ha}"))
            valid = False
            continue
        found_before = len(errors)
        unknown_fields(item, MILESTONE_FIELDS, path, errors)
        year = item.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
            errors.append(
                FieldError(
                    f"{path}.year",
                    f"expected a calendar year within {YEAR_MIN}..{YEAR_MAX}, got {shown(year)}",
                )
            )
        raw_area = item.get("restored_area_ha")
        area: Decimal | None = None
        if raw_area is None:
            errors.append(
                FieldError(f"{path}.restored_area_ha", "required: the hectares restored by then")
            )
        else:
            area = decimal_number(
                raw_area,
                f"{path}.restored_area_ha",
                errors,
                minimum=Decimal(0),
                maximum=QUANTITY_MAX,
                minimum_words=f"must not be negative, got {raw_area}",
            )
        if len(errors) > found_before:
            valid = False
        if valid and isinstance(year, int) and area is not None:
            milestones.append(RestorationMilestone(year, area))
    if not valid:
        return None
    for index, (before, after) in enumerate(pairwise(milestones), 1):
        if after.year <= before.year:
            errors.append(
                FieldError(
                    f"{FIELD}[{index}].year",
                    f"years must increase: {after.year} follows {before.year}",
                )
            )
            return None
        if after.restored_area_ha < before.restored_area_ha:
            errors.append(
                FieldError(
                    f"{FIELD}[{index}].restored_area_ha",
                    f"the area is cumulative and cannot decrease: {after.restored_area_ha} ha "
                    f"in {after.year} after {before.restored_area_ha} ha in {before.year}",
                )
            )
            return None
    return tuple(milestones)


def plan_outside_validity(
    plan: RestorationPlan, valid_from: date, valid_to: date
) -> list[FieldError]:
    """The milestones whose year falls outside the licence's validity (有效期)."""
    return [
        FieldError(
            f"{FIELD}[{index}].year",
            f"{m.year} is outside the licence's validity {valid_from} to {valid_to}",
        )
        for index, m in enumerate(plan)
        if not valid_from.year <= m.year <= valid_to.year
    ]


def plan_as_json(plan: RestorationPlan) -> list[dict[str, Any]]:
    """The plan as stored and as events carry it: areas as JSON numbers of their digits."""
    return [{"year": m.year, "restored_area_ha": json_number(m.restored_area_ha)} for m in plan]


def plan_from_json(raw: Any) -> RestorationPlan:
    """The plan as stored (a list of ``{year, restored_area_ha}``); empty when none."""
    return tuple(
        RestorationMilestone(int(m["year"]), Decimal(repr(m["restored_area_ha"])))
        for m in (raw or ())
    )
