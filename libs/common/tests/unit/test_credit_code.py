"""统一社会信用代码 (GB 32100-2015): check character, messages, single-character changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lode_common.credit_code import (
    CHARSET,
    check_character,
    credit_code_problem,
    is_valid_credit_code,
    with_check_character,
)

bodies = st.text(alphabet=CHARSET, min_size=17, max_size=17)


def test_the_api_example_is_valid() -> None:
    # API.md's example 91130881MA0A000007: its check character is indeed 7.
    assert check_character("91130881MA0A00000") == "7"
    assert credit_code_problem("91130881MA0A000007") is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("91350100M000100Y4", "3"),  # 91350100M000100Y43, the code quoted as GB 32100's example
        ("00000000000000000", "0"),  # sum 0 → 31 - 0 = 31 → 0
    ],
)
def test_check_character_known_values(body: str, expected: str) -> None:
    assert check_character(body) == expected


def test_check_character_31_maps_to_0_and_30_to_the_last_character() -> None:
    # Weight of position 1 is 1: body "1000…" gives sum 1 → 31 - 1 = 30 → 'Y'.
    assert check_character("1" + "0" * 16) == "Y"
    assert check_character("0" * 17) == "0"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91130881MA0A00000", "must be 18 characters, got 17"),
        ("91130881MA0A0000077", "must be 18 characters, got 19"),
        ("", "must be 18 characters, got 0"),
        ("91130881MI0A000007", "character 'I' at position 10"),
        ("91130881MA0O000007", "character 'O' at position 12"),
        ("91130881ma0a000007", "character 'm' at position 9"),
        ("91130881MA0A00000-", "character '-' at position 18"),
        ("91130881MA0A000008", "check digit (position 18) expected '7', got '8'"),
    ],
)
def test_problems_say_what_is_wrong(code: str, fragment: str) -> None:
    problem = credit_code_problem(code)
    assert problem is not None
    assert fragment in problem


def test_lowercase_letters_get_a_hint() -> None:
    assert "capitals" in (credit_code_problem("91130881ma0a000007") or "")


@pytest.mark.parametrize("body", ["123", "91130881MA0A0000I", "9113088 MA0A00000"])
def test_check_character_refuses_bad_bodies(body: str) -> None:
    with pytest.raises(ValueError, match="17 characters"):
        check_character(body)


@given(bodies)
def test_generated_codes_round_trip(body: str) -> None:
    code = with_check_character(body)
    assert len(code) == 18
    assert code[:17] == body
    assert is_valid_credit_code(code)


@given(bodies, st.integers(min_value=0, max_value=17), st.sampled_from(CHARSET))
def test_any_single_character_change_is_detected(body: str, position: int, new: str) -> None:
    code = with_check_character(body)
    changed = code[:position] + new + code[position + 1 :]
    if changed == code:
        return
    assert not is_valid_credit_code(changed)


@given(bodies, st.integers(min_value=0, max_value=17), st.characters(exclude_characters=CHARSET))
def test_any_character_outside_the_set_is_named(body: str, position: int, new: str) -> None:
    code = with_check_character(body)
    changed = code[:position] + new + code[position + 1 :]
    problem = credit_code_problem(changed)
    assert problem is not None
    assert f"position {position + 1}" in problem
