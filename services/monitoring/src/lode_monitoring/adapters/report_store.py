"""Where a new report is read and written: the hot path of ``POST /monitoring/v1/reports``.

Two round trips per report (one on PostgreSQL once the licence's context is remembered):

1. :meth:`ReportStore.context`: the plan version in force (the shared replica's; its
   standards are read once a version, :mod:`lode_monitoring.handlers.standards`), the mine
   (licence replica) and, for a licence with a restoration plan, the bodies of its current
   reports, in one read;
2. :meth:`ReportStore.write`: the report row, its events' outbox rows, the findings it
   opens, the idempotency record and its audit entry (审计日志, :mod:`lode_common.audit`:
   these statements bypass the audited sessions, so they write it themselves), all or
   nothing; nothing when a report for the licence, year and period exists (its version 1
   row is the unique key that says so).

On PostgreSQL the statements go to asyncpg itself (prepared once per connection by
asyncpg's statement cache), on a pool of the intake's own (:class:`IntakeConnections`:
checking a connection out and in costs about 20 µs there, against about 170 µs through
SQLAlchemy's pool), the write as one statement of data-modifying CTEs in autocommit: one
round trip, one transaction (a leaner one for the usual report: one event, no findings, no
``Idempotency-Key``). A licence's context is remembered by the process and the write
checks that it is still current (:class:`PostgresReportStore`). On SQLite (embedded mode)
the same rows go through SQLAlchemy Core in one transaction. Both write exactly the rows the
caller built (:class:`Writes`): tests read them back on both backends.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

import asyncpg
from sqlalchemy import Table, insert, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lode_common.audit.context import current as audit_context
from lode_common.audit.recording import AUDIT_ENTRY, entry_row
from lode_common.db_errors import meaning
from lode_common.idempotency import IdempotencyRecord
from lode_common.messaging.tables import EVENT_TABLES
from lode_common.plan.replica import PLAN_REPLICA
from lode_monitoring.adapters.tables import Finding, Mine, Report

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
_PLAN = PLAN_REPLICA
_FINDING: Table = Finding.__table__  # type: ignore[attr-defined]
_IDEMPOTENCY: Table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
_AUDIT = AUDIT_ENTRY
_OUTBOX = EVENT_TABLES.outbox
_SLOT = ("licence_no", "year", "period", "version")  # uq_report_version


@dataclass(frozen=True)
class Context:
    """What a report is judged with. ``history``: the bodies of the licence's current
    reports, read only for a licence with a restoration plan (None otherwise).
    ``remembered``: read for an earlier report of the licence, not from the database now
    (see :class:`PostgresReportStore`); a refusal judged with it is judged again with a
    fresh read."""

    plan_version: int | None
    mine: Mapping[str, Any] | None
    history: Sequence[Mapping[str, Any]] | None
    remembered: bool = False


class StaleContext(Exception):
    """The remembered context is no longer the database's: nothing was written; read it
    again and judge the report again."""


@dataclass(frozen=True)
class Writes:
    """The rows one accepted report writes, as column values."""

    report: Mapping[str, Any]
    outbox: Sequence[Mapping[str, Any]]
    findings: Sequence[Mapping[str, Any]]
    idempotency: Mapping[str, Any] | None


class ReportStore(Protocol):
    async def context(
        self, plan_id: str, licence_no: str | None, *, fresh: bool = False
    ) -> Context: ...

    async def write(self, writes: Writes) -> bool:
        """Write every row (True), or nothing when the report's slot is taken (False).
        StaleContext when the context was remembered and is no longer current."""
        ...

    async def current_report_id(self, licence_no: str, year: int, period: str) -> str | None: ...


T = TypeVar("T")


class IntakeConnections:
    """The database of the report intake (and of the API key look-up that precedes it).

    On PostgreSQL: a pool of asyncpg connections of its own, opened at first use with the
    arguments SQLAlchemy would give asyncpg for the engine's URL (host, user, database,
    ``ssl``, ``prepared_statement_cache_size`` ...), ``size`` connections at most, the same
    JSON codecs as SQLAlchemy's (JSON text in, Python values out); :meth:`close` (on the
    service's stop) closes it. A connection goes back to the pool as it is, with no reset
    statement: the intake only sends single autocommitted statements and sets nothing on
    the session. On SQLite: the engine's connections, through SQLAlchemy Core."""

    def __init__(self, engine: AsyncEngine, *, size: int) -> None:
        self.engine = engine
        self.size = size
        self.on_postgres = engine.dialect.name == "postgresql"
        self._pool: asyncpg.Pool | None = None
        self._opening: asyncio.Lock | None = None
        self._remembered: dict[tuple[str, str], _Remembered] = {}

    @asynccontextmanager
    async def store(self) -> AsyncIterator[ReportStore]:
        """A store on one connection, given back after."""
        if not self.on_postgres:
            async with self.engine.connect() as core:
                yield CoreReportStore(core)
            return
        pool = self._pool or await self._open()
        conn = await pool.acquire()
        try:
            yield PostgresReportStore(conn, self._remembered)
        finally:
            await pool.release(conn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """An asyncpg connection of the pool (PostgreSQL only). Send its statements through
        :func:`answered_or_dropped`."""
        pool = self._pool or await self._open()
        conn = await pool.acquire()
        try:
            yield conn
        finally:
            await pool.release(conn)

    async def _open(self) -> asyncpg.Pool:
        self._opening = self._opening or asyncio.Lock()
        async with self._opening:
            if self._pool is None:
                _args, options = self.engine.dialect.create_connect_args(self.engine.url)
                options.pop("prepared_statement_name_func", None)
                cache = int(options.pop("prepared_statement_cache_size", 100))
                self._pool = await asyncpg.create_pool(
                    **options,
                    min_size=1,
                    max_size=self.size,
                    statement_cache_size=cache,
                    init=_json_codecs,
                    reset=_kept_as_is,
                )
            return self._pool

    async def close(self, *, timeout_s: float = 10.0) -> None:
        """Close the pool (the service stops; a later use opens a new one): gracefully once
        every connection is back, or cut after ``timeout_s``."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        try:
            await asyncio.wait_for(pool.close(), timeout=timeout_s)
        except TimeoutError:
            pool.terminate()


async def _json_codecs(conn: Any) -> None:
    """json and jsonb as SQLAlchemy's asyncpg dialect sets them: text in, values out."""
    await conn.set_type_codec(
        "json",
        encoder=str.encode,
        decoder=lambda raw: json.loads(raw.decode()),
        schema="pg_catalog",
        format="binary",
    )
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda text: b"\x01" + text.encode(),  # jsonb's binary format version
        decoder=lambda raw: json.loads(raw[1:].decode()),
        schema="pg_catalog",
        format="binary",
    )


