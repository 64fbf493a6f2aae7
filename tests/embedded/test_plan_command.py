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
            f"/zoning/v1/plans/{PINGQUAN_PLAN_ID}?note=bundled&approval_ref=承自然资规〔2026〕1号",
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


def test_a_successor_draft_succeeds_the_plan_in_force(tmp_path: Path) -> None:
    out = tmp_path / "successor.yaml"
    result = runner.invoke(
        app,
        [
            "plan",
            "successor",
            "--id",
            "pingquan-2026-2030",
            "--period",
            "2026-2030",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(out.read_text("utf-8"))
    assert draft["plan"]["id"] == "pingquan-2026-2030"
    assert draft["plan"]["predecessor_plan_id"] == PINGQUAN_PLAN_ID
    assert draft["plan"]["period"] == [2026, 2030]
    assert draft["plan"]["base_year"] == 2025
    # from a file: the draft of the draft succeeds the draft
    again = runner.invoke(
        app,
        [
            "plan",
            "successor",
            "--from",
            str(out),
            "--id",
            "pingquan-2031-2035",
            "--period",
            "2031-2035",
        ],
    )
    assert again.exit_code == 0, again.output
    assert yaml.safe_load(again.stdout)["plan"]["predecessor_plan_id"] == "pingquan-2026-2030"


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--id", PINGQUAN_PLAN_ID, "--period", "2026-2030"], "an id of its own"),
        (["--id", "pingquan-2026-2030", "--period", "2024-2030"], "must begin after 2025"),
        (["--id", "pingquan-2026-2030", "--period", "next"], "2026-2030"),
    ],
)
def test_a_successor_that_would_not_succeed_is_refused(arguments: list[str], said: str) -> None:
    result = runner.invoke(app, ["plan", "successor", *arguments])
    assert result.exit_code == 2
    assert said in " ".join(result.output.split())


async def test_zoning_takes_the_draft_as_a_succession_proposal(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    body = runner.invoke(
        app,
        [
            "plan",
            "successor",
            "--id",
            "pingquan-2026-2030",
            "--period",
            "2026-2030",
            "--format",
            "json",
        ],
    ).stdout
    async with service_on(build, ZoningSettings, request, tmp_path, "sqlite") as z:
        r = await z.client.post(
            f"/zoning/v1/plans/{PINGQUAN_PLAN_ID}/proposals",
            json={
                "document": json.loads(body),
                "grounds": "conditions_changed",
                "reason": "规划期届满，编制新一轮规划",
            },
            headers=z.auth("planner"),
        )
        assert r.status_code == 201, r.text
        assert r.json()["kind"] == "succession"
        assert r.json()["proposed_plan_id"] == "pingquan-2026-2030"
