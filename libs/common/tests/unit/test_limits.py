"""The shared bounds: unsafe characters, text problems and the strict pydantic field types."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, StrictBool, ValidationError

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


# ---- the text types' JSON Schema ---------------------------------------------------------------

TEXT_SCHEMA = Body.model_json_schema()["properties"]["name"]
MULTILINE_SCHEMA = Body.model_json_schema()["properties"]["reason"]["anyOf"][0]


def _stated(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` read as JSON Schema does (ECMA-262: ``$`` is the
    end of the text, not before a final line break, as Python's ``$`` may be)."""
    return re.fullmatch(pattern.removesuffix("$"), value) is not None


def test_the_schema_of_a_text_type_states_its_check() -> None:
    assert TEXT_SCHEMA["minLength"] == 1
    assert TEXT_SCHEMA["maxLength"] == limits.NAME_MAX
    assert TEXT_SCHEMA["pattern"] == limits.text_pattern()
    assert MULTILINE_SCHEMA["pattern"] == limits.text_pattern(multiline=True)
    assert MULTILINE_SCHEMA["pattern"] != TEXT_SCHEMA["pattern"]
    assert TEXT_SCHEMA["pattern"].isascii()  # \uXXXX escapes only: the same in every engine


def test_a_field_keeps_its_own_minimum_length() -> None:
    class Note(BaseModel):
        note: limits.Text = Field(min_length=2)

    schema = Note.model_json_schema()["properties"]["note"]
    assert schema["minLength"] == 2
    # two characters that are not white space: what a reader that strips the text counts
    assert schema["pattern"] == limits.text_pattern(multiline=True, visible=2)
    assert _stated(schema["pattern"], " 整改 ")
    assert _stated(schema["pattern"], "a\nb")
    assert not _stated(schema["pattern"], "\u00a00")
    assert not _stated(schema["pattern"], " a\n")


@pytest.mark.parametrize(
    "value",
    [
        "平泉市某某矿业有限公司",
        "Müller & Söhne (Pty) Ltd.",
        " 前后有空格 ",
        "ﬁ",  # a compatibility ligature: assigned, not refused
        "\u200b零宽",  # a format character (zero width space), not white space to strip
    ],
)
def test_the_pattern_admits_acceptable_text(value: str) -> None:
    assert limits.text_problem(value, max_length=limits.NAME_MAX) is None
    assert _stated(TEXT_SCHEMA["pattern"], value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "\u3000\u00a0",  # ideographic and no-break spaces: blank too
        "a\x00b",
        "a\x1bb",
        "a\x85",
        "evil\u202eexe.txt",
        "a\u2066b",
        "a\u2028b",
        "a\ue000",  # private use
        "a\u0378",  # unassigned (in the Unicode of this Python)
        "a\ufffe",  # a noncharacter
        "line\nbreak",
        "trailing\n",  # Python's $ would let this one through
    ],
)
def test_the_pattern_leaves_out_what_the_check_refuses(value: str) -> None:
    assert limits.text_problem(value, max_length=limits.NAME_MAX) is not None
    assert not _stated(TEXT_SCHEMA["pattern"], value)


def test_multiline_text_may_carry_line_breaks_in_the_schema_too() -> None:
    pattern = MULTILINE_SCHEMA["pattern"]
    assert _stated(pattern, "第一行\r\n\t第二行")
    assert not _stated(pattern, "\n\t ")
    assert not _stated(pattern, "a\x0bb")


@given(st.text(max_size=30))
@settings(max_examples=500, database=None, derandomize=True)
def test_the_pattern_says_what_the_check_does_within_the_basic_plane(value: str) -> None:
    accepted = limits.text_problem(value, max_length=limits.NAME_MAX) is None
    beyond = any(ord(char) > 0xFFFF for char in value)  # not stated: see text_pattern
    assert _stated(TEXT_SCHEMA["pattern"], value) == (accepted and not beyond), value


@pytest.mark.parametrize("multiline", [False, True])
def test_hypothesis_draws_from_the_pattern_only_text_the_check_accepts(multiline: bool) -> None:
    """What schemathesis sends for a text field (it draws with hypothesis): never a text
    the service refuses."""
    pattern = limits.text_pattern(multiline=multiline)
    drawn: list[str] = []

    @given(st.from_regex(pattern, fullmatch=True))
    @settings(max_examples=300, database=None, derandomize=True)
    def draw(value: str) -> None:
        drawn.append(value)
        problem = limits.text_problem(value, max_length=10_000, multiline=multiline)
        assert problem is None, (value, problem)

    draw()
    assert len(drawn) >= 100
    assert any(len(value) > 1 for value in drawn)


def test_the_pattern_compiles_in_the_engine_validators_use() -> None:
    validator = jsonschema_rs.validator_for({"type": "string", **TEXT_SCHEMA})
    assert validator.is_valid("平泉市某某矿业有限公司")
    assert not validator.is_valid("a\u202eb")
    assert not validator.is_valid(" ")
    assert not validator.is_valid("trailing\n")