async def _kept_as_is(_conn: Any) -> None:
    """No reset statement on release (asyncpg still rolls back an open transaction)."""


async def answered_or_dropped(conn: Any, statement: Awaitable[T]) -> T:
    """``statement``'s result. A failure that is not PostgreSQL's own answer on a live
    connection (the connection cut, the request cancelled mid-statement) may leave the
    connection mid-protocol: it is closed, not handed to the next request."""
    try:
        return await statement
    except BaseException as error:
        if not (isinstance(error, asyncpg.PostgresError) and meaning(error) is None):
            conn.terminate()
        raise


# --- PostgreSQL: asyncpg, two statements (one while the licence's context is remembered) ------

_PG_CONTEXT = """
SELECT p.version AS plan_version, m.licence_no, m.right_type, m.holder_credit_code, m.mineral,
       m.mining_method, m.capacity_value, m.capacity_unit, m.scale, m.valid_from, m.valid_to,
       m.status_history, m.restoration_plan, md5(m::text) AS mine_digest,
       CASE WHEN jsonb_array_length(m.restoration_plan) > 0 THEN
         (SELECT coalesce(jsonb_agg(r.body ORDER BY r.row_id), '[]'::jsonb) FROM report AS r
           WHERE r.licence_no = m.licence_no AND r.is_current)
       END AS history
  FROM (SELECT $1::varchar AS plan_id, $2::varchar AS licence_no) AS k
  LEFT JOIN plan_replica AS p ON p.plan_id = k.plan_id
  LEFT JOIN mine AS m ON m.licence_no = k.licence_no
"""
"""The plan version, the mine (the columns of :data:`MINE_COLUMNS`, and a digest of its
whole row) and its history."""


