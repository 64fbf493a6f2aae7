"""Helpers shared by the unit tests of lode_common (builders and a polling wait)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lode_common.settings import LodeSettings

ADMIN_TOKEN = "unit-admin-token-0123456789"
JWT_SECRET = "unit-jwt-secret-0123456789abcdef"


def zoning_migrations() -> Path:
    """The migrations folder of a real service (it creates the event tables)."""
    from lode_zoning.bootstrap import SPEC

    return SPEC.migrations_dir


def migrations_head(migrations_dir: Path) -> str:
    """The newest revision of a migrations folder (what a migrated database is at)."""
    from alembic.script import ScriptDirectory

    from lode_common.database import alembic_config

    head = ScriptDirectory.from_config(
        alembic_config(migrations_dir, "sqlite://")
    ).get_current_head()
    assert head is not None
    return head


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def settings_for(tmp_path: Path, **overrides: Any) -> LodeSettings:
    """Settings that ignore the caller's environment for what the tests depend on."""
    values: dict[str, Any] = {
        "environment": "development",
        "data_dir": tmp_path,
        "database_url": sqlite_url(tmp_path / "service.db"),
        "admin_token": ADMIN_TOKEN,
        "jwt_secret": JWT_SECRET,
        "bus": "memory",
        "kafka_partitions": 3,
        "relay_batch": 500,
        "relay_max_backoff_s": 0.2,
        "inbox_max_attempts": 2,
        "metrics_token": "",
        "metrics_public": False,
    }
    values.update(overrides)
    return LodeSettings(**values)


def catalog_types() -> dict[str, type[Any]]:
    """The integration events declared in lode_common.events.catalog, by type."""
    from lode_common.events import catalog
    from lode_common.events.registry import EventPayload

    return {
        cls.event_type: cls
        for cls in vars(catalog).values()
        if isinstance(cls, type) and issubclass(cls, EventPayload) and "event_type" in cls.__dict__
    }
