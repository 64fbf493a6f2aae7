# Lode — two commands on a fresh machine: `make up` runs the system, `make test` passes the tests.
# Needs only Python 3.11+ and make: uv is bootstrapped into .tools/ from PyPI.
PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
RUN    := $(UV) run --frozen

.PHONY: up test lint docs bench bench-bus bench-zoning bench-reports clean env

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Lode needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: $(UV) uv.lock pyproject.toml libs/common/pyproject.toml services/*/pyproject.toml
	$(UV) sync --frozen
	@touch $@

env: $(VENV)/.synced  ## create the environment and install everything

up: env  ## run the whole system embedded: one process, SQLite, in-process bus
	$(RUN) lode up

test: env lint  ## set up, lint, and run the whole suite (PostgreSQL and Kafka started if needed)
	$(RUN) pytest

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

bench: bench-bus bench-zoning bench-reports

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
