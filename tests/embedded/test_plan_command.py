"""``lode plan bundled`` writes the document a planner publishes to adopt the bundled plan
data in a running deployment (docs/plan-data.md): zoning accepts it as the next version,
and that version carries the new standards and rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from lode.cli import app
from lode_common.plan.data import PINGQUAN_PLAN_ID, bundled_documents
from lode_common.testing.plugin import service_on
from lode_zoning.bootstrap import build
from lode_zoning.settings import ZoningSettings

pytestmark = pytest.mark.timeout(120)
runner = CliRunner()


def test_the_bundled_document_is_written_as_yaml_or_json(tmp_path: Path) -> None:
    as_yaml = runner.invoke(app, ["plan", "bundled"])
    assert as_yaml.exit_code == 0, as_yaml.output
    document = yaml.safe_load(as_yaml.stdout)
    assert document["plan"]["id"] == PINGQUAN_PLAN_ID
    assert len(document["entry_rules"]) == len(bundled_documents().entry_rules)
    out = tmp_path / "plan.json"
    as_json = runner.invoke(app, ["plan", "bundled", "--format", "json", "--out", str(out)])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(out.read_text("utf-8")) == document


def test_a_format_it_does_not_know_is_refused() -> None:
    result = runner.invoke(app, ["plan", "bundled", "--format", "xml"])
    assert result.exit_code == 2


async def test_zoning_takes_it_as_the_next_version(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    body = runner.invoke(app, ["plan", "bundled"]).stdout.encode()
    async with service_on(build, ZoningSettings, request, tmp_path, "sqlite") as z:
        r = await z.client.put(
            f"/zoning/v1/plans/{PINGQUAN_PLAN_ID}?note=bundled",
            content=body,
            headers={**z.auth("planner"), "content-type": "application/yaml"},
        )
        assert r.status_code == 201, r.text
        version = r.json()["version"]
        r = await z.client.get(
            f"/zoning/v1/plans/{PINGQUAN_PLAN_ID}/versions/{version}", headers=z.auth("viewer")
        )
        assert r.status_code == 200, r.text
        published = r.json()["document"]
        assert published["standards"]["minimum_scales"]["items"]
        assert "within_plan_region" in {rule["id"] for rule in published["entry_rules"]}
