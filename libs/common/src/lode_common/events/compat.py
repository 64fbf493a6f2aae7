"""Is a payload's JSON Schema still compatible with the one its consumers were built on?

Topics are kept for good and replayed, and consumers of one type are upgraded at their
own pace, so within a version (``.v1``) a payload may only grow: every event ever
written must still validate against the current schema, and every event written now
must still validate against the schema an older consumer knows. Concretely, going from
``old`` to ``new`` breaks the contract when, at any depth (nested models included):

* a property is removed;
* a property's type changes (its JSON types, format, pattern or allowed values),
  which includes becoming nullable or no longer nullable;
* a property becomes required (a new required property, or an optional one made
  required): events already in the log lack it;
* a required property becomes optional: a producer may then omit it, and an older
  consumer that requires it would park the event.

Adding an optional property, or changing a title, description or default, is
compatible. Any change listed above needs a new type, ``.v2``, published beside the old
one for as long as consumers need it.

The schemas as published are committed in ``schemas/`` (``lode docs --out
libs/common/src/lode_common/events/schemas``); the unit tests compare every registered
type with them through :func:`incompatibilities`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

_MAX_DEPTH = 64  # a safety net; recursive models stop at the first repeated definition


def incompatibilities(old: Schema, new: Schema) -> list[str]:
    """Every way ``new`` breaks consumers or stored events written against ``old``;
    empty when the change is compatible. Each entry names the property path."""
    walk = _Walk(old, new)
    walk.compare(old, new, "", 0)
    return walk.problems


@dataclass
class _Branch:
    """One alternative of a schema, resolved, with the ``$ref`` it came from (if any)."""

    schema: Schema
    ref: str | None


@dataclass
class _Walk:
    old_root: Schema
    new_root: Schema
    problems: list[str] = field(default_factory=list)
    compared: set[tuple[str, str]] = field(default_factory=set)  # pairs of definitions

    def compare(self, old: Schema, new: Schema, path: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        old_branches = _branches(old, self.old_root)
        new_branches = _branches(new, self.new_root)
        old_shapes, new_shapes = _shapes(old_branches), _shapes(new_branches)
        if old_shapes != new_shapes:
            self.problems.append(
                f"{path or '(the payload)'}: type changed from "
                f"{' | '.join(sorted(old_shapes))} to {' | '.join(sorted(new_shapes))}"
            )
            return
        old_object, new_object = _first_object(old_branches), _first_object(new_branches)
        if old_object and new_object:
            pair = (old_object.ref, new_object.ref)
            if pair[0] is not None and pair[1] is not None:
                if pair in self.compared:  # (recursive models) already compared once
                    return
                self.compared.add((pair[0], pair[1]))
            self.compare_objects(old_object.schema, new_object.schema, path, depth)
        old_items, new_items = _first_items(old_branches), _first_items(new_branches)
        if old_items is not None and new_items is not None:
            self.compare(old_items, new_items, f"{path}[]", depth + 1)

    def compare_objects(self, old: Schema, new: Schema, path: str, depth: int) -> None:
        old_props: dict[str, Schema] = old.get("properties", {})
        new_props: dict[str, Schema] = new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        prefix = f"{path}." if path else ""
        for name, old_prop in old_props.items():
            if name not in new_props:
                self.problems.append(f"{prefix}{name}: property removed")
                continue
            if name in new_required and name not in old_required:
                self.problems.append(f"{prefix}{name}: optional property became required")
            if name in old_required and name not in new_required:
                self.problems.append(f"{prefix}{name}: required property became optional")
            self.compare(old_prop, new_props[name], f"{prefix}{name}", depth + 1)
        for name in new_props:
            if name not in old_props and name in new_required:
                self.problems.append(f"{prefix}{name}: new required property")


def _resolve(schema: Schema, root: Schema) -> _Branch:
    ref: str | None = None
    for _ in range(_MAX_DEPTH):
        target_ref = schema.get("$ref")
        if not isinstance(target_ref, str) or not target_ref.startswith("#"):
            break
        ref = target_ref
        target: Any = root
        for part in target_ref[2:].split("/") if target_ref != "#" else []:
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return _Branch(schema, ref)


def _branches(schema: Schema, root: Schema) -> list[_Branch]:
    """The alternatives of a schema (``anyOf``/``oneOf``), each resolved; itself otherwise."""
    branch = _resolve(schema, root)
    alternatives = branch.schema.get("anyOf") or branch.schema.get("oneOf")
    if not alternatives:
        return [branch]
    found: list[_Branch] = []
    for alternative in alternatives:
        found += _branches(alternative, root)
    return found


def _shapes(branches: list[_Branch]) -> set[str]:
    """The shapes a value may take: JSON type plus format and pattern, or allowed values."""
    shapes: set[str] = set()
    for branch in branches:
        schema = branch.schema
        if "const" in schema:
            shapes.add(f"value {schema['const']!r}")
            continue
        if "enum" in schema:
            shapes |= {f"value {v!r}" for v in schema["enum"]}
            continue
        types = schema.get("type", "object" if "properties" in schema else "any")
        for t in [types] if isinstance(types, str) else types:
            shape = str(t)
            if "format" in schema:
                shape += f" ({schema['format']})"
            if "pattern" in schema:
                shape += f" matching {schema['pattern']}"
            shapes.add(shape)
    return shapes


def _first_object(branches: list[_Branch]) -> _Branch | None:
    return next((b for b in branches if "properties" in b.schema), None)


def _first_items(branches: list[_Branch]) -> Schema | None:
    for b in branches:
        if b.schema.get("type") == "array" and isinstance(b.schema.get("items"), dict):
            items: Schema = b.schema["items"]
            return items
    return None
