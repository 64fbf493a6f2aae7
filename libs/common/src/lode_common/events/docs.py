"""JSON Schemas of the registered payloads and a generated AsyncAPI 3.0 document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lode_common.events.envelope import Envelope, topic_of
from lode_common.events.registry import registered_types


def _catalog() -> None:
    import lode_common.events.catalog  # noqa: F401  (registers Lode's integration events)


def payload_schemas() -> dict[str, dict[str, Any]]:
    """``{event_type: JSON Schema}`` for every registered payload."""
    _catalog()
    return {t: cls.model_json_schema() for t, cls in registered_types().items()}


def asyncapi_document(version: str = "1.0.0") -> dict[str, Any]:
    """An AsyncAPI 3.0 document: one channel per topic, one message per event type."""
    _catalog()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": _envelope_schema()}
    for event_type, cls in registered_types().items():
        name = event_type.replace(".", "_")
        topic = topic_of(event_type)
        channel_id = topic.replace(".", "_")
        schemas[name] = cls.model_json_schema(ref_template="#/components/schemas/{model}")
        for sub_name, sub in schemas[name].pop("$defs", {}).items():
            schemas.setdefault(sub_name, sub)
        messages[name] = {
            "name": event_type,
            "title": event_type,
            "summary": cls.summary or _first_line(cls.__doc__),
            "contentType": "application/cloudevents+json",
            "headers": {"$ref": "#/components/schemas/Envelope"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
        }
        channel = channels.setdefault(
            channel_id,
            {"address": topic, "messages": {}, "description": f"Events published by {topic}"},
        )
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for channel_id, channel in channels.items():
        operations[f"receive_{channel_id}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [
                {"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel["messages"]
            ],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Lode events",
            "version": version,
            "description": "CloudEvents 1.0 JSON envelopes; the message key is the subject.",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


def _envelope_schema() -> dict[str, Any]:
    schema = Envelope.model_json_schema()
    schema["description"] = "CloudEvents 1.0 structured-mode envelope"
    return schema


def write_docs(out_dir: Path) -> list[Path]:
    """Write ``<type>.schema.json`` per payload and ``asyncapi.json``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type, schema in payload_schemas().items():
        path = out_dir / f"{event_type}.schema.json"
        path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    path = out_dir / "asyncapi.json"
    path.write_text(
        json.dumps(asyncapi_document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    written.append(path)
    return written
