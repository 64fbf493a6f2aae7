"""``python -m lode_<service>.migrate``: apply a service's migrations and exit.

Services migrate at start as well; this is the separate step a deployment runs first
(compose's ``migrate`` service, the Kubernetes Job).
"""

from __future__ import annotations

import asyncio
import sys

from lode_common.database import create_engine, migrate
from lode_common.runtime import ServiceSpec
from lode_common.settings import LodeSettings


def main(spec: ServiceSpec, settings_cls: type[LodeSettings]) -> None:
    settings = settings_cls()
    url = settings.resolved_database_url()

    async def run() -> None:
        engine = create_engine(url)
        try:
            await migrate(engine, spec.migrations_dir)
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except Exception as exc:
        print(f"{spec.name}: migrations failed on {settings_cls.__name__}: {exc}", file=sys.stderr)
        raise SystemExit(1) from exc
    print(f"{spec.name}: database is at the latest migration")
