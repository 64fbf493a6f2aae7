"""Bodies read as JSON by hand: every way to fail is a 422 naming ``body``."""

from __future__ import annotations

import pytest

from lode_common.errors import InvalidInput
from lode_common.json_body import json_object, parse_json, screen

HUGE_INTEGER = b"1" * 4301


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{", "not valid JSON"),
        (b'{"licence_no": "C13\xff\xfe"}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"area": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    ],
)
def test_a_body_that_cannot_be_read_is_422_naming_the_body(raw: bytes, reason: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_json(raw)
    assert caught.value.errors == [{"field": "body", "message": caught.value.errors[0]["message"]}]
    assert reason in caught.value.errors[0]["message"]


def test_an_object_is_required_where_one_is_expected() -> None:
    assert json_object(b'{"year": 2024}', "report") == {"year": 2024}
    with pytest.raises(InvalidInput, match="send one report object"):
        json_object(b"[1, 2]", "report")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"capacity": ' + HUGE_INTEGER + b"}", "more than 4300 digits"),
        (b"[1, -" + HUGE_INTEGER + b"]", "more than 4300 digits"),
        (b'{"capacity": NaN}', "NaN is not a number JSON allows"),
        (b'{"capacity": Infinity}', "Infinity is not a number JSON allows"),
        (b'{"capacity": -Infinity}', "-Infinity is not a number JSON allows"),
        (b'{"capacity": 1e400}', "the number 1e400 is too large"),
        (b'{"depth_m": [-1e400, 420]}', "the number -1e400 is too large"),
        (b'{"capacity": ' + b"9" * 400 + b".5}", "is too large"),
    ],
)
def test_a_number_json_cannot_carry_is_422_naming_the_body(raw: bytes, reason: str) -> None:
    """Python's json reads NaN and Infinity, turns 1e400 into infinity and raises a bare
    ValueError past 4,300 digits (a 500 before): each is a 422 naming ``body``."""
    with pytest.raises(InvalidInput) as caught:
        parse_json(raw)
    [error] = caught.value.errors or []
    assert error["field"] == "body"
    assert reason in error["message"]
    assert "send numbers as plain decimal numbers" in error["message"]
    assert screen(raw) is not None, "the middleware's screen refuses it as well"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"capacity": 1e308, "depth_m": [-1.7976931348623157e308, 4300]}',
        b'{"name": "NaN Infinity 1e400", "note": "' + b"9" * 5000 + b'"}',
        b'{"capacity": ' + b"1" * 4300 + b"}",
        b'{"capacity": 0.' + b"0" * 400 + b"1}",
    ],
)
def test_large_but_finite_numbers_and_look_alikes_in_text_are_read(raw: bytes) -> None:
    """What the screen flags is parsed before it is refused: text that merely looks like a
    forbidden number, and numbers a float or an int holds, pass (their bounds are the
    route's)."""
    assert screen(raw) is None
    assert isinstance(parse_json(raw), dict)


def test_the_screen_leaves_broken_json_to_the_route() -> None:
    assert screen(b'{"a" NaN}') is None  # not JSON at all: the route says so in its words
    assert screen(b'{"a": 1}') is None
