"""A value of a JSON-like document with its path, so every reading error says where.

Layout-agnostic: a service's own reader knows the document's keys (licensing's plan rules,
monitoring's standards); this only reads values (text, exact numbers, dates, lists,
mappings) and raises the service's error with the path (``standards.scale_classes.items[3]
.large_min``) and what was wrong. Each service subclasses it to name its error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, NoReturn, Self


class DocumentNode:
    """A value of the document and where it stands (``standards.mineral_catalogue[16]``)."""

    __slots__ = ("path", "value")

    invalid: ClassVar[type[Exception]] = ValueError
    """Raised as ``invalid(path, problem)``: the service's own error."""
    text_accepts_float: ClassVar[bool] = False
    """Whether a number written as a float (``1.5``) may be read as text."""

    def __init__(self, value: object, path: str = "") -> None:
        self.value = value
        self.path = path

    def fail(self, problem: str) -> NoReturn:
        raise self.invalid(self.path, problem)

    def _child(self, value: object, key: str | int) -> Self:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        return type(self)(value, path)

    def _mapping(self) -> Mapping[Any, Any]:
        if not isinstance(self.value, Mapping):
            self.fail(f"expected a mapping, got {type(self.value).__name__}")
        return self.value

    def has(self, key: str) -> bool:
        return self._mapping().get(key) is not None

    def get(self, key: str) -> Self:
        """The child ``key``; missing (or null) is an error naming its path."""
        mapping = self._mapping()
        if mapping.get(key) is None:
            self._child(None, key).fail("missing")
        return self._child(mapping[key], key)

    def opt(self, key: str) -> Self | None:
        return self.get(key) if self.has(key) else None

    def entries(self) -> list[tuple[str, Self]]:
        return [(str(k), self._child(v, str(k))) for k, v in self._mapping().items()]

    def items(self) -> list[Self]:
        if not isinstance(self.value, list | tuple):
            self.fail(f"expected a list, got {type(self.value).__name__}")
        return [self._child(v, i) for i, v in enumerate(self.value)]

    def text(self) -> str:
        kinds = (str, int, float) if self.text_accepts_float else (str, int)
        if isinstance(self.value, bool) or not isinstance(self.value, kinds):
            self.fail(f"expected text, got {type(self.value).__name__}")
        text = str(self.value).strip()
        if not text:
            self.fail("empty text")
        return text

    def opt_text(self, key: str) -> str | None:
        child = self.opt(key)
        return child.text() if child is not None else None

    def texts(self) -> tuple[str, ...]:
        """Text, or a list of texts."""
        if isinstance(self.value, list | tuple):
            return tuple(node.text() for node in self.items())
        return (self.text(),)

    def number(self) -> Decimal:
        """An exact number; a float is read as the digits it was written with (2.7, not 2.70…)."""
        value = self.value
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.fail(f"expected a number, got {type(value).__name__}")
        try:
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            self.fail(f"expected a number, got {value!r}")
        if not number.is_finite():
            self.fail(f"expected a finite number, got {value!r}")
        return number

    def integer(self) -> int:
        number = self.number()
        if number != number.to_integral_value():
            self.fail(f"expected a whole number, got {number}")
        return int(number)

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            self.fail(f"expected true or false, got {self.value!r}")
        return self.value

    def a_date(self) -> date:
        if isinstance(self.value, date):
            return self.value
        try:
            return date.fromisoformat(self.text())
        except ValueError:
            self.fail(f"expected an ISO date, got {self.value!r}")

    def choice(self, allowed: Iterable[str]) -> str:
        options = tuple(allowed)
        text = self.text()
        if text not in options:
            self.fail(f"expected one of {', '.join(options)}, got {text!r}")
        return text
