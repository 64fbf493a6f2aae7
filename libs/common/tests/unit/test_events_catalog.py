"""The integration events: their committed schemas guard the public contract.

``lode_common/events/schemas/`` holds the JSON Schema of every type as published. A change
that breaks consumers or the events already in the log fails here: such a change is a
new ``.vN`` type. A compatible change (a new optional field) is recorded by regenerating
the snapshots with ``lode docs --out libs/common/src/lode_common/events/schemas``.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import lode_common.events
from lode_common.events import catalog, registry
from lode_common.events.compat import incompatibilities
from lode_common.events.docs import asyncapi_document
from lode_common.events.envelope import Envelope
from lode_common.events.registry import payload_class

from .support import catalog_types

SNAPSHOTS = Path(lode_common.events.__file__).parent / "schemas"
REGENERATE = "lode docs --out libs/common/src/lode_common/events/schemas"


def snapshot(event_type: str, folder: Path = SNAPSHOTS) -> dict[str, Any] | None:
    path = folder / f"{event_type}.schema.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else None


def contract_report(current: dict[str, dict[str, Any]], folder: Path = SNAPSHOTS) -> list[str]:
    """What is wrong between the current schemas and the committed snapshots, with advice."""
    report = []
    for event_type, schema in sorted(current.items()):
        published = snapshot(event_type, folder)
        if published is None:
            report.append(
                f"{event_type} has no committed schema. Record it with `{REGENERATE}` and "
                "commit the new file."
            )
            continue
        problems = incompatibilities(published, schema)
        if problems:
            name, _, version = event_type.rpartition(".v")
            report.append(
                f"{event_type} changed incompatibly with its published schema:\n"
                + "".join(f"    - {p}\n" for p in problems)
                + f"  Consumers and the events already in the log rely on that shape. Keep "
                f"the class as it was and add a new class with event_type "
                f"'{name}.v{int(version) + 1}' for the new shape (publish both while "
                f"consumers move). Only a compatible change (a new optional field) is "
                f"recorded instead, with `{REGENERATE}`."
            )
    for path in sorted(folder.glob("*.schema.json")):
        event_type = path.name.removesuffix(".schema.json")
        if event_type not in current:
            report.append(
                f"{event_type} is published ({path.name}) but no longer declared: consumers "
                "and replays still need it. Keep the class (mark it deprecated in its "
                "docstring) instead of deleting it."
            )
    return report


def current_schemas() -> dict[str, dict[str, Any]]:
    return {t: cls.model_json_schema() for t, cls in catalog_types().items()}


def test_every_type_is_compatible_with_its_published_schema() -> None:
    report = contract_report(current_schemas())
    assert not report, "\n\n".join(report)


def test_the_snapshots_record_the_current_schemas() -> None:
    """A compatible change must be recorded, or the guard would not protect the new fields."""
    stale = [
        t for t, s in current_schemas().items() if snapshot(t) not in (None, s)
    ]  # a type without a snapshot is reported by the test above
    assert not stale, (
        f"the committed schemas of {', '.join(stale)} are not the current ones. If the "
        "change is compatible (test_every_type_is_compatible_with_its_published_schema "
        f"passes), record it with `{REGENERATE}` and commit the files; if not, add a new .vN "
        "type instead of changing this one."
    )


def test_the_committed_asyncapi_document_is_current(clean_registry: None) -> None:
    catalog_only = catalog_types()
    for event_type in set(registry._REGISTRY) - set(catalog_only):  # types of other tests
        del registry._REGISTRY[event_type]
    committed = json.loads((SNAPSHOTS / "asyncapi.json").read_text("utf-8"))
    assert committed == asyncapi_document(), f"asyncapi.json is stale: run `{REGENERATE}`"


# --- the guard itself ---------------------------------------------------------------------
def test_the_guard_asks_for_a_new_version_on_an_incompatible_change(tmp_path: Path) -> None:
    current = {"lode.licensing.licence.issued.v1": catalog.LicenceIssued.model_json_schema()}
    published = json.loads(json.dumps(current["lode.licensing.licence.issued.v1"]))
    published["properties"]["legacy_code"] = {"type": "string"}
    (tmp_path / "lode.licensing.licence.issued.v1.schema.json").write_text(
        json.dumps(published), "utf-8"
    )
    [message] = contract_report(current, tmp_path)
    assert "legacy_code: property removed" in message
    assert "'lode.licensing.licence.issued.v2'" in message
    assert REGENERATE in message


def test_the_guard_accepts_a_compatible_change(tmp_path: Path) -> None:
    schema = catalog.LicenceIssued.model_json_schema()
    published = json.loads(json.dumps(schema))
    del published["properties"]["application_id"]  # the current schema added it, optional
    (tmp_path / "lode.licensing.licence.issued.v1.schema.json").write_text(
        json.dumps(published), "utf-8"
    )
    assert contract_report({"lode.licensing.licence.issued.v1": schema}, tmp_path) == []


def test_the_guard_reports_new_and_vanished_types(tmp_path: Path) -> None:
    (tmp_path / "lode.zoning.zone.merged.v1.schema.json").write_text("{}", "utf-8")
    schema = catalog.ZoneCreated.model_json_schema()
    report = contract_report({"lode.zoning.zone.created.v1": schema}, tmp_path)
    assert len(report) == 2
    assert "lode.zoning.zone.created.v1 has no committed schema" in report[0]
    assert "lode.zoning.zone.merged.v1 is published" in report[1]


# --- the catalog's payloads ---------------------------------------------------------------
def test_the_catalog_covers_the_four_publishing_services() -> None:
    topics = {".".join(t.split(".")[:2]) for t in catalog_types()}
    assert topics == {"lode.zoning", "lode.licensing", "lode.monitoring", "lode.reporting"}
    for event_type, cls in catalog_types().items():
        assert payload_class(event_type) is cls
        assert (cls.__doc__ or "").strip(), f"{event_type} needs a docstring (AsyncAPI summary)"


def licence(**overrides: Any) -> catalog.LicenceIssued:
    values: dict[str, Any] = {
        "licence_no": "C1308812021017120000001",
        "right_type": "mining",
        "holder": catalog.Holder(name="平泉市某矿业有限公司", credit_code="91130881MA0A000007"),
        "mineral": "铁矿",
        "capacity": catalog.Capacity(value=Decimal("8"), unit="万吨/年"),
        "scale": "small",
        "valid_from": date(2021, 6, 1),
        "valid_to": date(2026, 5, 31),
        "status": "active",
    }
    values.update(overrides)
    return catalog.LicenceIssued(**values)


def test_a_licence_event_travels_in_an_envelope_and_back() -> None:
    payload = licence()
    envelope = payload.envelope(payload.licence_no)
    back = Envelope.from_json(envelope.to_json())
    model = payload_class(back.type)
    assert model is catalog.LicenceIssued
    assert model.model_validate(back.data) == payload
    assert back.data["valid_from"] == "2021-06-01"


@pytest.mark.parametrize("licence_no", ["X1308812021017120000001", "C13088", ""])
def test_a_malformed_licence_number_is_refused(licence_no: str) -> None:
    with pytest.raises(ValidationError, match="licence_no"):
        licence(licence_no=licence_no)


def test_report_quantities_travel_as_exact_numbers() -> None:
    report = catalog.OutputReported(
        report_id="r1",
        version=1,
        licence_no="C1308812021017120000001",
        year=2021,
        period="annual",
        ore_mined_10kt=Decimal("52.0"),
        products=[
            catalog.Product(
                name="铁精粉",
                grade_pct=Decimal("65.0"),
                output_10kt=Decimal("14.2") + Decimal("0.1"),
            )
        ],
        mining_recovery_pct=Decimal("91.0"),
    )
    raw = report.envelope("C1308812021017120000001").to_json()
    assert b'"output_10kt":14.3' in raw
    data = Envelope.from_json(raw).data
    back = catalog.OutputReported.model_validate(data)
    assert back.products[0].output_10kt == Decimal("14.3")
    assert back.ore_mined_10kt == Decimal("52")


def test_payloads_keep_fields_they_do_not_know() -> None:
    data = licence().model_dump(mode="json") | {"added_later": "x"}
    again = catalog.LicenceIssued.model_validate(data)
    assert again.model_dump(mode="json")["added_later"] == "x"