def _current(first: int) -> str:
    """The write's condition: no remembered context (``$first`` NULL), or the plan's version
    and the mine's row (by its digest) are still the ones it was judged with."""
    plan, version, digest = (f"${first + i}" for i in range(3))
    return f"""ok AS (
  SELECT {digest}::text IS NULL OR (
    EXISTS (SELECT FROM plan_replica
             WHERE plan_id = {plan}::varchar AND version = {version}::int)
    AND EXISTS (SELECT FROM mine AS m
                 WHERE m.licence_no = $4 AND md5(m::text) = {digest}::text)
  ) AS current
), r AS (
  INSERT INTO report (id, version, is_current, licence_no, year, period, body,
                      ore_mined_10kt, reason, submitted_by, submitted_at, illustrative)
  SELECT $1::varchar, $2::int, $3::boolean, $4::varchar, $5::int, $6::varchar, $7::jsonb,
         $8::numeric, $9::varchar, $10::varchar, $11::timestamptz, $12::boolean
   WHERE (SELECT current FROM ok)
  ON CONFLICT ON CONSTRAINT uq_report_version DO NOTHING
  RETURNING id
)"""  # noqa: S608 - the text is the module's own, every value a parameter


def _audited(first: int) -> str:
    """The audit entry of the write (:data:`_AUDIT_COLUMNS`, from ``$first``), with it."""
    p = [f"${first + i}" for i in range(len(_AUDIT_COLUMNS))]
    return f"""a AS (
  INSERT INTO audit_entry (id, recorded_at, actor, roles, action, subject, request_id, detail)
  SELECT {p[0]}::varchar, {p[1]}::timestamptz, {p[2]}::varchar, {p[3]}::varchar,
         {p[4]}::varchar, {p[5]}::text, {p[6]}::varchar, {p[7]}::text
   WHERE EXISTS (SELECT FROM r)
)"""  # noqa: S608 - the text is the module's own, every value a parameter


_AUDIT_COLUMNS = (
    "id",
    "recorded_at",
    "actor",
    "roles",
    "action",
    "subject",
    "request_id",
    "detail",
)


_PG_WRITE = f"""
WITH {_current(37)}, {_audited(40)}, o AS (
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
SELECT (SELECT current FROM ok), EXISTS (SELECT FROM r)
"""  # noqa: S608 - the text is the module's own, every value a parameter

_PG_WRITE_PLAIN = f"""
WITH {_current(19)}, {_audited(22)}, o AS (
  INSERT INTO outbox (event_id, topic, key, type, envelope, created_at)
  SELECT $14, $15, $16, $17, $18, $13 WHERE EXISTS (SELECT FROM r)
)
SELECT (SELECT current FROM ok), EXISTS (SELECT FROM r)
"""  # noqa: S608 - the text is the module's own, every value a parameter
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


def audit_row(writes: Writes) -> dict[str, Any]:
    """The audit entry of an accepted report: who sent it, in the current request's audit
    context, and the rows it writes (the outbox and idempotency record aside)."""
    subject: dict[str, Any] = {"report": {"inserted": [str(writes.report["id"])]}}
    if writes.findings:
        subject["finding"] = {"inserted": [str(f["id"]) for f in writes.findings]}
    return entry_row(audit_context(), subject)


def _pg_value(column: str, value: Any) -> Any:
    return json.dumps(value) if column in _JSON_COLUMNS and value is not None else value


REMEMBERED_LICENCES = 10_000
"""Licences whose context a process keeps at most (then it starts again from none)."""


@dataclass(frozen=True)
class _Remembered:
    context: Context
    check: tuple[str, int, str]  # plan id, plan version, the mine row's digest


