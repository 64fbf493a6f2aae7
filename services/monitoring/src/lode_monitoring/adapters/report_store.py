"""Where a new report is read and written: the hot path of ``POST /monitoring/v1/reports``.

Two round trips per report, whatever the backend:

1. :meth:`ReportStore.context`: the plan version in force, the mine (licence replica) and,
   for a licence with a restoration plan, the bodies of its current reports, in one read;
2. :meth:`ReportStore.write`: the report row, its events' outbox rows, the findings it
   opens and the idempotency record, all or nothing; nothing when a report for the
   licence, year and period exists (its version 1 row is the unique key that says so).

On PostgreSQL the statements go to the asyncpg connection itself (prepared once per
connection by asyncpg's statement cache), the write as one statement of data-modifying
CTEs in autocommit: one round trip, one transaction (a leaner one for the usual report:
one event, no findings, no ``Idempotency-Key``). On SQLite (embedded mode) the same
rows go through SQLAlchemy Core in one transaction. Both write exactly the rows the
caller built (:class:`Writes`): tests read them back on both backends.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import asyncpg
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lode_common.db_errors import meaning
from lode_common.idempotency import IdempotencyRecord
from lode_common.messaging.tables import EVENT_TABLES
from lode_monitoring.adapters.tables import Finding, Mine, MonitoringPlan, Report

MINE_COLUMNS = (
    "licence_no",
    "right_type",
    "holder_credit_code",
    "mineral",
    "mining_method",
    "capacity_value",
    "capacity_unit",
    "scale",
    "valid_from",
    "valid_to",
    "status_history",
    "restoration_plan",
)
"""The mine's columns a report is judged with."""

_REPORT: Table = Report.__table__  # type: ignore[attr-defined]
_MINE: Table = Mine.__table__  # type: ignore[attr-defined]
_PLAN: Table = MonitoringPlan.__table__  # type: ignore[attr-defined]
_FINDING: Table = Finding.__table__  # type: ignore[attr-defined]
_IDEMPOTENCY: Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_OUTBOX = EVENT_TABLES.outbox
_SLOT = ("licence_no", "year", "period", "version")  # uq_report_version


@dataclass(frozen=True)
class Context:
    """What a report is judged with. ``history``: the bodies of the licence's current
    reports, read only for a licence with a restoration plan (None otherwise)."""

    plan_version: int | None
    mine: Mapping[str, Any] | None
    history: Sequence[Mapping[str, Any]] | None


@dataclass(frozen=True)
class Writes:
    """The rows one accepted report writes, as column values."""

    report: Mapping[str, Any]
    outbox: Sequence[Mapping[str, Any]]
    findings: Sequence[Mapping[str, Any]]
    idempotency: Mapping[str, Any] | None


class ReportStore(Protocol):
    async def context(self, plan_id: str, licence_no: str | None) -> Context: ...

    async def plan_document(self, plan_id: str) -> tuple[int, dict[str, Any]] | None: ...

    async def write(self, writes: Writes) -> bool:
        """Write every row (True), or nothing when the report's slot is taken (False)."""
        ...

    async def current_report_id(self, licence_no: str, year: int, period: str) -> str | None: ...


@asynccontextmanager
async def report_store(engine: AsyncEngine) -> AsyncIterator[ReportStore]:
    """A store on one pooled connection, returned to the pool after.

    On PostgreSQL the statements go to asyncpg directly, past SQLAlchemy's error handling: a
    failure that is not PostgreSQL's own answer (the connection cut, a request cancelled
    mid-statement) may leave the connection mid-protocol, so it is invalidated rather than
    returned to the pool for the next request to trip over."""
    async with engine.connect() as conn:
        if engine.dialect.name != "postgresql":
            yield CoreReportStore(conn)
            return
        raw = await conn.get_raw_connection()
        try:
            yield PostgresReportStore(raw.driver_connection)
        except BaseException as error:
            answered = isinstance(error, asyncpg.PostgresError) and meaning(error) is None
            if not answered:  # not a plain answer of the server on a live connection
                await conn.invalidate(error if isinstance(error, Exception) else None)
            raise


# --- PostgreSQL: asyncpg, two statements ------------------------------------------------------

