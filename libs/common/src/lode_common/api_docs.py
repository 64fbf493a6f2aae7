"""Each service's API docs page, ``/<service>/docs``: Swagger UI served from this package.

FastAPI's own page loads Swagger UI from a public CDN and starts it with an inline script:
blank on an intranet without internet, and script from a third party next to the token. Here
the page, its scripts and its styles all come from the service itself: Swagger UI is copied
from npm (``swagger-ui-dist``, pinned by ``libs/common/web/package-lock.json``) into
``static/vendor/`` by ``make assets`` (and the images' build), and a static initializer starts
it, so the page works under ``Content-Security-Policy: script-src 'self'``
(:data:`lode_common.http.CONTENT_SECURITY_POLICY`). Without the copied assets the page
answers 503 with the command that brings them. ReDoc is not offered.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse

from lode_common.errors import NotFound

STATIC: Final = Path(__file__).resolve().parent / "static"
VENDOR_FILES: Final = ("vendor/swagger-ui-bundle.js", "vendor/swagger-ui.css")
"""The copied Swagger UI files the page cannot work without."""
_FILES: Final = {
    "vendor/swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "vendor/swagger-ui.css": "text/css; charset=utf-8",
    "vendor/swagger-ui-favicon.png": "image/png",
    "vendor/swagger-ui.LICENSE.txt": "text/plain; charset=utf-8",
    "vendor/versions.json": "application/json",
    "docs/swagger-init.js": "text/javascript; charset=utf-8",
    "docs/docs.css": "text/css; charset=utf-8",
}

_PAGE: Final = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — API 文档 / API docs</title>
<link rel="icon" type="image/png" href="{static}/vendor/swagger-ui-favicon.png">
<link rel="stylesheet" href="{static}/vendor/swagger-ui.css">
<link rel="stylesheet" href="{static}/docs/docs.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{static}/vendor/swagger-ui-bundle.js"></script>
<script src="{static}/docs/swagger-init.js"></script>
</body>
</html>
"""

_MISSING: Final = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title} — API 文档未就绪 / API docs not built</title>
<link rel="stylesheet" href="{static}/docs/docs.css">
</head>
<body>
<main class="lode-docs-missing">
<h1>API 文档页面的浏览器资源尚未构建</h1>
<p>在仓库根目录运行 <code>make assets</code>（需要 Node.js 与 npm），然后重新启动服务。
OpenAPI 文档本身可以直接读取：<a href="{openapi_url}">{openapi_url}</a>。</p>
<h2>The API docs page's browser assets are not built</h2>
<p>Run <code>make assets</code> at the repository root (it needs Node.js and npm), then
restart the service. The OpenAPI document itself is at
<a href="{openapi_url}">{openapi_url}</a>.</p>
<p>Missing: {missing}</p>
</main>
</body>
</html>
"""


def docs_router(name: str, *, title: str, openapi_url: str) -> APIRouter:
    """``/<name>/docs`` and the files it loads, under ``/<name>/docs/static/``."""
    router = APIRouter(prefix=f"/{name}/docs", include_in_schema=False)
    static_url = f"/{name}/docs/static"
    fields = {
        "title": escape(title),
        "static": escape(static_url),
        "openapi_url": escape(openapi_url),
    }

    @router.get("", response_class=HTMLResponse)
    async def docs() -> HTMLResponse:
        missing = [file for file in VENDOR_FILES if not (STATIC / file).is_file()]
        if missing:
            shown = ", ".join(escape(f"lode_common/static/{file}") for file in missing)
            return HTMLResponse(_MISSING.format(missing=shown, **fields), status_code=503)
        return HTMLResponse(_PAGE.format(**fields), headers={"Cache-Control": "no-cache"})

    @router.get("/static/{folder}/{file}")
    async def static(folder: str, file: str) -> FileResponse:
        relative = f"{folder}/{file}"
        media_type = _FILES.get(relative)
        path = STATIC / relative
        if media_type is None or not path.is_file():
            raise NotFound(f"No file {static_url}/{relative}; the docs page is at /{name}/docs.")
        return FileResponse(path, media_type=media_type)

    return router
