"""Proactive content negotiation on ``Accept`` (RFC 9110 §12.5.1), for the routes that
answer one media type only (the event stream).

An ``Accept`` is a list of media ranges (``text/event-stream``, ``text/*``, ``*/*``), each
with optional parameters and a weight ``q`` from 0 to 1. A representation is acceptable when
the most specific range that matches it has a weight above 0: ``*/*`` and ``text/*`` accept
``text/event-stream``; ``text/*, text/event-stream;q=0`` does not. No ``Accept`` at all
(or an empty one) accepts anything. Members that are not media ranges are ignored, as the
RFC allows; a field with none that parses accepts nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

_TOKEN: Final = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # noqa: S105 (RFC 9110 token, no secret)
_RANGE: Final = re.compile(rf"^\s*({_TOKEN})/({_TOKEN})\s*$")
_PARAM: Final = re.compile(rf'^\s*({_TOKEN})\s*=\s*({_TOKEN}|"(?:[^"\\]|\\.)*")\s*$')
_WEIGHT: Final = re.compile(r"^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$")


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One member of ``Accept``: ``type/subtype;param=value;q=weight``."""

    type: str
    subtype: str
    params: Mapping[str, str]
    q: Decimal

    def matches(self, type_: str, subtype: str, params: Mapping[str, str]) -> bool:
        if self.type != "*" and self.type != type_:
            return False
        if self.subtype != "*" and self.subtype != subtype:
            return False
        return all(params.get(name) == value for name, value in self.params.items())

    @property
    def specificity(self) -> tuple[int, int]:
        """Higher is more specific: ``*/*`` < ``text/*`` < ``text/x`` < ``text/x;p=v``."""
        if self.type == "*":
            return (0, 0)
        if self.subtype == "*":
            return (1, 0)
        return (2, len(self.params))


def _param_value(raw: str) -> str:
    if raw.startswith('"'):
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw


def _split(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` outside a quoted string (RFC 9110 §5.6.4)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def parse_member(member: str) -> MediaRange | None:
    """One media range, or ``None`` when ``member`` is not one (or has a bad weight)."""
    first, *rest = _split(member, ";")
    found = _RANGE.match(first)
    if found is None:
        return None
    type_, subtype = found.group(1).lower(), found.group(2).lower()
    if type_ == "*" and subtype != "*":
        return None
    params: dict[str, str] = {}
    q = Decimal(1)
    for segment in rest:
        if not segment.strip():
            continue
        param = _PARAM.match(segment)
        if param is None:
            return None
        name, value = param.group(1).lower(), _param_value(param.group(2))
        if name == "q":
            if _WEIGHT.match(value) is None:
                return None
            try:
                q = Decimal(value)
            except InvalidOperation:  # pragma: no cover - the pattern allows only numbers
                return None
            break  # what follows the weight are accept-extensions, which say nothing here
        params[name] = value.lower() if name == "charset" else value
    return MediaRange(type_, subtype, params, q)


def parse_accept(field: str) -> list[MediaRange]:
    """The media ranges of an ``Accept`` field, in order; members that do not parse left out."""
    ranges = (parse_member(member) for member in _split(field, ",") if member.strip())
    return [r for r in ranges if r is not None]


def accepts(field: str | None, media_type: str, params: Mapping[str, str] | None = None) -> bool:
    """Whether ``Accept: field`` accepts ``media_type`` (with ``params``, e.g. its charset).

    ``None`` or a blank field accepts anything; otherwise the most specific matching range
    decides, and a weight of 0 refuses.
    """
    if field is None or not field.strip():
        return True
    offered = {
        name.lower(): value.lower() if name.lower() == "charset" else value
        for name, value in (params or {}).items()
    }
    type_, _, subtype = media_type.lower().partition("/")
    matching = [r for r in parse_accept(field) if r.matches(type_, subtype, offered)]
    if not matching:
        return False
    best = max(matching, key=lambda r: r.specificity)
    weight = min(r.q for r in matching if r.specificity == best.specificity)
    return weight > 0
