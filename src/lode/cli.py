"""The ``lode`` command line: ``lode up`` runs the embedded system; the rest are tools."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

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
    """Print a signed staff token (JWT) for a role: admin, planner, licensing_officer, ..."""
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
    from lode_licensing.province_sim import province_sim_command

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
