"""Exact decimals from JSON numbers and strings (fields.py), with properties."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lode_monitoring.domain.fields import BadValue, exact_decimal

# Quantities as a mine writes them: up to 11 integer digits and 4 decimals (15 digits).
quantities = st.decimals(
    min_value=Decimal(0), max_value=Decimal("99999999999.9999"), places=4, allow_nan=False
)


def test_minus_zero_is_zero() -> None:
    assert str(exact_decimal(-0.0)) == "0.0"
    assert str(exact_decimal("-0")) == "0"


def test_a_float_becomes_the_decimal_it_was_written_as() -> None:
    assert exact_decimal(14.2) == Decimal("14.2")
    assert str(exact_decimal(14.2)) == "14.2"
    assert exact_decimal(14.2) + exact_decimal(0.1) == Decimal("14.3")


@given(quantities)
def test_a_json_number_reads_back_exactly(value: Decimal) -> None:
    # the mine's software writes the number; json.loads gives a float (or int)
    parsed = json.loads(json.dumps(float(value)) if value % 1 else str(int(value)))
    assert exact_decimal(parsed) == value


@given(quantities)
def test_a_string_reads_back_exactly(value: Decimal) -> None:
    assert exact_decimal(str(value)) == value
    assert exact_decimal(format(value, "f")) == value


finite_floats = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(finite_floats.filter(lambda f: len(Decimal(repr(f)).normalize().as_tuple().digits) <= 15))
def test_a_float_is_read_as_its_shortest_digits(value: float) -> None:
    decimal = Decimal(repr(value))
    exponent = decimal.normalize().as_tuple().exponent
    fits = isinstance(exponent, int) and exponent >= -4 and abs(decimal) < Decimal(10) ** 11
    if fits:
        assert exact_decimal(value) == decimal
        assert float(exact_decimal(value)) == value
    else:
        with pytest.raises(BadValue, match=r"decimal places|too large"):
            exact_decimal(value)


@pytest.mark.parametrize("text", ["", " ", "1.", ".5", "0x10", "1_0", "١٢", "１２", "1,5", "--1"])
def test_strings_that_are_not_plain_numbers(text: str) -> None:
    with pytest.raises(BadValue, match="expected a number"):
        exact_decimal(text)


def test_an_integer_longer_than_python_prints_is_too_large_not_a_crash() -> None:
    with pytest.raises(BadValue, match="too large"):
        exact_decimal(10**5000 + 1)  # 5,001 significant digits
