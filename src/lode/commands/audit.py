"""``lode audit verify``: walk each service's hash-chained audit log (审计日志) and name the
first broken entry.

Each service's database is the one its settings name (``LODE_<SERVICE>_DATABASE_URL`` or
``LODE_DATABASE_URL``; ``<data_dir>/<service>.db`` in embedded mode), or ``--database-url``
for one service. The anchors are read from reporting's ``audit_anchor`` read model when
its database is reachable (skipped, with a note, when it is not).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lode.embedded import SERVICES
from lode_common.audit.chain import Anchor
from lode_common.audit.verify import ChainReport, kept_anchors, verify_database
from lode_common.database import create_engine

app = typer.Typer(help="The tamper-evident audit log (审计日志).", no_args_is_help=True)
console = Console(soft_wrap=True)


@app.callback()
def audit() -> None:
    """The tamper-evident audit log of every service (审计日志)."""


def _url(service: str, data_dir: Path) -> str:
    from lode.event_admin import database_url

    url = database_url(service, data_dir)
    if url.startswith("sqlite") and not (data_dir / f"{service}.db").exists():
        raise FileNotFoundError(
            f"{data_dir / f'{service}.db'} 不存在 — does not exist (wrong --data-dir, or no "
            f"LODE_{service.upper()}_DATABASE_URL set for distributed mode)"
        )
    return url


async def _anchors(data_dir: Path, reporting_url: str | None) -> dict[str, list[Anchor]] | str:
    """Every service's kept anchors, or a note saying why they were not read."""
    try:
        url = reporting_url or _url("reporting", data_dir)
    except FileNotFoundError as exc:
        return f"未读取锚定 — anchors not read: {exc}"
    engine = create_engine(url)
    try:
        found: dict[str, list[Anchor]] = {}
        for service in SERVICES:
            kept = await kept_anchors(engine, service)
            if kept is None:
                return "报告服务无 audit_anchor 表 — reporting has no audit_anchor table yet"
            found[service] = kept
        return found
    except Exception as exc:  # an unreachable database is a note, not a failure of the chain
        return f"报告服务数据库不可达 — reporting's database unreachable: {type(exc).__name__}"
    finally:
        await engine.dispose()


async def _verify(
    services: Sequence[str],
    data_dir: Path,
    database_url: str | None,
    reporting_url: str | None,
    seal_first: bool,
) -> tuple[list[ChainReport], str]:
    anchors = await _anchors(data_dir, reporting_url)
    note = anchors if isinstance(anchors, str) else ""
    reports = []
    for service in services:
        engine = create_engine(database_url or _url(service, data_dir))
        try:
            kept = anchors.get(service, []) if isinstance(anchors, dict) else None
            report = await verify_database(service, engine, anchors=kept, seal_first=seal_first)
        finally:
            await engine.dispose()
        report.anchors_note = note
        reports.append(report)
    return reports, note


def _as_json(report: ChainReport) -> dict[str, object]:
    v = report.verdict
    broken = v.broken
    return {
        "service": report.service,
        "ok": v.ok,
        "entries": v.entries,
        "algorithms": sorted(v.algorithms),
        "first_seq": v.first_seq,
        "head_seq": v.head_seq,
        "head_hash": v.head_hash,
        "unsealed": report.unsealed,
        "anchors_checked": v.anchors_checked,
        "anchors_pruned": v.anchors_pruned,
        "anchors_note": report.anchors_note or None,
        "broken": None
        if broken is None
        else {"seq": broken.seq, "id": broken.entry_id, "kind": broken.kind, "why": broken.reason},
    }


def _print(report: ChainReport) -> None:
    v = report.verdict
    verdict = "[green]完整 intact[/]" if v.ok else "[red]已损坏 BROKEN[/]"
    algorithms = ", ".join(sorted(v.algorithms)) or "-"
    head = f"{v.head_seq} {v.head_hash[:16]}…" if v.head_hash else "-"
    console.print(
        f"[bold]{report.service}[/]: {verdict} — 条目 entries {v.entries}, 算法 algorithm "
        f"{algorithms}, 链头 head {head}, 未封链 unsealed {report.unsealed}, 已核锚定 anchors "
        f"checked {v.anchors_checked}"
        + (f" (已清理 pruned {v.anchors_pruned})" if v.anchors_pruned else "")
    )
    if v.broken is not None:
        b = v.broken
        console.print(f"  [red]首个损坏条目 first broken entry[/]: seq {b.seq} id {b.entry_id}")
        console.print(f"  {b.reason}")


@app.command("verify")
def verify(
    service: Annotated[
        list[str] | None,
        typer.Option("--service", "-s", help="a service (repeatable; default: all four)"),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="the database of the one --service given")
    ] = None,
    reporting_database_url: Annotated[
        str | None, typer.Option(help="where reporting keeps the anchors (default: its settings)")
    ] = None,
    data_dir: Annotated[Path, typer.Option(envvar="LODE_DATA_DIR")] = Path("var"),
    seal_first: Annotated[
        bool, typer.Option("--seal/--no-seal", help="seal recorded entries before the walk")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout")] = False,
) -> None:
    """Walk each service's audit chain: seq continuity, previous-hash links, every entry's
    hash, the anchors reporting kept. Exit 1 when a chain is broken."""
    services = tuple(service or SERVICES)
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        console.print(f"[red]未知服务 unknown service: {', '.join(unknown)}[/]")
        raise typer.Exit(2)
    if database_url and len(services) != 1:
        console.print("[red]--database-url 只能配一个 --service — give exactly one --service[/]")
        raise typer.Exit(2)
    try:
        reports, note = asyncio.run(
            _verify(services, data_dir, database_url, reporting_database_url, seal_first)
        )
    except FileNotFoundError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps([_as_json(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        if note:
            console.print(f"[yellow]{note}[/]")
        for report in reports:
            _print(report)
    if any(not r.verdict.ok for r in reports):
        raise typer.Exit(1)
