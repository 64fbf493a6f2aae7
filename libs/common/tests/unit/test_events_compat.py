"""The schema compatibility check, on small hand-made schemas and on a real payload's."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import BaseModel

from lode_common.events import catalog
from lode_common.events.compat import incompatibilities

Schema = dict[str, Any]


def obj(required: list[str] | None = None, **properties: Schema) -> Schema:
    return {"type": "object", "properties": properties, "required": required or []}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
OPT_STR: Schema = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
BASE = obj(["licence_no", "year"], licence_no=STR, year=INT, note=OPT_STR)


def test_the_same_schema_is_compatible() -> None:
    assert incompatibilities(BASE, copy.deepcopy(BASE)) == []


def test_adding_an_optional_property_is_compatible() -> None:
    grown = obj(["licence_no", "year"], licence_no=STR, year=INT, note=OPT_STR, site=OPT_STR)
    assert incompatibilities(BASE, grown) == []


def test_titles_descriptions_and_defaults_do_not_matter() -> None:
    reworded = copy.deepcopy(BASE)
    reworded["description"] = "A new description"
    reworded["properties"]["year"] = {"type": "integer", "title": "Year (年度)"}
    reworded["properties"]["note"]["default"] = "none"
    assert incompatibilities(BASE, reworded) == []


def test_removing_a_property_is_incompatible() -> None:
    shrunk = obj(["licence_no", "year"], licence_no=STR, year=INT)
    assert incompatibilities(BASE, shrunk) == ["note: property removed"]


def test_changing_a_property_type_is_incompatible() -> None:
    changed = obj(["licence_no", "year"], licence_no=STR, year=STR, note=OPT_STR)
    assert incompatibilities(BASE, changed) == ["year: type changed from integer to string"]


def test_a_new_required_property_is_incompatible() -> None:
    grown = obj(["licence_no", "year", "site"], licence_no=STR, year=INT, note=OPT_STR, site=STR)
    assert incompatibilities(BASE, grown) == ["site: new required property"]


def test_making_an_optional_property_required_is_incompatible() -> None:
    stricter = obj(["licence_no", "year", "note"], licence_no=STR, year=INT, note=OPT_STR)
    assert incompatibilities(BASE, stricter) == ["note: optional property became required"]


def test_making_a_required_property_optional_is_incompatible() -> None:
    looser = obj(["licence_no"], licence_no=STR, year=INT, note=OPT_STR)
    assert incompatibilities(BASE, looser) == ["year: required property became optional"]


def test_becoming_nullable_is_a_type_change() -> None:
    nullable = obj(["licence_no", "year"], licence_no=OPT_STR, year=INT, note=OPT_STR)
    [problem] = incompatibilities(BASE, nullable)
    assert problem.startswith("licence_no: type changed from string to null | string")


@pytest.mark.parametrize(
    "values", [["approved"], ["approved", "rejected", "withdrawn"]], ids=["removed", "added"]
)
def test_changing_the_allowed_values_is_incompatible(values: list[str]) -> None:
    old = obj(["decision"], decision={"type": "string", "enum": ["approved", "rejected"]})
    new = obj(["decision"], decision={"type": "string", "enum": values})
    [problem] = incompatibilities(old, new)
    assert problem.startswith("decision: type changed")


def test_changing_a_format_or_pattern_is_incompatible() -> None:
    old = obj(["valid_from"], valid_from={"type": "string", "format": "date"})
    new = obj(["valid_from"], valid_from={"type": "string", "format": "date-time"})
    assert incompatibilities(old, new) == [
        "valid_from: type changed from string (date) to string (date-time)"
    ]
    old = obj(["no"], no={"type": "string", "pattern": "^C[0-9]{22}$"})
    new = obj(["no"], no={"type": "string", "pattern": "^[CT][0-9]{22}$"})
    assert len(incompatibilities(old, new)) == 1


def _with_holder(holder: Schema, *, optional: bool = False) -> Schema:
    ref: Schema = {"$ref": "#/$defs/Holder"}
    schema = obj(["holder"], holder={"anyOf": [ref, {"type": "null"}]} if optional else ref)
    schema["$defs"] = {"Holder": holder}
    return schema


HOLDER = obj(["name", "credit_code"], name=STR, credit_code=STR)


@pytest.mark.parametrize("optional", [False, True])
def test_nested_models_are_compared_through_refs(optional: bool) -> None:
    old = _with_holder(HOLDER, optional=optional)
    assert incompatibilities(old, _with_holder(HOLDER, optional=optional)) == []
    grown = obj(["name", "credit_code"], name=STR, credit_code=STR, address=OPT_STR)
    assert incompatibilities(old, _with_holder(grown, optional=optional)) == []
    shrunk = obj(["name"], name=STR)
    assert incompatibilities(old, _with_holder(shrunk, optional=optional)) == [
        "holder.credit_code: property removed"
    ]


def test_array_items_are_compared() -> None:
    check = obj(["rule_id", "clause"], rule_id=STR, clause=STR)
    old = obj(["checks"], checks={"type": "array", "items": check})
    new = obj(["checks"], checks={"type": "array", "items": obj(["rule_id"], rule_id=STR)})
    assert incompatibilities(old, new) == ["checks[].clause: property removed"]
    new = obj(["checks"], checks={"type": "array", "items": STR})
    assert incompatibilities(old, new) == ["checks[]: type changed from object to string"]


def test_a_recursive_schema_terminates() -> None:
    node: Schema = obj(["name"], name=STR, children={"type": "array", "items": {"$ref": "#"}})
    assert incompatibilities(node, copy.deepcopy(node)) == []


def test_a_branching_recursive_model_is_compared_once_per_definition() -> None:
    class Node(BaseModel):
        name: str
        left: Node | None = None
        right: Node | None = None

    class Renamed(BaseModel):
        label: str
        left: Renamed | None = None
        right: Renamed | None = None

    old = Node.model_json_schema()
    assert incompatibilities(old, copy.deepcopy(old)) == []
    new = Renamed.model_json_schema(ref_template="#/$defs/{model}")
    assert sorted(incompatibilities(old, new)) == [
        "label: new required property",
        "name: property removed",
    ]


def test_several_problems_are_all_reported() -> None:
    new = obj(["licence_no", "year", "site"], licence_no=INT, year=INT, site=STR)
    assert sorted(incompatibilities(BASE, new)) == [
        "licence_no: type changed from string to integer",
        "note: property removed",
        "site: new required property",
    ]


# --- on a real payload's schema -----------------------------------------------------------
def issued_schema() -> Schema:
    return catalog.LicenceIssued.model_json_schema()


def test_a_real_schema_is_compatible_with_itself() -> None:
    assert incompatibilities(issued_schema(), issued_schema()) == []


def test_a_real_schema_with_a_nested_field_removed_is_incompatible() -> None:
    new = issued_schema()
    del new["$defs"]["Holder"]["properties"]["credit_code"]
    new["$defs"]["Holder"]["required"].remove("credit_code")
    assert incompatibilities(issued_schema(), new) == ["holder.credit_code: property removed"]


def test_a_real_quantity_turned_float_only_is_incompatible() -> None:
    new = issued_schema()
    new["$defs"]["Capacity"]["properties"]["value"] = {"type": "number"}
    assert incompatibilities(issued_schema(), new) == [
        "capacity.value: type changed from number | string to number"
    ]
