"""The dashboard (看板) at ``/`` and its static files under ``/reporting/static/``.

The page itself is public and carries no data: the browser signs in with a staff token and
reads everything from ``/reporting/v1`` (and the plan's title from ``/zoning/v1``). It names
the plan the deployment follows (``LODE_REPORTING_PLAN_ID``), its title and its years: those
of the version in force here, or, in the first seconds of a first start before zoning's
event has arrived, those of the bundled plan of that id (what zoning is about to publish). Its
scripts are this package's own and ECharts, copied from npm at build time by
``make assets``: nothing is fetched from the internet at run time. Without the copied
assets the page answers 503 with the command that brings them, rather than a broken page.
"""

from __future__ import annotations

import mimetypes
import re
from functools import cache
from pathlib import Path
from typing import Final, Literal

import structlog
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from lode_common.errors import NotFound
from lode_common.messaging.inbox import is_infrastructure_error
from lode_common.plan.data import bundled_documents
from lode_common.plan.document import PlanMeta
from lode_reporting.api.deps import Service

log = structlog.get_logger(__name__)

router = APIRouter(tags=["dashboard"])

WEB: Final = Path(__file__).resolve().parent.parent / "web"
STATIC: Final = WEB / "static"
STATIC_URL: Final = "/reporting/static"
VENDOR_FILES: Final = ("vendor/echarts.min.js",)

SERVICES: Final = (
    ("zoning", "规划分区", "Zoning"),
    ("licensing", "矿业权审批", "Licensing"),
    ("monitoring", "开发利用监管", "Monitoring"),
    ("reporting", "规划实施报告", "Reporting"),
)

FILE_NAME: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""The names the dashboard's files have (``main.js``, ``echarts.min.js``): anything else
(a control character, a page of text the file system refuses to look up, a dot file) names
no file here, and is a 404 without touching the disk."""

_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
}


@cache
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(WEB / "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


async def _plan_shown(service: Service) -> tuple[str, PlanMeta | None]:
    """The plan the page shows: the plan in force for the deployment (its configured plan,
    or the approved successor) as kept here, else the bundled plan of the deployment's id,
    else none (the page then waits for it under its id). The page is served while the
    database is down: its figures then say so, not the page."""
    plan_id = service.settings.plan_id
    try:
        plan_id = await service.plans.following(plan_id)
        in_force = await service.plans.in_force(plan_id)
    except Exception as error:
        if not is_infrastructure_error(error):
            raise
        log.warning("plan in force unreadable; the page shows the bundled plan", error=repr(error))
        in_force = None
    if in_force is not None:
        return plan_id, in_force.document.plan
    bundled = bundled_documents().plan
    return plan_id, bundled if bundled.id == plan_id else None


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def dashboard(service: Service) -> HTMLResponse:
    """The dashboard page; 503 naming ``make assets`` when the bundled scripts are missing."""
    missing = [name for name in VENDOR_FILES if not (STATIC / name).is_file()]
    if missing:
        page = _templates().get_template("assets_missing.html")
        return HTMLResponse(
            page.render(missing=[f"{STATIC / name}" for name in missing]), status_code=503
        )
    plan_id, plan = await _plan_shown(service)
    first, last = plan.period if plan is not None else (0, -1)
    page = _templates().get_template("dashboard.html")
    return HTMLResponse(
        page.render(
            static=STATIC_URL,
            plan_id=plan_id,
            plan_title_zh=plan.title_zh if plan is not None else plan_id,
            plan_title_en=(plan.title_en or plan.title_zh) if plan is not None else plan_id,
            years=range(first, last + 1),
            services=SERVICES,
        ),
        headers={"Cache-Control": "no-cache"},
    )


@router.get(STATIC_URL + "/{name}", include_in_schema=False)
async def static_file(name: str) -> FileResponse:
    """The page's style sheet; public, like the page."""
    return _file(STATIC, name)


@router.get(STATIC_URL + "/{folder}/{name}", include_in_schema=False)
async def static_module(folder: Literal["js", "vendor"], name: str) -> FileResponse:
    """The page's modules (``js/``) and ECharts (``vendor/``); public, like the page."""
    return _file(STATIC / folder, name)


def _file(folder: Path, name: str) -> FileResponse:
    # one path segment each: a name cannot climb out of its folder
    target = folder / name
    if FILE_NAME.fullmatch(name) is None or not target.is_file():
        shown = repr(f"{folder.relative_to(STATIC)}/{name[:60]}".removeprefix("./"))
        raise NotFound(f"No dashboard file {shown} under {STATIC_URL}; the dashboard is at /.")
    media_type = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
    return FileResponse(
        target,
        media_type=media_type or "application/octet-stream",
        # revalidated each time: the modules import one another by plain relative URLs
        headers={"Cache-Control": "no-cache"},
    )
