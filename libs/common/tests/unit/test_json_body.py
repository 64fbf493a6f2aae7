"""Bodies read as JSON by hand: every way to fail is a 422 naming ``body``."""

from __future__ import annotations

import pytest

from lode_common.errors import InvalidInput
from lode_common.json_body import json_object, parse_json


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
