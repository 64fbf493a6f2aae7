"""Hostile inputs for ``test_hostile_input.py``: whole bodies that are no request at all,
one-field mutations of a valid body, hostile path and query values, and the checks that
an answer to them is a refusal (a 4xx problem) and that nothing nonsensical was stored.

Every mutation here is nonsense for *any* field it lands on, so no route may answer it
with a 2xx: a string carrying NUL or a bidirectional override, a string longer than every
bound in :mod:`lode_common.limits`, a number no quantity, year or coordinate can be
(1e308, 1e400, NaN, Infinity, an integer of more digits than Python reads), a number sent
as text, "yes" for a boolean, and an unknown field.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from lode_common.limits import LIMITS

Path = tuple[str | int, ...]

HUGE_DIGITS = 4_400
"""Digits of the integer literal: past Python's 4,300-digit limit on int() of text."""
DEEP = 100_000
"""Levels of nesting of the deep bodies."""
LONG = 300_000
"""Characters of the over-long strings: past every text bound (and past a 2-byte length)."""
PARAM_LONG = 20_000
"""Characters of the over-long path and query values: past every text bound, within the
65,536 characters httpx (and any server in front) lets a URL have."""
assert all(limit.value < LONG for limit in LIMITS if limit.unit == "characters")

HUGE_INT = "9" * HUGE_DIGITS
NUL = "\x00"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE ("Trojan Source")
EXTRA_FIELD = "hostile_unknown_field"
GEOJSON_TYPES = frozenset(
    {
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "Feature",
        "FeatureCollection",
    }
)


@dataclass(frozen=True)
class Raw:
    """JSON text put into a body as it is (a literal ``json.dumps`` will not write)."""

    text: str


def dump(body: Any) -> bytes:
    """The body as JSON bytes, with every :class:`Raw` value written as its literal text."""
    raws: list[str] = []

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.text)
            return f"@@hostile-raw-{len(raws) - 1}@@"
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    text = json.dumps(swap(body), ensure_ascii=False)
    for index, raw in enumerate(raws):
        text = text.replace(f'"@@hostile-raw-{index}@@"', raw, 1)
    return text.encode("utf-8")


# --- whole bodies ------------------------------------------------------------------------------
def whole_bodies(example: Any) -> dict[str, bytes]:
    """Bodies that are no request of any route, by name; ``example`` is the route's valid
    body (its wrong-type variants are built from it)."""
    bodies = {
        "integer literal of 4,400 digits in an object": f'{{"n": {HUGE_INT}}}'.encode(),
        "integer literal of 4,400 digits at the top": HUGE_INT.encode(),
        "arrays nested 100,000 deep": b"[" * DEEP + b"]" * DEEP,
        "objects nested 100,000 deep": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
        "top level: an empty array": b"[]",
        "top level: a string": b'"text"',
        "top level: a number": b"12",
        "top level: null": b"null",
        "top level: true": b"true",
        "top level: 1e308": b"1e308",
        "top level: 1e400": b"1e400",
        "top level: NaN": b"NaN",
        "top level: Infinity": b"Infinity",
        "top level: -Infinity": b"-Infinity",
        "an object holding NaN": b'{"a": NaN}',
        "not JSON: a cut object": b'{"',
        "not JSON: empty": b"",
        "not UTF-8": b'{"a": "\xff\xfe"}',
        "the example inside an array": dump([example]),
        "the example as a JSON string": json.dumps(json.dumps(example)).encode(),
    }
    if isinstance(example, dict):
        deep_inside = {key: Raw("[" * DEEP + "]" * DEEP) for key in list(example)[:1]}
        bodies["the example with its first field nested 100,000 deep"] = dump(
            {**example, **deep_inside}
        )
    return bodies


YAML_BODIES: dict[str, bytes] = {
    "YAML: integer of 4,400 digits": f"plan:\n  id: x\n  n: {HUGE_INT}\n".encode(),
    "YAML: sequences nested 100,000 deep": b"[" * DEEP + b"]" * DEEP,
    "YAML: mappings nested 100,000 deep": b"{a: " * DEEP + b"1" + b"}" * DEEP,
    "YAML: a python object tag": b"!!python/object/apply:os.system ['true']\n",
    "YAML: a plain scalar": b"just some text\n",
    "YAML: a list": b"- a\n- b\n",
    "YAML: .nan and .inf": b"plan: {id: .nan, n: .inf}\n",
    "YAML: a NUL character": b'plan: {id: "a\\0b"}\n',
    "YAML: not UTF-8": b"plan: \xff\xfe\n",
    "YAML: broken indentation": b"plan:\n\t- a\n  b: [\n",
    "YAML: 1e400": b"n: 1e400\n",
}

ZIP_BODIES: dict[str, bytes] = {
    "zip: not a zip archive": b"PK\x03\x04 this is not a zip archive" + b"\x00" * 64,
    "zip: an empty archive": b"PK\x05\x06" + b"\x00" * 18,
}


