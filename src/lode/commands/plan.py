"""``lode plan …``: the plan document the product carries, for a planner to publish."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
import yaml
from rich.console import Console

from lode_common.plan.data import bundled_raw_document
from lode_common.plan.document import load_plan_document

app = typer.Typer(help="The plan as data (规划数据): the bundled document.", no_args_is_help=True)
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
    body of ``PUT /zoning/v1/plans/{id}`` that adopts them as the next version."""
    document = load_plan_document(bundled_raw_document()).as_published()
    if format_ == "json":
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    else:
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out} ({document['plan']['id']}, {len(document['entry_rules'])} rules)")
