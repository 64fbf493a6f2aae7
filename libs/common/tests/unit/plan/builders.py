"""Plan documents for tests: the bundled Pingquan plan, copied, with one value changed or
removed by its path (``entry_rules[3].check.x``)."""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from lode_common.plan.data import bundled_raw_document


@cache
def _bundled() -> dict[str, Any]:
    return bundled_raw_document()


def plan_document() -> dict[str, Any]:
    """A fresh deep copy of the bundled Pingquan plan with its standards, as parsed YAML."""
    return copy.deepcopy(_bundled())


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [int(i) if i else name for name, i in _TOKEN.findall(path)]


def changed(path: str, value: Any, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plan document with the value at ``path`` (``entry_rules[3].check.x``) replaced."""
    doc = plan_document() if doc is None else doc
    *parents, last = _steps(path)
    node: Any = doc
    for step in parents:
        node = node[step]
    node[last] = value
    return doc


def removed(path: str, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    """The plan document without the key or item at ``path``."""
    doc = plan_document() if doc is None else doc
    *parents, last = _steps(path)
    node: Any = doc
    for step in parents:
        node = node[step]
    del node[last]
    return doc
