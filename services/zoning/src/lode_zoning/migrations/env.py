"""Alembic environment of the zoning service."""

from lode_common.migrations_env import run

run()