class PostgresReportStore:
    """The statements on an asyncpg connection of :class:`IntakeConnections` (JSON text in,
    Python values out).

    The context of a licence without a restoration plan (the plan version and the mine) is
    remembered by the process after it is read: the next report of the licence is judged
    with it and written by one statement, whose condition is that the plan version and
    the mine's row (a digest of the whole row) are still those; when they are not, nothing
    is written (:class:`StaleContext`) and the report is judged again on a fresh read. A
    licence with a restoration plan is judged with its reports so far: read every time."""

    def __init__(self, conn: Any, remembered: dict[tuple[str, str], _Remembered]) -> None:
        self._conn = conn
        self._remembered = remembered
        self._check: tuple[str, int, str] | None = None
        self._key: tuple[str, str] | None = None

    async def context(
        self, plan_id: str, licence_no: str | None, *, fresh: bool = False
    ) -> Context:
        self._check = None
        self._key = None
        if licence_no is not None:
            self._key = (plan_id, licence_no)
            known = None if fresh else self._remembered.get(self._key)
            if known is not None:
                self._check = known.check
                return known.context
        row = await answered_or_dropped(
            self._conn, self._conn.fetchrow(_PG_CONTEXT, plan_id, licence_no)
        )
        mine = {c: row[c] for c in MINE_COLUMNS} if row["licence_no"] is not None else None
        context = Context(row["plan_version"], mine, row["history"])
        if self._key is not None:
            self._remembered.pop(self._key, None)
            if context.plan_version is not None and mine is not None and context.history is None:
                if len(self._remembered) >= REMEMBERED_LICENCES:
                    self._remembered.clear()
                self._remembered[self._key] = _Remembered(
                    replace(context, remembered=True),
                    (plan_id, context.plan_version, row["mine_digest"]),
                )
        return context

    async def write(self, writes: Writes) -> bool:
        report = [_pg_value(c, writes.report[c]) for c in _REPORT_COLUMNS]
        created = writes.outbox[0]["created_at"] if writes.outbox else None
        check = self._check or (None, None, None)
        entry = audit_row(writes)
        audited = [entry[c] for c in _AUDIT_COLUMNS]
        if len(writes.outbox) == 1 and not writes.findings and writes.idempotency is None:
            (event,) = writes.outbox
            current, written = await answered_or_dropped(
                self._conn,
                self._conn.fetchrow(
                    _PG_WRITE_PLAIN,
                    *report,
                    created,
                    *(event[c] for c in _OUTBOX_COLUMNS),
                    *check,
                    *audited,
                ),
            )
        else:
            outbox = [[row[c] for row in writes.outbox] for c in _OUTBOX_COLUMNS]
            findings = [[_pg_value(c, row[c]) for row in writes.findings] for c in _FINDING_COLUMNS]
            idem = writes.idempotency or {}
            remembered = [_pg_value(c, idem.get(c)) for c in _IDEMPOTENCY_COLUMNS]
            current, written = await answered_or_dropped(
                self._conn,
                self._conn.fetchrow(
                    _PG_WRITE,
                    *report,
                    created,
                    *outbox,
                    *findings,
                    *remembered,
                    *check,
                    *audited,
                ),
            )
        if not current:
            if self._key is not None:
                self._remembered.pop(self._key, None)
            raise StaleContext(writes.report["licence_no"])
        return bool(written)

    async def current_report_id(self, licence_no: str, year: int, period: str) -> str | None:
        found: str | None = await answered_or_dropped(
            self._conn,
            self._conn.fetchval(
                "SELECT id FROM report WHERE licence_no = $1 AND year = $2 AND period = $3"
                " AND is_current",
                licence_no,
                year,
                period,
            ),
        )
        return found


# --- SQLite (embedded): SQLAlchemy Core, one transaction --------------------------------------


class CoreReportStore:
    """The same reads and rows through SQLAlchemy Core (SQLite in embedded mode)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def context(
        self, plan_id: str, licence_no: str | None, *, fresh: bool = False
    ) -> Context:
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
            await self._conn.execute(insert(_AUDIT).values(audit_row(writes)))
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
