"""The shared bounds: unsafe characters, text problems and the strict pydantic field types."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, StrictBool, ValidationError

from lode_common import limits


class Body(BaseModel):
    model_config = limits.STRICT_BODY

    name: limits.Name
    reason: limits.Text | None = None
    quantity: limits.Quantity | None = None
    rate: limits.Percent | None = None
    year: limits.Year | None = None
    flag: StrictBool = False


def test_a_valid_body_is_read_with_exact_decimals() -> None:
    body = Body.model_validate(
        {
            "name": "平泉市某某矿业有限公司",
            "reason": "第一行\n第二行",
            "quantity": 14.2,
            "year": 2024,
        }
    )
    assert body.quantity == Decimal("14.2")
    assert body.year == 2024


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "矿业\x00公司"),
        ("name", "abc\u202edcb"),
        ("name", "abc\u2066x"),
        ("name", "x" * (limits.NAME_MAX + 1)),
        ("name", "   "),
        ("name", "a\nb"),
        ("reason", "a\x1bb"),
        ("quantity", "12"),
        ("quantity", True),
        ("quantity", 1e308),
        ("quantity", float("nan")),
        ("quantity", -1),
        ("quantity", 0.0000001),
        ("rate", 100.5),
        ("year", "2024"),
        ("year", 10**12),
        ("flag", "yes"),
        ("flag", 1),
        ("unknown", 1),
    ],
)
def test_nonsense_is_refused_naming_the_field(field: str, value: Any) -> None:
    body: dict[str, Any] = {"name": "某公司", field: value}
    with pytest.raises(ValidationError) as caught:
        Body.model_validate(body)
    assert caught.value.errors()[0]["loc"][0] == field


def test_multiline_text_keeps_line_breaks_and_tabs_only() -> None:
    assert limits.unsafe_character("一\n二\t三\r\n", multiline=True) is None
    assert limits.unsafe_character("一\n二") is not None
    assert "U+0000" in (limits.unsafe_character("a\x00", multiline=True) or "")


def test_text_problem_names_what_is_wrong() -> None:
    assert limits.text_problem(3, max_length=10) == "expected text, got int"
    assert limits.text_problem("", max_length=10) == "must not be blank"
    assert limits.text_problem("", max_length=10, required=False) is None
    assert "at most 10 characters" in (limits.text_problem("x" * 11, max_length=10) or "")
    assert "U+202E" in (limits.text_problem("a\u202e", max_length=10) or "")


def test_number_problem_bounds_range_and_precision() -> None:
    assert limits.number_problem(Decimal("12.5")) is None
    assert limits.number_problem(Decimal("1E+2")) is None
    assert "at least 0" in (limits.number_problem(Decimal(-1)) or "")
    assert "at most" in (limits.number_problem(Decimal("1e308")) or "")
    assert "digits after the point" in (limits.number_problem(Decimal("1e-10")) or "")


def test_every_limit_is_listed_once_with_its_value() -> None:
    names = [limit.name for limit in limits.LIMITS]
    assert len(names) == len(set(names))
    for limit in limits.LIMITS:
        assert getattr(limits, limit.name) == limit.value
