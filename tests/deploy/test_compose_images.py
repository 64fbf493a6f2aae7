"""The image: deploy/docker/Dockerfile.service (stages, lock file, user, entry point, health
check, built assets) and .dockerignore, and compose building every Lode container from it.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import pytest

from .deployment import (
    DOCKERFILE,
    PORT,
    ROOT,
    SERVICES,
    Built,
    dockerfile_stages,
    ignore_patterns,
    lode_containers,
    probe,
    python_check,
    services,
    uvicorn_target,
)
from .formats import (
    is_ignored,
)


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_healthcheck_asks_the_service_health_route(
    service: str, built: Callable[[str], Built], monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = dockerfile_stages()[-1]
    check = runtime.only("HEALTHCHECK")
    assert check.startswith("--") or check.startswith("CMD")
    exec_form = json.loads(check[check.index("CMD") + len("CMD") :].strip())
    code = python_check(["CMD", *exec_form])
    assert "urllib" in code
    assert runtime.env().get("SERVICE") == "${SERVICE}", "the image must know its service"
    monkeypatch.setenv("SERVICE", service)
    status, url = probe(code, built(service).client, monkeypatch)
    assert urllib.parse.urlsplit(url).path == f"/{service}/health"
    assert status == 0


def test_dockerfile_is_multi_stage_on_python_311_slim_with_uv() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2, "build and runtime stages"
    assert any(s.base.startswith("ghcr.io/astral-sh/uv:") for s in stages) or "pip install uv" in (
        DOCKERFILE.read_text(encoding="utf-8")
    )
    python_stages = [s for s in stages if s.base.startswith("python:")]
    assert python_stages
    assert all(s.base.startswith("python:3.11-slim") for s in python_stages)
    runtime = stages[-1]
    assert runtime.base.startswith("python:3.11-slim")
    assert not any(args.split()[0] == "uv" for args in runtime.all("RUN")), "no uv at run time"


def test_dockerfile_installs_from_the_lock_file_for_one_package() -> None:
    stages = dockerfile_stages()
    copies = [args for stage in stages for args in stage.all("COPY")]
    assert any("uv.lock" in c.split() for c in copies), "uv.lock is not copied"
    runs = [args for stage in stages for args in stage.all("RUN")]
    syncs = [m[1] for run in runs for m in re.finditer(r"uv sync ([^&;|]*)", run)]
    assert syncs, "no uv sync"
    for sync in syncs:
        flags = sync.split()
        assert "--frozen" in flags, sync
        assert "--no-dev" in flags, sync
        assert re.search(r'--package "?lode-\$\{?SERVICE\}?"?', sync), sync


def test_dockerfile_runs_as_a_non_root_user() -> None:
    runtime = dockerfile_stages()[-1]
    users = runtime.all("USER")
    assert users, "the runtime stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]


def test_every_stage_using_service_declares_the_build_arg() -> None:
    # An ARG is scoped to its stage: one used without being declared there is empty.
    for stage in dockerfile_stages():
        declared = False
        for keyword, args in stage.instructions:
            if keyword == "ARG" and args.split("=")[0] == "SERVICE":
                declared = True
            if keyword in ("RUN", "COPY", "ENV", "LABEL") and re.search(r"\$\{?SERVICE\b", args):
                assert declared, f"stage {stage.name}: {keyword} {args[:60]} before ARG SERVICE"


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_cmd_serves_each_service(service: str) -> None:
    runtime = dockerfile_stages()[-1]
    command = json.loads(runtime.only("CMD"))
    if command[:2] == ["sh", "-c"]:
        command = shlex.split(command[2].replace("${SERVICE}", service))
        command = command[1:] if command[0] == "exec" else command
    module, attribute, port = uvicorn_target(command)
    assert (module, attribute, port) == (f"lode_{service}.main", "create_app", PORT)
    assert runtime.all("EXPOSE") == [str(PORT)]


@pytest.mark.parametrize("container", sorted(lode_containers()))
def test_compose_builds_lode_images_with_the_dockerfile(container: str) -> None:
    build = services()[container]["build"]
    assert build["context"] == "."
    assert (ROOT / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE
    service = build["args"]["SERVICE"]
    assert services()[container]["image"].split(":")[0] == f"lode-{service}"


def test_dockerignore_keeps_out_environments_data_caches_and_vcs() -> None:
    patterns = ignore_patterns()
    for path in (
        ".venv",
        ".tools",
        "var",
        ".git",
        ".env",
        "libs/common/src/x/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "services/zoning/.venv",
    ):
        assert is_ignored(path, patterns), f"{path} is sent to the docker build"


@pytest.mark.parametrize("service", SERVICES)
def test_dockerignore_keeps_what_the_dockerfile_copies(service: str) -> None:
    patterns = ignore_patterns()
    for stage in dockerfile_stages():
        for args in stage.all("COPY"):
            if "--from=" in args:
                continue  # from another stage or image, not the build context
            words = [w for w in args.split() if not w.startswith("--")]
            for source in words[:-1]:
                path = source.replace("${SERVICE}", service)
                assert (ROOT / path).exists(), f"COPY {path}: not in the repository"
                assert not is_ignored(path, patterns), f"COPY {path}: excluded by .dockerignore"
    package = ROOT / "services" / service / "src" / f"lode_{service}" / "migrations"
    assert not is_ignored(str(package.relative_to(ROOT)), patterns)


def test_the_reporting_image_builds_the_web_assets_from_the_npm_lock_file() -> None:
    """The dashboard's vendor assets and the workbench and public pages are not in git: the
    image builds them as `make assets` does (the lock file first, without install scripts,
    then every source the build reads), puts them in the wheel (hatch ``artifacts``, since git
    ignores them) and fails without them."""
    stages = {s.name: s for s in dockerfile_stages()}
    assets = stages["assets"]
    assert assets.base.startswith("node:")
    copied = " ".join(assets.all("COPY")).split()
    web = ROOT / "services" / "reporting" / "web"
    for name in (
        "package.json",
        "package-lock.json",
        ".npmrc",
        "build.mjs",
        "vite.config.mjs",
        "workbench",
        "public",
        "src",
    ):
        assert f"services/reporting/web/{name}" in copied, name
        assert (web / name).exists(), name
    assert "ignore-scripts=true" in (web / ".npmrc").read_text(encoding="utf-8")
    runs = " ".join(assets.all("RUN"))
    assert "npm ci" in runs
    assert "npm run build" in runs
    build_json = json.loads((web / "package.json").read_text(encoding="utf-8"))
    assert "vite build" in build_json["scripts"]["build"]
    assert "build.mjs" in build_json["scripts"]["build"]
    vite = (web / "vite.config.mjs").read_text(encoding="utf-8")
    assert "../src/lode_reporting/web/app" in vite, "the pages are built into the package"
    build = stages["build"]
    from_assets = [c for c in build.all("COPY") if c.startswith("--from=assets ")]
    assert any("web/static/vendor" in c for c in from_assets)
    assert any("web/app" in c for c in from_assets)
    checks = " ".join(build.all("RUN"))
    for built in ("echarts.min.js", "app/workbench/index.html", "app/public/index.html"):
        assert built in checks, f"the image checks the wheel holds {built}"
    wheel = tomllib.loads((ROOT / "services/reporting/pyproject.toml").read_text("utf-8"))
    artifacts = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["artifacts"]
    assert "src/lode_reporting/web/static/vendor/*" in artifacts
    assert "src/lode_reporting/web/app/**" in artifacts


def test_every_image_builds_the_api_docs_assets_from_the_npm_lock_file() -> None:
    """Every service serves /<service>/docs with Swagger UI from lode_common's static folder
    (never a CDN): each image builds it from libs/common/web's lock file as `make assets`
    does, without install scripts, ships it in the lode-common wheel and fails without it."""
    stages = {s.name: s for s in dockerfile_stages()}
    docs = stages["docs-assets"]
    assert docs.base.startswith("node:")
    copied = docs.only("COPY").split()
    web = ROOT / "libs" / "common" / "web"
    for name in ("package.json", "package-lock.json", "build.mjs", ".npmrc"):
        assert f"libs/common/web/{name}" in copied
        assert (web / name).is_file()
    run = docs.only("RUN")
    assert "npm ci --ignore-scripts" in run
    assert "npm run build" in run
    assert "ignore-scripts=true" in (web / ".npmrc").read_text(encoding="utf-8")
    lock = json.loads((web / "package-lock.json").read_text(encoding="utf-8"))
    declared = json.loads((web / "package.json").read_text(encoding="utf-8"))["dependencies"]
    assert (
        declared["swagger-ui-dist"] == lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    )
    build = stages["build"]
    vendor = "libs/common/src/lode_common/static/vendor"
    assert f"--from=docs-assets /src/{vendor} {vendor}" in build.all("COPY")
    assert any("api_docs.VENDOR_FILES" in run for run in build.all("RUN")), "checks the wheel"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "$(DOCS_VENDOR)/versions.json" in makefile.split("\nassets:", 1)[1].splitlines()[0]
    wheel = tomllib.loads((ROOT / "libs/common/pyproject.toml").read_text("utf-8"))
    artifacts = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["artifacts"]
    assert "src/lode_common/static/vendor/*" in artifacts
    patterns = ignore_patterns()
    assert is_ignored(f"{vendor}/swagger-ui-bundle.js", patterns), "built in the image, not copied"
    gitignore = (ROOT / vendor / ".gitignore").read_text(encoding="utf-8").split()
    assert gitignore == ["*", "!.gitignore"]
