# Lode — two commands on a fresh machine: `make up` runs the system, `make test` passes the tests.
# Needs only Python 3.11+ and make: uv is bootstrapped into .tools/ from PyPI.
PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
RUN    := $(UV) run --frozen

.PHONY: up test test-system lint docs bench bench-bus bench-zoning bench-reports bench-freshness bench-load bench-impact clean env
.PHONY: assets browser

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lode needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: $(UV) uv.lock pyproject.toml libs/common/pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen
	@touch $@

env: $(VENV)/.synced assets  ## create the environment and install everything

# The reporting service's browser assets, from npm pinned by package-lock.json, built into the
# reporting package: the dashboard's ECharts (copied by build.mjs) and the workbench and public
# pages (Vue 3 + Element Plus, built by Vite). The pages load nothing from the internet.
# Skipped when up to date. No install script runs (services/reporting/web/.npmrc).
WEB    := services/reporting/web
VENDOR := services/reporting/src/lode_reporting/web/static/vendor
APP    := services/reporting/src/lode_reporting/web/app
WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/workbench $(WEB)/public -type f 2>/dev/null)
$(APP)/.vite/manifest.json: $(WEB)/package.json $(WEB)/package-lock.json $(WEB)/build.mjs $(WEB)/vite.config.mjs $(WEB_SOURCES)
	@command -v npm >/dev/null || { echo "the web pages' assets need Node.js and npm (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	cd $(WEB) && npm ci --no-audit --no-fund && npm run --silent build

# The API docs page's Swagger UI (/<service>/docs), from npm (swagger-ui-dist, pinned by
# libs/common/web/package-lock.json) into lode_common's static folder, likewise. No install
# script runs (libs/common/web/.npmrc: ignore-scripts; @scarf/scarf would phone home).
DOCS_WEB    := libs/common/web
DOCS_VENDOR := libs/common/src/lode_common/static/vendor
$(DOCS_VENDOR)/versions.json: $(DOCS_WEB)/package.json $(DOCS_WEB)/package-lock.json $(DOCS_WEB)/build.mjs
	@command -v npm >/dev/null || { echo "the API docs' assets need Node.js and npm (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	cd $(DOCS_WEB) && npm ci --ignore-scripts --no-audit --no-fund && npm run --silent build

assets: $(APP)/.vite/manifest.json $(DOCS_VENDOR)/versions.json  ## the dashboard's ECharts, the workbench and public pages, and the API docs' Swagger UI, from npm into the packages

# Debian's Chromium and a CJK font for the dashboard's browser tests and the PDF report, and
# poppler's pdftotext to read the PDF back in its tests (as root, when missing).
browser:
	@if [ -x /usr/bin/chromium ] && [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update && apt-get install -y --no-install-recommends chromium fonts-wqy-microhei poppler-utils; \
	else echo "the browser tests need Debian's chromium and fonts-wqy-microhei: run as root: apt-get install chromium fonts-wqy-microhei poppler-utils (they are skipped without them)" >&2; fi

up: env  ## run the whole system embedded: one process, SQLite, in-process bus
	$(RUN) lode up

test: env lint browser  ## set up, lint, and run the whole suite (PostgreSQL and Kafka started if needed)
	$(RUN) pytest

test-system: env  ## the distributed topology as processes: main story, faults, hostile input
	$(RUN) pytest -m system tests/system

lint: env
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy libs/common/src services/*/src src bench

docs: env  ## JSON Schemas of the events and the AsyncAPI document into docs/events/
	$(RUN) lode docs --out docs/events

bench-bus: env
	$(RUN) python -m bench.bus

bench-zoning: env
	$(RUN) python -m bench.zoning

bench-reports: env
	$(RUN) python -m bench.reports

bench-freshness: env  ## a report accepted → reporting reflects it (poll, SSE) on each runtime, vs the bus
	$(RUN) python -m bench.freshness

bench-impact: env  ## a plan adjustment's what-if against the zoning analyses it needs
	$(RUN) python -m bench.impact

bench-load: env  ## 200 mines report a simulated year, officers query: distributed vs embedded
	$(RUN) python -m bench.load

bench: bench-bus bench-zoning bench-reports bench-load bench-freshness bench-impact

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
