"""The officers' workbench (业务工作台) at ``/workbench/``, the public disclosure page (信息公示)
at ``/public/``, and their built files under ``/reporting/app/assets/``.

Both pages are Vue 3 + Element Plus applications built by Vite from ``web/`` into
``web/app/`` (``make assets``): an ``index.html`` per page and the content-hashed modules and
style sheets they load. The pages carry no data and are public, like the dashboard: the
workbench signs its officer in and every figure and action is a call to the services' APIs
with the officer's own token. A hashed file never changes under its name, so it is cached for
a year; the pages themselves are revalidated each time, so a new build is seen at once.
Without a build the pages answer 503 naming the command that makes one.
"""

from __future__ import annotations

import mimetypes
from typing import Final, Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from lode_common.errors import NotFound
from lode_reporting.api.home import _TYPES, FILE_NAME, WEB, _templates

router = APIRouter(tags=["pages"])

APP: Final = WEB / "app"
"""Where ``vite build`` puts the pages (``<page>/index.html``) and their ``assets/``."""
ASSETS_URL: Final = "/reporting/app/assets"
"""The URL of the hashed files, as the build's ``base`` (web/vite.config.mjs) writes them."""

Page = Literal["workbench", "public"]

_TITLES: Final[dict[Page, tuple[str, str]]] = {
    "workbench": ("业务工作台", "the workbench"),
    "public": ("信息公示页面", "the public disclosure page"),
}
_FONTS: Final = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}
IMMUTABLE: Final = "public, max-age=31536000, immutable"


@router.get("/workbench", include_in_schema=False)
async def workbench_without_slash(request: Request) -> RedirectResponse:
    """The workbench lives at ``/workbench/`` (its relative links need the slash)."""
    return _to_slash(request, "/workbench/")


@router.get("/workbench/", include_in_schema=False)
async def workbench() -> Response:
    """The officers' workbench; 503 naming ``make assets`` when it is not built."""
    return _page("workbench")


@router.get("/public", include_in_schema=False)
async def public_without_slash(request: Request) -> RedirectResponse:
    return _to_slash(request, "/public/")


@router.get("/public/", include_in_schema=False)
async def public_page() -> Response:
    """The public disclosure page (no sign-in); 503 naming ``make assets`` when not built."""
    return _page("public")


@router.get(ASSETS_URL + "/{name}", include_in_schema=False)
async def asset(name: str) -> FileResponse:
    """A built module, style sheet or font: its name carries its content's hash, so it is
    cached for a year and never revalidated."""
    folder = APP / "assets"
    target = folder / name
    # one path segment of the dashboard's file-name pattern: nothing climbs out of the folder
    if FILE_NAME.fullmatch(name) is None or not target.is_file():
        raise NotFound(
            f"No built file {name[:60]!r} under {ASSETS_URL}; the pages that use them are "
            "/workbench/ and /public/ (a page from an older build: reload it)."
        )
    media_type = (
        _TYPES.get(target.suffix)
        or _FONTS.get(target.suffix)
        or mimetypes.guess_type(target.name)[0]
        or "application/octet-stream"
    )
    return FileResponse(target, media_type=media_type, headers={"Cache-Control": IMMUTABLE})


def _to_slash(request: Request, path: str) -> RedirectResponse:
    query = request.url.query
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=308)


def _page(page: Page) -> Response:
    index = APP / page / "index.html"
    if not index.is_file():
        zh, en = _TITLES[page]
        html = _templates().get_template("app_missing.html")
        return HTMLResponse(
            html.render(page_zh=zh, page_en=en, missing=[str(index)]),
            status_code=503,
            headers={"Cache-Control": "no-cache"},
        )
    return HTMLResponse(index.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})
