"""The workbench (``/workbench/``) and the public page (``/public/``) as reporting serves them:
each page's ``index.html`` revalidated on every visit, the built files under
``/reporting/app/assets/`` cached for a year with their content types, a name that cannot be
a built file refused as a 404 problem without touching the disk, and, with no build at all,
a 503 page naming ``make assets``. The build is a folder written here (the real one comes from
npm and is exercised by the browser tests), so these run without Node."""

from __future__ import annotations

from pathlib import Path

import pytest

from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.api import pages

INDEX = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<script type="module" crossorigin src="/reporting/app/assets/{page}-Ab12Cd34.js"></script>
<link rel="stylesheet" crossorigin href="/reporting/app/assets/{page}-Ef56Gh78.css">
</head><body><div id="app"></div></body></html>
"""

ASSETS = {
    "workbench-Ab12Cd34.js": ("text/javascript; charset=utf-8", b"console.log('workbench');\n"),
    "workbench-Ef56Gh78.css": ("text/css; charset=utf-8", b"body{margin:0}\n"),
    "public-Ab12Cd34.js": ("text/javascript; charset=utf-8", b"console.log('public');\n"),
    "element-icons-Zz99Yy88.woff2": ("font/woff2", b"wOF2fake"),
    "logo-Qq11Rr22.svg": ("image/svg+xml", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
}


@pytest.fixture
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A build as ``vite build`` lays it out, in place of the package's own."""
    app = tmp_path / "app"
    for page, title in (("workbench", "业务工作台"), ("public", "信息公示")):
        (app / page).mkdir(parents=True)
        (app / page / "index.html").write_text(
            INDEX.format(page=page, title=title), encoding="utf-8"
        )
    (app / "assets").mkdir()
    for name, (_, content) in ASSETS.items():
        (app / "assets" / name).write_bytes(content)
    (app / "secret.txt").write_text("outside the assets folder", encoding="utf-8")
    monkeypatch.setattr(pages, "APP", app)
    return app


@pytest.fixture
def unbuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No build at all: an empty folder in place of the package's ``web/app``."""
    empty = tmp_path / "nothing-built"
    empty.mkdir()
    monkeypatch.setattr(pages, "APP", empty)
    return empty


@pytest.mark.parametrize(("page", "title"), [("workbench", "业务工作台"), ("public", "信息公示")])
async def test_each_page_is_its_built_index_revalidated_each_visit(
    reporting: ServiceUnderTest, built: Path, page: str, title: str
) -> None:
    r = await reporting.client.get(f"/{page}/")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert title in r.text
    assert f"/reporting/app/assets/{page}-Ab12Cd34.js" in r.text
    policy = r.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-eval" not in policy
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("page", ["workbench", "public"])
async def test_the_page_without_its_slash_is_a_permanent_redirect_keeping_the_query(
    reporting: ServiceUnderTest, built: Path, page: str
) -> None:
    r = await reporting.client.get(f"/{page}")
    assert r.status_code == 308
    assert r.headers["location"] == f"/{page}/"
    r = await reporting.client.get(f"/{page}?lang=en")
    assert r.status_code == 308
    assert r.headers["location"] == f"/{page}/?lang=en"


@pytest.mark.parametrize("name", sorted(ASSETS))
async def test_a_built_file_is_served_with_its_type_and_cached_for_a_year(
    reporting: ServiceUnderTest, built: Path, name: str
) -> None:
    content_type, content = ASSETS[name]
    r = await reporting.client.get(f"/reporting/app/assets/{name}")
    assert r.status_code == 200, r.text
    assert r.content == content
    assert r.headers["content-type"] == content_type
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "name",
    [
        "missing-Ab12Cd34.js",
        "x" * 300,
        ".hidden.js",
        "..%2fsecret.txt",
        "..%2f..%2fapi%2fpages.py",
        "%E2%80%AEsj.js",
        "a%20b.js",
        "a%00b.js",
    ],
)
async def test_a_name_that_is_no_built_file_is_a_404_problem(
    reporting: ServiceUnderTest, built: Path, name: str
) -> None:
    r = await reporting.client.get(f"/reporting/app/assets/{name}")
    assert r.status_code in {404, 422}, (name, r.status_code, r.text[:200])
    assert r.headers["content-type"] == "application/problem+json"
    assert "outside the assets folder" not in r.text


async def test_a_path_below_the_assets_folder_is_no_file_either(
    reporting: ServiceUnderTest, built: Path
) -> None:
    for url in ("/reporting/app/assets/", "/reporting/app/assets/sub/x.js", "/reporting/app/x.js"):
        r = await reporting.client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("page", "words"), [("workbench", "业务工作台"), ("public", "信息公示")])
async def test_without_a_build_each_page_is_a_503_naming_make_assets(
    reporting: ServiceUnderTest, unbuilt: Path, page: str, words: str
) -> None:
    r = await reporting.client.get(f"/{page}/")
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["cache-control"] == "no-cache"
    assert "make assets" in r.text
    assert words in r.text
    assert str(unbuilt / page / "index.html") in r.text
    asset = await reporting.client.get("/reporting/app/assets/workbench-Ab12Cd34.js")
    assert asset.status_code == 404
    assert asset.headers["content-type"] == "application/problem+json"


async def test_the_pages_are_public_and_out_of_the_api_document(
    reporting: ServiceUnderTest, built: Path
) -> None:
    """The pages carry no data (the workbench signs its officer in itself): no token is
    asked for, and they are not API routes."""
    for url in ("/workbench/", "/public/", "/reporting/app/assets/workbench-Ab12Cd34.js"):
        r = await reporting.client.get(url)
        assert r.status_code == 200, url
    paths = reporting.app.openapi()["paths"]
    pages_in_document = {"/workbench", "/workbench/", "/public", "/public/"} & set(paths)
    assert not pages_in_document
    assert not [p for p in paths if p.startswith("/reporting/app")]
