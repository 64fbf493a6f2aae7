"""Alembic environment of the licensing service."""

from lode_common.migrations_env import run

run()
