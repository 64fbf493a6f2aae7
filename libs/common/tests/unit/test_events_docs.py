"""JSON Schemas of the payloads and the generated AsyncAPI 3.0 document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import lode_common.events.catalog  # noqa: F401  (registers the integration events)
from lode_common.events.docs import asyncapi_document, payload_schemas, write_docs
from lode_common.events.registry import EventPayload, registered_types

from .support import catalog_types


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        assert isinstance(node, dict), f"{ref} does not resolve"
        assert part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_one_channel_per_topic() -> None:
    document = asyncapi_document()
    assert document["asyncapi"] == "3.0.0"
    addresses = {c["address"] for c in document["channels"].values()}
    assert {"lode.zoning", "lode.licensing", "lode.monitoring"} <= addresses
    assert len(addresses) == len(document["channels"])  # no topic twice


def test_one_message_per_catalog_type_in_its_topic_channel() -> None:
    document = asyncapi_document()
    messages = document["components"]["messages"]
    by_name = {m["name"]: key for key, m in messages.items()}
    for event_type, cls in catalog_types().items():
        assert event_type in by_name, f"{event_type} has no message"
        key = by_name[event_type]
        message = messages[key]
        assert message["contentType"] == "application/cloudevents+json"
        assert message["summary"] == (cls.__doc__ or "").strip().splitlines()[0]
        topic = ".".join(event_type.split(".")[:2])
        channel = next(c for c in document["channels"].values() if c["address"] == topic)
        assert channel["messages"][key] == {"$ref": f"#/components/messages/{key}"}
        schema = _resolve(document, message["payload"]["$ref"])
        assert set(schema["properties"]) == set(cls.model_fields)


def test_every_reference_in_the_document_resolves() -> None:
    document = asyncapi_document()
    refs = set(_refs(document))
    assert "#/components/schemas/Holder" in refs  # nested models are lifted, not dangling
    for ref in refs:
        _resolve(document, ref)


def test_one_receive_operation_per_channel() -> None:
    document = asyncapi_document()
    operations = document["operations"]
    assert len(operations) == len(document["channels"])
    for channel_id, channel in document["channels"].items():
        operation = operations[f"receive_{channel_id}"]
        assert operation["action"] == "receive"
        assert len(operation["messages"]) == len(channel["messages"])


def test_the_envelope_schema_is_the_message_header() -> None:
    document = asyncapi_document(version="2.3.4")
    assert document["info"]["version"] == "2.3.4"
    envelope = document["components"]["schemas"]["Envelope"]
    assert {"specversion", "id", "source", "type", "subject", "time", "data"} <= set(
        envelope["properties"]
    )


@pytest.mark.usefixtures("clean_registry")
def test_a_new_topic_gets_its_channel() -> None:
    class Compiled(EventPayload):
        """A report was compiled."""

        event_type = "lode.archive.report.compiled.v1"
        year: int

    document = asyncapi_document()
    channel = document["channels"]["lode_archive"]
    assert channel["address"] == "lode.archive"
    assert list(channel["messages"]) == ["lode_archive_report_compiled_v1"]
    message = document["components"]["messages"]["lode_archive_report_compiled_v1"]
    assert message["summary"] == "A report was compiled."


def test_payload_schemas_cover_the_registry() -> None:
    schemas = payload_schemas()
    assert set(schemas) == set(registered_types())
    issued = schemas["lode.licensing.licence.issued.v1"]
    assert issued["properties"]["licence_no"]["pattern"] == "^[CT][0-9]{22}$"


def test_write_docs_writes_a_schema_per_type_and_the_asyncapi_document(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "events"
    written = write_docs(out)
    names = {p.name for p in written}
    assert names == {f"{t}.schema.json" for t in registered_types()} | {"asyncapi.json"}
    assert all(p.parent == out and p.exists() for p in written)
    schema_file = out / "lode.zoning.plan.published.v1.schema.json"
    assert (
        json.loads(schema_file.read_text("utf-8"))
        == payload_schemas()["lode.zoning.plan.published.v1"]
    )
    assert "规划发布" in schema_file.read_text("utf-8")  # Chinese kept readable
    assert json.loads((out / "asyncapi.json").read_text("utf-8")) == asyncapi_document()
