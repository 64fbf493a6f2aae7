"""What the run left in PostgreSQL: rows and bytes (with indexes and TOAST) per table of each
service's database — the figures deploy/SCALING.md sizes the databases from."""

from __future__ import annotations

import asyncpg

_TABLES = """
SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes,
       greatest(c.reltuples, 0)::bigint AS rows
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname <> 'alembic_version'
ORDER BY c.relname
"""


async def table_sizes(databases: dict[str, str]) -> dict[str, dict[str, dict[str, int]]]:
    """service → table → {"rows", "bytes"}; ``databases``: service → asyncpg DSN."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for service, dsn in databases.items():
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("ANALYZE")  # exact row counts for tables this small
            out[service] = {
                row["name"]: {"rows": int(row["rows"]), "bytes": int(row["bytes"])}
                for row in await connection.fetch(_TABLES)
            }
        finally:
            await connection.close()
    return out