# --- one-field mutations of a valid body ---------------------------------------------------------
def scalar_paths(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every scalar leaf of a body (the first two items of each list), with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from scalar_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from scalar_paths(item, (*path, index))
    else:
        yield path, value


def object_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Where an unknown field goes: every JSON object of the body that is not GeoJSON (whose
    objects may carry foreign members by RFC 7946), and the ``properties`` of GeoJSON
    Features; the first two items of each list."""
    if isinstance(value, dict):
        if value.get("type") in GEOJSON_TYPES:
            if isinstance(value.get("properties"), dict):
                yield (*path, "properties")
        else:
            yield path
        for key, item in value.items():
            if key != "properties" or value.get("type") not in GEOJSON_TYPES:
                yield from object_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from object_paths(item, (*path, index))


def _replaced(body: Any, path: Path, new: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return changed


def _with_extra(body: Any, path: Path) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for step in path:
        target = target[step]
    target[EXTRA_FIELD] = "?"
    return changed


def hostile_values(value: Any) -> dict[str, Any]:
    """Replacements of one scalar that no field can take, by name."""
    if isinstance(value, bool):
        return {'"yes" for a boolean': "yes"}
    if isinstance(value, int | float):
        return {
            "1e308": Raw("1e308"),
            "1e400": Raw("1e400"),
            "NaN": Raw("NaN"),
            "Infinity": Raw("Infinity"),
            "integer of 4,400 digits": Raw(HUGE_INT),
            '"12" (a number as text)': "12",
        }
    if isinstance(value, str):
        return {
            "a NUL inside": value[:1] + NUL + value[1:],
            "a U+202E (bidi override) inside": RLO + value,
            "300,000 characters": "x" * LONG,
        }
    return {}  # null: the field is optional and left out of the mutations


def _label(path: Path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "(top)"


def mutations(example: Any, sampled: frozenset[str] = frozenset()) -> Iterator[tuple[str, bytes]]:
    """(name, body) for each hostile change of one field of ``example``.

    ``sampled``: top-level fields whose value is a model another route's example mutates
    whole (a plan document inside a proposal is the ``PUT`` plan's body): inside them each
    hostile value lands once, on the first field it fits, and an unknown field once at their
    top, so the route is shown to hand them to the model that refuses, without repeating the
    model's whole mutation on every route that embeds it."""
    tried: set[tuple[str, str]] = set()

    def inside_sampled(path: Path) -> str | None:
        return str(path[0]) if path and path[0] in sampled else None

    for path, value in scalar_paths(example):
        where = inside_sampled(path)
        for what, new in hostile_values(value).items():
            if where is not None:
                if (where, what) in tried:
                    continue
                tried.add((where, what))
            yield f"{_label(path)} := {what}", dump(_replaced(example, path, new))
    for path in object_paths(example):
        if inside_sampled(path) is not None and len(path) > 1:
            continue
        yield f"{_label(path)} + unknown field {EXTRA_FIELD!r}", dump(_with_extra(example, path))


# --- path and query values ---------------------------------------------------------------------
NONSENSE_PARAMS: dict[str, str] = {
    "20,000 characters": "x" * PARAM_LONG,
    "a NUL (%00)": "a%00b",
    "a U+202E (%E2%80%AE)": "%E2%80%AEa",
}
"""Values no parameter can hold (already percent-encoded for a path)."""
NUMBER_PARAMS: dict[str, str] = {
    "447572218761": "447572218761",
    "10**30": str(10**30),
    "-1": "-1",
    "-447572218761": "-447572218761",
}
"""Numbers past 32 and 64 bits and below zero: legitimately a value of some parameters (a
note, a name filter), so only a 5xx is wrong."""


def query_value(encoded: str) -> str:
    """The value as the query string sends it (httpx encodes it again)."""
    return encoded.replace("%00", NUL).replace("%E2%80%AE", RLO)


# --- answers -----------------------------------------------------------------------------------
def excerpt(response: httpx.Response) -> str:
    return response.text[:240].replace("\n", " ")


def problem_fault(response: httpx.Response) -> str | None:
    """What is wrong with a 4xx answer's shape, or None (RFC 9457 with a ``detail``)."""
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("application/problem+json"):
        return f"{response.status_code} is not application/problem+json ({content_type!r})"
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} problem body is not JSON"
    if not isinstance(body, dict) or not isinstance(body.get("detail"), str) or not body["detail"]:
        return f"{response.status_code} problem has no detail"
    return None


def judge(response: httpx.Response, *, refuse: bool) -> str | None:
    """Why the answer is wrong, or None: never a 5xx; a 4xx is a problem with a detail; and
    with ``refuse`` (the request is nonsense) never a 2xx or 3xx."""
    status = response.status_code
    if status >= 500:
        return f"{status}: {excerpt(response)}"
    if refuse and status < 400:
        return f"{status} (accepted nonsense): {excerpt(response)}"
    if status >= 400:
        fault = problem_fault(response)
        if fault is not None:
            return f"{fault}: {excerpt(response)}"
    return None


# --- what was stored ---------------------------------------------------------------------------
def nonsense_in(value: Any, path: str = "") -> Iterator[str]:
    """Where a stored answer holds a NUL, a U+202E, a string of ``LONG`` characters, a
    number beyond 1e300 or the unknown field of the mutations (each one only a hostile
    request could have put there)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == EXTRA_FIELD:
                yield f"{path}.{key}: the unknown field a hostile request sent"
            yield from nonsense_in(key, f"{path}.{key} (the key)")
            yield from nonsense_in(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nonsense_in(item, f"{path}[{index}]")
    elif isinstance(value, str):
        if NUL in value:
            yield f"{path}: a NUL in {value[:60]!r}"
        if RLO in value:
            yield f"{path}: a U+202E in {value[:60]!r}"
        if len(value) >= LONG:
            yield f"{path}: a string of {len(value)} characters"
    elif isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > 1e300:
        yield f"{path}: the number {str(value)[:40]}"
