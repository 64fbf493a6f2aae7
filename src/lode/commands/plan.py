"""``lode plan …``: the plan document the product carries, for a planner to publish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml
from rich.console import Console

from lode_common.plan.data import bundled_raw_document
from lode_common.plan.document import load_plan_document
from lode_common.plan.issues import PlanDocumentInvalid
from lode_common.plan.successor import successor_draft

app = typer.Typer(
    help="The plan as data (规划数据): the bundled document, a successor's draft.",
    no_args_is_help=True,
)
console = Console(stderr=True)


@app.callback()
def plan() -> None:
    """The plan as data (规划数据): the document the product carries."""


@app.command("bundled")
def bundled_command(
    out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
    format_: Annotated[
        Literal["yaml", "json"], typer.Option("--format", help="yaml or json")
    ] = "yaml",
) -> None:
    """The bundled plan with the national standards under ``standards:``, validated: the
    body of ``PUT /zoning/v1/plans/{id}?approval_ref=...`` that adopts them as the next
    version (the approval it rests on is required; an adjustment of the plan is proposed
    under ``/zoning/v1/plans/{id}/proposals`` instead)."""
    _write(load_plan_document(bundled_raw_document()).as_published(), out, format_)


@app.command("successor")
def successor_command(
    plan_id: Annotated[
        str, typer.Option("--id", help="the new plan's id, e.g. pingquan-2026-2030")
    ],
    period: Annotated[str, typer.Option(help="the new plan period, e.g. 2026-2030")],
    source: Annotated[
        Path | None,
        typer.Option(
            "--from", help="the plan in force (YAML or JSON); the bundled plan if not given"
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="write here instead of standard output")] = None,
    format_: Annotated[
        Literal["yaml", "json"], typer.Option("--format", help="yaml or json")
    ] = "yaml",
) -> None:
    """A draft of the next plan (下一轮规划): the plan in force renamed to ``--id`` over
    ``--period``, succeeding it (``plan.predecessor_plan_id``); everything else carried over
    for the planners to replace with the new plan's text. Propose it with
    ``POST /zoning/v1/plans/{old id}/proposals``: its approval closes the old plan."""
    years = period.replace("–", "-").split("-")
    if len(years) != 2 or not all(y.strip().isdigit() for y in years):
        raise typer.BadParameter("write the period as 2026-2030", param_hint="--period")
    raw = bundled_raw_document() if source is None else yaml.safe_load(source.read_text("utf-8"))
    try:
        draft = successor_draft(raw, plan_id=plan_id, period=(int(years[0]), int(years[1])))
        document = load_plan_document(draft).as_published()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    except PlanDocumentInvalid as error:
        raise typer.BadParameter(f"the draft does not read as a plan: {error}") from None
    _write(document, out, format_)


def _write(document: dict[str, Any], out: Path | None, format_: str) -> None:
    if format_ == "json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out} ({document['plan']['id']}, {len(document['entry_rules'])} rules)")
