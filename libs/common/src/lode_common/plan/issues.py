"""Pydantic validation errors of a plan document, as ``{path, message}`` a planner can act on.

``('entry_rules', 3, 'check', 'capacity_ore_10kt_per_year', 'min')`` becomes
``entry_rules[3].check.capacity_ore_10kt_per_year.min``; pydantic's wording becomes
``expected a number, got 'ten'``, and an unknown key lists the keys allowed there.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from lode_common.plan.types import PlanIssue, path_of

_EXPECTED = {
    "missing": "required",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "dict_type": "expected a mapping (key: value)",
    "model_type": "expected a mapping (key: value)",
    "model_attributes_type": "expected a mapping (key: value)",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _strip(annotation: Any) -> Any:
    """The annotation without ``Annotated[...]`` and ``| None``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model class found by following ``loc`` from ``root``, if it is one."""
    current: Any = root
    for part in loc:
        current = _strip(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in (list, tuple) and isinstance(part, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _strip(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _message(error: ErrorDetails, root: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        model = _model_at(root, error["loc"][:-1])
        allowed = f"; allowed here: {', '.join(model.model_fields)}" if model else ""
        return f"unknown key (a typo?){allowed}"
    if kind == "missing":
        return "required"
    if kind in _EXPECTED:
        return f"{_EXPECTED[kind]}, got {_shown(error['input'])}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected')}, got {_shown(error['input'])}"
    if kind == "string_pattern_mismatch":
        return f"{_shown(error['input'])} does not match {ctx.get('pattern')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def issues_from_validation_error(error: ValidationError, root: type[BaseModel]) -> list[PlanIssue]:
    """One `PlanIssue` per pydantic error, with the document path and a plain message."""
    issues = []
    for detail in error.errors():
        path = path_of(*detail["loc"]) or "(document)"
        issues.append(PlanIssue(path, _message(detail, root)))
    return issues


class PlanDocumentInvalid(ValueError):
    """A plan document that does not validate; ``issues`` name the path of each fault."""

    def __init__(self, issues: Sequence[PlanIssue]) -> None:
        self.issues = tuple(issues)
        first = self.issues[0]
        self.detail = (
            f"plan document has {len(self.issues)} problem(s); first: {first.path}: {first.message}"
        )
        super().__init__(self.detail)

    def field_errors(self) -> list[dict[str, str]]:
        return [{"field": i.path, "message": i.message} for i in self.issues]
