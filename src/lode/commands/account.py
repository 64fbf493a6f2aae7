"""``lode account …``: officers' accounts (人员账号) in the reporting service's database,
where the workbench's sign-in finds them. A bureau's first administrator is made here
(afterwards administrators manage accounts in the workbench or through
``/reporting/v1/accounts``).

The database is the one reporting's settings name (``LODE_REPORTING_DATABASE_URL`` or
``LODE_DATABASE_URL``; ``<data_dir>/reporting.db`` in embedded mode); it is migrated first,
so an account can be made before the first ``lode up``. The change is in reporting's audit
log as the doing of ``system:cli``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from lode.event_admin import database_url
from lode_common.audit import context as audit_context
from lode_common.database import create_engine, migrate, session_factory
from lode_common.errors import Problem
from lode_reporting.accounts import manage, store
from lode_reporting.accounts.passwords import Passwords
from lode_reporting.bootstrap import SPEC
from lode_reporting.settings import ReportingSettings

app = typer.Typer(
    help="Officers' accounts (人员账号): who signs in to the workbench, with which roles.",
    no_args_is_help=True,
)
console = Console(stderr=True, soft_wrap=True)

DataDir = Annotated[
    Path,
    typer.Option(
        envvar="LODE_DATA_DIR",
        help="the embedded data directory; in distributed mode the database is "
        "LODE_REPORTING_DATABASE_URL",
    ),
]


@app.callback()
def account() -> None:
    """Officers' accounts (人员账号)."""


def _password(username: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    return str(
        typer.prompt(f"{username} 的密码 / password", hide_input=True, confirmation_prompt=True)
    )


async def _create(
    data_dir: Path,
    *,
    username: str,
    roles: list[str],
    display_name: str | None,
    password: str | None,
) -> dict[str, Any]:
    settings = ReportingSettings(data_dir=data_dir)
    engine = create_engine(database_url("reporting", data_dir))
    try:
        await migrate(engine, SPEC.migrations_dir)
        now = datetime.now(UTC)
        with audit_context.acting(audit_context.for_system("cli", action="lode account create")):
            created = await manage.create(
                session_factory(engine),
                Passwords(),
                username=username,
                display_name=display_name,
                roles=roles,
                password=password,
                actor="system:cli",
                now=now,
                min_length=settings.password_min_length,
            )
        return manage.view(created, now)
    finally:
        await engine.dispose()


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="e.g. zhang.san (stored in lower case)")],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            help="admin, planner, licensing_officer, inspector, viewer or approver; repeat",
        ),
    ],
    display_name: Annotated[
        str | None, typer.Option("--display-name", help="e.g. 张三 (default: the username)")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    oidc_only: Annotated[
        bool,
        typer.Option("--oidc-only", help="no password: signs in through the OIDC provider only"),
    ] = False,
    data_dir: DataDir = Path("var"),
) -> None:
    """Create an account; the password is asked for (twice), or read from standard input."""
    password = None if oidc_only else _password(username, password_stdin)
    try:
        created = asyncio.run(
            _create(
                data_dir,
                username=username,
                roles=role,
                display_name=display_name,
                password=password,
            )
        )
    except Problem as problem:
        console.print(f"[red]{problem.detail}[/]")
        raise typer.Exit(2 if problem.status == 422 else 1) from problem
    console.print(
        f"[green]已创建 / created[/] {created['username']} ({', '.join(created['roles'])})"
    )


async def _list(data_dir: Path) -> list[dict[str, Any]]:
    url = database_url("reporting", data_dir)
    if url.startswith("sqlite") and not (data_dir / "reporting.db").exists():
        raise FileNotFoundError(
            f"{data_dir / 'reporting.db'} 不存在 — does not exist (wrong --data-dir, or no "
            "LODE_REPORTING_DATABASE_URL set for distributed mode)"
        )
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        now = datetime.now(UTC)
        async with sessions() as session:
            rows, _total = await store.accounts_page(
                session, q=None, role=None, disabled=None, limit=10_000, offset=0
            )
        return [manage.view(row, now) for row in rows]
    finally:
        await engine.dispose()


@app.command("list")
def list_accounts(
    data_dir: DataDir = Path("var"),
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON on stdout instead of a table")
    ] = False,
) -> None:
    """The accounts: username, name, roles, and whether disabled or locked."""
    try:
        rows = asyncio.run(_list(data_dir))
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("username", "display name", "roles", "sign-in", "state", title="账号 Accounts")
    for row in rows:
        state = "disabled" if row["disabled"] else "locked" if row["locked_until"] else "active"
        sign_in = "password" if row["has_password"] else "OIDC only"
        table.add_row(row["username"], row["display_name"], " ".join(row["roles"]), sign_in, state)
    Console().print(table)