_PG_CONTEXT = """
SELECT p.version AS plan_version, m.licence_no, m.right_type, m.holder_credit_code, m.mineral,
       m.mining_method, m.capacity_value, m.capacity_unit, m.scale, m.valid_from, m.valid_to,
       m.status_history, m.restoration_plan,
       CASE WHEN jsonb_array_length(m.restoration_plan) > 0 THEN
         (SELECT coalesce(jsonb_agg(r.body ORDER BY r.row_id), '[]'::jsonb) FROM report AS r
           WHERE r.licence_no = m.licence_no AND r.is_current)
       END AS history
  FROM (SELECT $1::varchar AS plan_id, $2::varchar AS licence_no) AS k
  LEFT JOIN monitoring_plan AS p ON p.plan_id = k.plan_id
  LEFT JOIN mine AS m ON m.licence_no = k.licence_no
"""
"""The plan version, the mine (the columns of :data:`MINE_COLUMNS`) and its history."""

_PG_WRITE = """
WITH r AS (
  INSERT INTO report (id, version, is_current, licence_no, year, period, body,
                      ore_mined_10kt, reason, submitted_by, submitted_at, illustrative)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
  ON CONFLICT ON CONSTRAINT uq_report_version DO NOTHING
  RETURNING id
), o AS (
  INSERT INTO outbox (event_id, topic, key, type, envelope, created_at)
  SELECT e.event_id, e.topic, e.key, e.type, e.envelope, $13
    FROM unnest($14::varchar[], $15::varchar[], $16::varchar[], $17::varchar[], $18::text[])
         WITH ORDINALITY AS e(event_id, topic, key, type, envelope, n)
   WHERE EXISTS (SELECT FROM r)
   ORDER BY e.n
), f AS (
  INSERT INTO finding (id, key, licence_no, code, severity, message, standard, year, details,
                       status, opened_at, report_id)
  SELECT f.id, f.key, f.licence_no, f.code, f.severity, f.message, f.standard, f.year,
         f.details::jsonb, f.status, f.opened_at, f.report_id
    FROM unnest($19::varchar[], $20::varchar[], $21::varchar[], $22::varchar[],
                $23::varchar[], $24::text[], $25::text[], $26::int[], $27::text[],
                $28::varchar[], $29::timestamptz[], $30::varchar[])
         AS f(id, key, licence_no, code, severity, message, standard, year, details, status,
              opened_at, report_id)
   WHERE EXISTS (SELECT FROM r)
), i AS (
  INSERT INTO idempotency_record (scope, key, request_hash, status_code, response, created_at)
  SELECT $31, $32, $33, $34, $35::jsonb, $36
   WHERE $32::varchar IS NOT NULL AND EXISTS (SELECT FROM r)
)
SELECT EXISTS (SELECT FROM r)
"""

_PG_WRITE_PLAIN = """
WITH r AS (
  INSERT INTO report (id, version, is_current, licence_no, year, period, body,
                      ore_mined_10kt, reason, submitted_by, submitted_at, illustrative)
  VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
  ON CONFLICT ON CONSTRAINT uq_report_version DO NOTHING
  RETURNING id
), o AS (
  INSERT INTO outbox (event_id, topic, key, type, envelope, created_at)
  SELECT $14, $15, $16, $17, $18, $13 WHERE EXISTS (SELECT FROM r)
)
SELECT EXISTS (SELECT FROM r)
"""
"""The usual report, without findings or an ``Idempotency-Key``: its one event, no arrays."""

_REPORT_COLUMNS = (
    "id",
    "version",
    "is_current",
    "licence_no",
    "year",
    "period",
    "body",
    "ore_mined_10kt",
    "reason",
    "submitted_by",
    "submitted_at",
    "illustrative",
)
_OUTBOX_COLUMNS = ("event_id", "topic", "key", "type", "envelope")
_FINDING_COLUMNS = (
    "id",
    "key",
    "licence_no",
    "code",
    "severity",
    "message",
    "standard",
    "year",
    "details",
    "status",
    "opened_at",
    "report_id",
)
_IDEMPOTENCY_COLUMNS = ("scope", "key", "request_hash", "status_code", "response", "created_at")
_JSON_COLUMNS = frozenset({"body", "details", "response"})


def _pg_value(column: str, value: Any) -> Any:
    return json.dumps(value) if column in _JSON_COLUMNS and value is not None else value


