"""``lode reporting …``: operations on the reporting service's read models."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from lode_reporting.rebuild import RebuildResult, rebuild
from lode_reporting.settings import ReportingSettings

app = typer.Typer(help="Reporting (规划实施报告): read models, indicators.", no_args_is_help=True)
console = Console()


@app.callback()
def reporting() -> None:
    """Reporting (规划实施报告): read models fed by events, indicators, compliance."""


@app.command("rebuild")
def rebuild_command(
    database_url: Annotated[
        str | None,
        typer.Option(help="where to build (default: beside the live database, timestamped)"),
    ] = None,
    compare: Annotated[
        bool, typer.Option(help="compare the rebuilt read models with the live ones")
    ] = True,
    swap: Annotated[
        bool,
        typer.Option(help="SQLite only, with the service stopped: put the rebuilt file in place"),
    ] = False,
) -> None:
    """Replay lode.zoning, lode.licensing and lode.monitoring from the beginning into fresh
    read models (LODE_REPORTING_* / LODE_* settings say which database and bus)."""
    settings = ReportingSettings()
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:

        def report(topic: str, done: int, total: int) -> None:
            if topic not in tasks:
                tasks[topic] = progress.add_task(topic, total=total)
            progress.update(tasks[topic], completed=done, total=total)

        try:
            result = asyncio.run(
                rebuild(
                    settings,
                    target_url=database_url,
                    compare_with_live=compare,
                    swap=swap,
                    progress=report,
                )
            )
        except ValueError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(2) from None
    _summary(result)
    if result.differences:
        raise typer.Exit(1)


def _summary(result: RebuildResult) -> None:
    replayed = ", ".join(f"{topic} {n}" for topic, n in result.replayed.items())
    console.print(f"replayed: {replayed}; journaled {result.journaled} events")
    if result.parked:
        console.print(f"[yellow]{result.parked} events parked in dead_letter[/yellow]")
    if result.swapped_into:
        console.print(f"the rebuilt read models are now in service at {result.swapped_into}")
    else:
        console.print(f"rebuilt read models: {result.database_url}")
    if result.differences is None:
        return
    if not result.differences:
        console.print("[green]equal to the live read models[/green]")
        return
    console.print(f"[red]{len(result.differences)} differences from the live read models:[/red]")
    for line in result.differences[:50]:
        console.print(f"  {line}")
