"""The ``lode`` command line: ``lode up`` runs the embedded system; the rest are tools."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from lode.commands.account import app as account_app
from lode.commands.audit import app as audit_app
from lode.commands.plan import app as plan_app
from lode.commands.reporting import app as reporting_app

app = typer.Typer(
    help="Lode — the information system of a mineral resources master plan "
    "(矿产资源总体规划信息系统).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True, soft_wrap=True)


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="LODE_HOST (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="LODE_PORT (default 8000)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="LODE_DATA_DIR (default ./var)")] = None,
) -> None:
    """Run all four services in one process (SQLite, in-process bus) until Ctrl-C."""
    import uvicorn

    from lode.embedded import SERVICES, EmbeddedSystem
    from lode_common.logging import configure_logging

    overrides: dict[str, object] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if data_dir:
        overrides["data_dir"] = data_dir
    system = EmbeddedSystem(**overrides)
    s = system.settings
    configure_logging(s.log_level, json=s.log_json)

    def announce() -> None:
        url = s.resolved_public_url()
        console.print(f"\n[bold green]Lode is up[/] at [bold]{url}/[/]  (data in {s.data_dir})")
        for name in SERVICES:
            console.print(f"  {name:<11} {url}/{name}/health   {url}/{name}/docs")
        console.print(f"  workbench   {url}/workbench/   (业务工作台: staff sign in)")
        console.print(f"  public      {url}/public/      (信息公示: no sign-in)")
        console.print(f"  admin token: [bold]{system.secrets.admin_token}[/]")
        console.print("  Stop with Ctrl-C: the relays drain and nothing committed is lost.\n")

    system.on_started.append(announce)
    config = uvicorn.Config(
        system.asgi(),
        host=s.host,
        port=s.port,
        lifespan="on",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
    )
    uvicorn.Server(config).run()


@app.command()
def token(
    role: Annotated[list[str], typer.Option("--role", help="a role; repeat for several")],
    user: Annotated[str, typer.Option(help="who the token is for")],
    enterprise: Annotated[
        str | None, typer.Option(help="credit code an applicant's token is scoped to")
    ] = None,
    hours: Annotated[int, typer.Option(help="validity in hours")] = 8,
    data_dir: Annotated[
        Path, typer.Option(envvar="LODE_DATA_DIR", help="where the embedded secrets are")
    ] = Path("var"),
) -> None:
    """Print a signed staff token (JWT) for a role: admin, planner, licensing_officer,
    inspector, viewer, approver (the approving level of plan adjustments)."""
    from lode.embedded import embedded_secrets
    from lode_common.auth import issue_token

    secret = os.environ.get("LODE_JWT_SECRET") or embedded_secrets(data_dir).jwt_secret
    try:
        value = issue_token(
            secret, user=user, roles=role, enterprise=enterprise, ttl_s=hours * 3600
        )
    except ValueError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc
    typer.echo(value)


@app.command("province-sim")
def province_sim(
    host: Annotated[str, typer.Option(help="where the simulator listens")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="its port")] = 8900,
    secret: Annotated[
        str | None, typer.Option(help="HMAC key of the callbacks (LODE_PROVINCE_SECRET)")
    ] = None,
    approve: Annotated[
        str | None, typer.Option(help="approve | reject every application; default: by checks")
    ] = None,
    fail_first: Annotated[int, typer.Option(help="answer 500 to the first N forwards")] = 0,
    duplicate_callbacks: Annotated[
        bool, typer.Option(help="call back twice (tests idempotent handling)")
    ] = False,
) -> None:
    """Run a province approval platform simulator that decides and calls back, signed."""
    from lode.doubles.province_sim import province_sim_command

    try:
        province_sim_command(host, port, secret, approve, fail_first, duplicate_callbacks)
    except ValueError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


@app.command()
def docs(
    out: Annotated[Path, typer.Option(help="output folder")] = Path("docs/events"),
) -> None:
    """Write the events' JSON Schemas and the AsyncAPI document."""
    import lode_common.events.catalog  # noqa: F401  (registers the integration events)
    from lode_common.events.docs import write_docs

    for path in write_docs(out):
        console.print(f"wrote {path}")


# --- operator commands ------------------------------------------------------------------------
DataDir = Annotated[
    Path,
    typer.Option(
        envvar="LODE_DATA_DIR",
        help="the embedded data directory; in distributed mode the databases are the "
        "services' LODE_<SERVICE>_DATABASE_URL",
    ),
]
ServiceOption = Annotated[
    str | None, typer.Option("--service", "-s", help="one service (default: all four)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON on stdout instead of a table")]

outbox_app = typer.Typer(help="The transactional outbox of each service.", no_args_is_help=True)
deadletters_app = typer.Typer(
    help="Events a consumer could not handle, parked in its dead_letter table.",
    no_args_is_help=True,
)
app.add_typer(outbox_app, name="outbox")
app.add_typer(deadletters_app, name="deadletters")
app.add_typer(reporting_app, name="reporting")  # lode reporting rebuild, ...
app.add_typer(plan_app, name="plan")  # lode plan bundled
app.add_typer(audit_app, name="audit")  # lode audit verify
app.add_typer(account_app, name="account")  # lode account create, lode account list


def _services(service: str | None) -> tuple[str, ...]:
    from lode.event_admin import chosen

    try:
        return tuple(chosen(service))
    except ValueError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from exc


