"""Quantities: exact decimals that travel as plain JSON numbers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from lode_common.events.quantities import Quantity


class Output(BaseModel):
    output_10kt: Quantity
    grade_pct: Quantity | None = None


def test_a_decimal_sum_is_written_as_the_json_number_14_3() -> None:
    total = Decimal("14.2") + Decimal("0.1")
    raw = Output(output_10kt=total).model_dump_json()
    assert raw == '{"output_10kt":14.3,"grade_pct":null}'
    assert isinstance(json.loads(raw)["output_10kt"], float)  # a number, not a string


def test_the_json_number_reads_back_as_the_exact_decimal() -> None:
    back = Output.model_validate_json('{"output_10kt": 14.3}')
    assert back.output_10kt == Decimal("14.3")
    assert str(back.output_10kt) == "14.3"
    assert back.output_10kt + Decimal("0.1") == Decimal("14.4")


def test_round_trip_through_json_is_exact() -> None:
    values = ["0.1", "14.3", "65.0", "1200", "0.000123", "-3.5", "99999999.99"]
    for text in values:
        original = Output(output_10kt=Decimal(text))
        back = Output.model_validate_json(original.model_dump_json())
        assert back.output_10kt == Decimal(text), text


def test_whole_numbers_read_back_equal() -> None:
    raw = Output(output_10kt=Decimal("1200.00"), grade_pct=Decimal("65")).model_dump_json()
    assert json.loads(raw) == {"output_10kt": 1200, "grade_pct": 65}
    assert Output.model_validate_json(raw).output_10kt == Decimal("1200")


@pytest.mark.parametrize("text", ["1200", "9007199254740993"])
def test_whole_numbers_are_written_with_their_own_digits(text: str) -> None:
    raw = Output(output_10kt=Decimal(text)).model_dump_json()
    assert raw == f'{{"output_10kt":{text},"grade_pct":null}}'
    assert str(Output.model_validate_json(raw).output_10kt) == text


def test_python_mode_keeps_the_decimal() -> None:
    dumped = Output(output_10kt=Decimal("14.3")).model_dump()
    assert dumped["output_10kt"] == Decimal("14.3")
    assert isinstance(dumped["output_10kt"], Decimal)


def test_a_float_input_becomes_the_decimal_of_its_digits() -> None:
    assert Output(output_10kt=14.3).output_10kt == Decimal("14.3")
    assert Output(output_10kt="2.5").output_10kt == Decimal("2.5")


def test_more_digits_than_a_json_number_carries_are_refused() -> None:
    too_precise = Output(output_10kt=Decimal("0.12345678901234567890123"))
    with pytest.raises(PydanticSerializationError, match="more digits than a JSON number"):
        too_precise.model_dump_json()
