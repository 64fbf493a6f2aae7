"""A value of a JSON-like document with its path, so every reading error says where.

Layout-agnostic: :mod:`.standards` knows the plan document's keys; this only reads values
(text, exact numbers, lists, mappings) and raises
:class:`~.errors.StandardsDocumentInvalid` with the path and what was wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from .errors import StandardsDocumentInvalid


class DocumentNode:
    """A value of the document and where it stands (``standards.mineral_catalogue[16]``)."""

    __slots__ = ("path", "value")

    def __init__(self, value: object, path: str = "") -> None:
        self.value = value
        self.path = path

    def fail(self, problem: str) -> NoReturn:
        raise StandardsDocumentInvalid(self.path, problem)

    def _child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def _mapping(self) -> Mapping[Any, Any]:
        if not isinstance(self.value, Mapping):
            self.fail(f"expected a mapping, got {type(self.value).__name__}")
        return self.value

    def has(self, key: str) -> bool:
        return self._mapping().get(key) is not None

    def get(self, key: str) -> DocumentNode:
        """The child ``key``; missing (or null) is an error naming its path."""
        mapping = self._mapping()
        if mapping.get(key) is None:
            DocumentNode(None, self._child_path(key)).fail("missing")
        return DocumentNode(mapping[key], self._child_path(key))

    def opt(self, key: str) -> DocumentNode | None:
        return self.get(key) if self.has(key) else None

    def entries(self) -> list[tuple[str, DocumentNode]]:
        return [
            (str(k), DocumentNode(v, self._child_path(str(k)))) for k, v in self._mapping().items()
        ]

    def items(self) -> list[DocumentNode]:
        if not isinstance(self.value, list | tuple):
            self.fail(f"expected a list, got {type(self.value).__name__}")
        return [DocumentNode(v, self._child_path(i)) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if isinstance(self.value, bool) or not isinstance(self.value, str | int):
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

    def choice(self, allowed: tuple[str, ...]) -> str:
        text = self.text()
        if text not in allowed:
            self.fail(f"expected one of {', '.join(allowed)}, got {text!r}")
        return text
