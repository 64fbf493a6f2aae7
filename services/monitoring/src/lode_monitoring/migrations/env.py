"""Alembic environment of the monitoring service."""

from lode_common.migrations_env import run

run()