class PostgresReportStore:
    """The statements on the asyncpg connection (whose json/jsonb codecs SQLAlchemy set:
    JSON text in, Python values out)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def context(self, plan_id: str, licence_no: str | None) -> Context:
        row = await self._conn.fetchrow(_PG_CONTEXT, plan_id, licence_no)
        mine = {c: row[c] for c in MINE_COLUMNS} if row["licence_no"] is not None else None
        return Context(row["plan_version"], mine, row["history"])

    async def plan_document(self, plan_id: str) -> tuple[int, dict[str, Any]] | None:
        row = await self._conn.fetchrow(
            "SELECT version, document FROM monitoring_plan WHERE plan_id = $1", plan_id
        )
        return (row["version"], row["document"]) if row is not None else None

    async def write(self, writes: Writes) -> bool:
        report = [_pg_value(c, writes.report[c]) for c in _REPORT_COLUMNS]
        created = writes.outbox[0]["created_at"] if writes.outbox else None
        if len(writes.outbox) == 1 and not writes.findings and writes.idempotency is None:
            (event,) = writes.outbox
            plain: bool = await self._conn.fetchval(
                _PG_WRITE_PLAIN, *report, created, *(event[c] for c in _OUTBOX_COLUMNS)
            )
            return plain
        outbox = [[row[c] for row in writes.outbox] for c in _OUTBOX_COLUMNS]
        findings = [[_pg_value(c, row[c]) for row in writes.findings] for c in _FINDING_COLUMNS]
        idem = writes.idempotency or {}
        remembered = [_pg_value(c, idem.get(c)) for c in _IDEMPOTENCY_COLUMNS]
        written: bool = await self._conn.fetchval(
            _PG_WRITE, *report, created, *outbox, *findings, *remembered
        )
        return written

    async def current_report_id(self, licence_no: str, year: int, period: str) -> str | None:
        found: str | None = await self._conn.fetchval(
            "SELECT id FROM report WHERE licence_no = $1 AND year = $2 AND period = $3"
            " AND is_current",
            licence_no,
            year,
            period,
        )
        return found


# --- SQLite (embedded): SQLAlchemy Core, one transaction --------------------------------------


class CoreReportStore:
    """The same reads and rows through SQLAlchemy Core (SQLite in embedded mode)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def context(self, plan_id: str, licence_no: str | None) -> Context:
        version = (
            await self._conn.execute(select(_PLAN.c.version).where(_PLAN.c.plan_id == plan_id))
        ).scalar()
        mine: Mapping[str, Any] | None = None
        history: list[Mapping[str, Any]] | None = None
        if licence_no is not None:
            row = (
                await self._conn.execute(
                    select(*(_MINE.c[c] for c in MINE_COLUMNS)).where(
                        _MINE.c.licence_no == licence_no
                    )
                )
            ).first()
            mine = dict(row._mapping) if row is not None else None
        if mine is not None and mine["restoration_plan"]:
            bodies = await self._conn.execute(
                select(_REPORT.c.body)
                .where(_REPORT.c.licence_no == licence_no, _REPORT.c.is_current.is_(True))
                .order_by(_REPORT.c.row_id)
            )
            history = list(bodies.scalars())
        await self._conn.rollback()  # reads only: the write opens its own transaction
        return Context(version, mine, history)

    async def plan_document(self, plan_id: str) -> tuple[int, dict[str, Any]] | None:
        row = (
            await self._conn.execute(
                select(_PLAN.c.version, _PLAN.c.document).where(_PLAN.c.plan_id == plan_id)
            )
        ).first()
        await self._conn.rollback()
        return (row.version, row.document) if row is not None else None

    async def write(self, writes: Writes) -> bool:
        async with self._conn.begin():
            inserted = await self._conn.execute(
                sqlite_insert(_REPORT)
                .values(dict(writes.report))
                .on_conflict_do_nothing(index_elements=[_REPORT.c[c] for c in _SLOT])
            )
            if inserted.rowcount == 0:
                return False
            if writes.findings:
                await self._conn.execute(insert(_FINDING), [dict(f) for f in writes.findings])
            if writes.idempotency is not None:
                await self._conn.execute(insert(_IDEMPOTENCY).values(dict(writes.idempotency)))
            if writes.outbox:  # last, as the outbox writes them (commit order)
                await self._conn.execute(insert(_OUTBOX), [dict(o) for o in writes.outbox])
        return True

    async def current_report_id(self, licence_no: str, year: int, period: str) -> str | None:
        found = (
            await self._conn.execute(
                select(_REPORT.c.id).where(
                    _REPORT.c.licence_no == licence_no,
                    _REPORT.c.year == year,
                    _REPORT.c.period == period,
                    _REPORT.c.is_current.is_(True),
                )
            )
        ).scalar()
        await self._conn.rollback()
        return str(found) if found is not None else None