def _run(coroutine: Any) -> Any:
    import asyncio

    try:
        return asyncio.run(coroutine)
    except (FileNotFoundError, LookupError) as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@outbox_app.command("status")
def outbox_status(
    service: ServiceOption = None, data_dir: DataDir = Path("var"), as_json: JsonOption = False
) -> None:
    """Per service: events not yet published, the age of the oldest, the last publication."""
    from rich.table import Table

    from lode.event_admin import outbox_status as status_of

    async def gather() -> list[Any]:
        return [await status_of(name, data_dir) for name in _services(service)]

    rows = _run(gather())
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "service": r.service,
                        "unsent": r.unsent,
                        "oldest_age_s": None
                        if r.oldest_age_s is None
                        else round(r.oldest_age_s, 3),
                        "last_sent_at": _iso(r.last_sent_at),
                    }
                    for r in rows
                ],
                indent=2,
            )
        )
        return
    table = Table("service", "unsent", "oldest unsent", "last sent", title="Outbox 发件箱")
    for r in rows:
        age = "-" if r.oldest_age_s is None else f"{r.oldest_age_s:.1f} s"
        last = r.last_sent_at.isoformat(timespec="seconds") if r.last_sent_at else "never"
        style = "red" if (r.oldest_age_s or 0) > 60 else None
        table.add_row(r.service, str(r.unsent), age, last, style=style)
    Console().print(table)


@deadletters_app.command("list")
def deadletters_list(
    service: ServiceOption = None,
    data_dir: DataDir = Path("var"),
    as_json: JsonOption = False,
    all_statuses: Annotated[
        bool, typer.Option("--all", help="also those already re-driven")
    ] = False,
) -> None:
    """The parked events: id, type, subject, attempts and the error that parked them."""
    from rich.table import Table

    from lode.event_admin import dead_letters

    rows = _run(
        dead_letters(_services(service), data_dir, status=None if all_statuses else "parked")
    )
    if as_json:
        typer.echo(json.dumps([{k: _iso(v) for k, v in r.items()} for r in rows], indent=2))
        return
    if not rows:
        console.print("No parked events.")
        return
    table = Table("service", "id", "type", "subject", "status", "attempts", "parked at", "error")
    for r in rows:
        table.add_row(
            r["service"],
            str(r["id"]),
            r["type"],
            r["key"],
            r["status"],
            str(r["attempts"]),
            _iso(r["parked_at"]),
            r["error"][:200],
        )
    Console().print(table)


@deadletters_app.command("redrive")
def deadletters_redrive(
    dead_letter_id: Annotated[
        int | None, typer.Argument(help="the id shown by 'lode deadletters list'")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="every parked event")] = False,
    service: ServiceOption = None,
    data_dir: DataDir = Path("var"),
) -> None:
    """Handle parked events again with the service's own handler (after fixing the cause).
    One event needs --service (ids are per service); --all takes every service's."""
    from lode.event_admin import redrive

    if (dead_letter_id is None) == (not every):
        console.print("[red]give one dead-letter id, or --all[/]")
        raise typer.Exit(2)
    if dead_letter_id is not None and service is None:
        console.print("[red]--service is required with an id (ids are per service)[/]")
        raise typer.Exit(2)
    failed = 0
    for name in _services(service):
        from lode.event_admin import spec_of

        if not spec_of(name).handlers:
            continue
        ids = None if every else [dead_letter_id] if dead_letter_id is not None else None
        results: dict[int, bool] = _run(redrive(name, ids, data_dir))
        for i, ok in results.items():
            failed += not ok
            verdict = "[green]handled[/]" if ok else "[red]failed again, still parked[/]"
            console.print(f"{name} #{i}: {verdict}")
    if failed:
        raise typer.Exit(1)


@app.command("backup")
def backup_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="the .tar.gz to write (never overwritten)")
    ],
    data_dir: DataDir = Path("var"),
) -> None:
    """A consistent snapshot of the embedded data (SQLite online backup + the bus log), with
    a manifest and checksums. Safe while the system runs."""
    from rich.progress import BarColumn, Progress, TaskID, TextColumn

    from lode.backup import BackupError, backup

    with Progress(
        TextColumn("{task.description:<16}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        console=console,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def report(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(name, total=max(total, 1))
            progress.update(tasks[name], completed=done, total=max(total, 1))

        try:
            manifest = backup(data_dir, out, progress=report)
        except BackupError as exc:
            console.print(f"[red]{exc}[/]")
            raise typer.Exit(1) from exc
    size = sum(f["bytes"] for f in manifest["files"].values())
    console.print(
        f"[green]backed up[/] {len(manifest['files'])} files ({size / 1e6:.1f} MB) to {out}"
    )


@app.command("restore")
def restore_command(
    archive: Annotated[Path, typer.Argument(help="a file written by 'lode backup'")],
    data_dir: DataDir = Path("var"),
) -> None:
    """Replace the embedded data by a backup: refused while the system runs; checksums are
    verified first; the current data is kept beside it as <data_dir>.before-restore-<time>."""
    from lode.backup import BackupError, restore

    try:
        restored = restore(archive, data_dir)
    except BackupError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    console.print(f"[green]restored[/] {', '.join(restored.files)} into {restored.data_dir}")
    if restored.previous is not None:
        console.print(f"  the data it replaced is in {restored.previous} (remove it when done)")
    if restored.republished:
        console.print(
            f"  {restored.republished} events sent after the bus copy will be published again"
        )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
