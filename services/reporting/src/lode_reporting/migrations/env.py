"""Alembic environment of the reporting service."""

from lode_common.migrations_env import run

run()
