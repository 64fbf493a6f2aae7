"""Reading ``Accept`` by RFC 9110 §12.5.1: media ranges, parameters (quoted ones too),
weights, and the most specific range deciding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lode_reporting.api.negotiation import accepts, parse_accept

SSE = "text/event-stream"
UTF8 = {"charset": "utf-8"}


def test_members_parameters_and_weights_are_read() -> None:
    ranges = parse_accept('text/html;level="1,2";q=0.7, */*;q=0.1, junk, text/*')
    assert [(r.type, r.subtype, dict(r.params), r.q) for r in ranges] == [
        ("text", "html", {"level": "1,2"}, Decimal("0.7")),
        ("*", "*", {}, Decimal("0.1")),
        ("text", "*", {}, Decimal(1)),
    ]


@pytest.mark.parametrize(
    ("field", "accepted"),
    [
        (None, True),
        ("", True),
        ("*/*", True),
        ("text/*", True),
        ("Text/Event-Stream", True),
        ("text/event-stream;charset=UTF-8", True),
        ("text/event-stream;charset=latin1", False),
        ("text/event-stream;q=0", False),
        ("text/event-stream;q=0.001", True),
        ("text/event-stream;q=1.0001", False),  # not a weight: the member is ignored
        ("*/*;q=0.5, text/event-stream;q=0", False),
        ("text/event-stream;q=0, */*", False),
        ("text/*;q=0, text/event-stream;q=0.2", True),
        ("*/event-stream", False),  # not a media range
        ("application/json", False),
        ('text/html;x="a, text/event-stream;q=0", text/event-stream', True),  # quoted comma
    ],
)
def test_the_most_specific_matching_range_decides(field: str | None, accepted: bool) -> None:
    assert accepts(field, SSE, UTF8) is accepted
