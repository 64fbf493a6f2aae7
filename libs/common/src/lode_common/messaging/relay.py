"""The relay: publishes outbox rows in order, marks them sent, backs off while the bus is down.

One relay per service publishes at a time (on PostgreSQL a session advisory lock elects
it), so rows leave in outbox order; the transport keeps the order per key. A crash
between publishing and marking sent republishes the rows: consumers' inboxes absorb it.

A commit in the leader's own process wakes it at once (:meth:`Relay.notify`); a commit in
another instance of the service wakes it through PostgreSQL (``NOTIFY`` on the channel
``lode_outbox_<service>``, which the leader ``LISTEN``s to on its lock connection), so no
event waits for the leader's idle poll.

On PostgreSQL the leader reads and marks the outbox on that same autocommitted connection,
with asyncpg directly: while reports keep coming, one statement a batch reads the next rows
and marks the last batch's sent (a data-modifying CTE); before it goes idle the leader marks
what it published in one more statement. Elsewhere (SQLite, a pass run outside the loop)
marking sent runs in the background on a pooled connection while the next pass publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy import BigInteger, ColumnElement, any_, cast, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from lode_common.database import is_sqlite
from lode_common.messaging.tables import EventTables
from lode_common.messaging.transport import Transport, TransportError, cloudevent_message
from lode_common.metrics import ServiceMetrics

log = structlog.get_logger(__name__)


class Relay:
    def __init__(
        self,
        *,
        service: str,
        engine: AsyncEngine,
        tables: EventTables,
        transport: Transport,
        metrics: ServiceMetrics | None = None,
        batch: int = 500,
        idle_poll_s: float = 0.5,
        min_backoff_s: float = 0.05,
        max_backoff_s: float = 5.0,
    ) -> None:
        self.service = service
        self.engine = engine
        self.tables = tables
        self.transport = transport
        self.metrics = metrics or ServiceMetrics(service)
        self.batch = batch
        self.idle_poll_s = idle_poll_s
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self._wake = asyncio.Event()
        self._stopping = False
        self._stopped = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock_conn: AsyncConnection | None = None
        self._in_flight: set[int] = set()  # published, being marked sent
        self._marking: set[asyncio.Task[None]] = set()
        self._lock_driver: Any = None  # the lock connection's asyncpg connection
        self._unmarked: list[int] = []  # published by the leader, marked by its next statement
        self._channel = f"lode_outbox_{service}"
        self._leader_notice: asyncio.Task[None] | None = None  # sends NOTIFYs while wanted
        self._notice_wanted = False

    # --- public ----------------------------------------------------------------------
    def notify(self) -> None:
        """Called after a unit of work committed events: publish without waiting to poll.

        In a process that is not the leader, the leader is told through PostgreSQL: one
        sender, which sends again while commits arrive during its round trip."""
        self._wake.set()
        if self._lock_conn is not None or is_sqlite(self.engine) or self._stopping:
            return
        self._notice_wanted = True
        if self._leader_notice is None or self._leader_notice.done():
            self._leader_notice = asyncio.create_task(self._notify_leader())

    async def _notify_leader(self) -> None:
        notice = text("SELECT pg_notify(:channel, '')")
        while self._notice_wanted:
            self._notice_wanted = False  # a commit from here on asks for one more notice
            try:
                async with self.engine.connect() as conn:
                    await conn.execute(notice, {"channel": self._channel})
                    await conn.commit()
            except Exception as exc:  # the leader polls anyway: a lost notice only delays
                log.debug("relay cannot notify the leader", service=self.service, error=repr(exc))
                return

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"relay-{self.service}")

    async def stop(self, *, drain_timeout_s: float = 10.0) -> None:
        """Stop the loop, then publish what is pending (while the bus answers). A leader
        whose connection died while it was idle drains on a new one; what cannot be
        drained stays unsent for the next start."""
        if self._task is None:
            return
        self._stopping = True
        self._stopped.set()
        self._wake.set()
        if self._leader_notice is not None:
            with contextlib.suppress(Exception):
                await self._leader_notice
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        with contextlib.suppress(TransportError, TimeoutError, OSError):
            async with asyncio.timeout(drain_timeout_s):
                for last in (False, True):
                    try:
                        if await self._lead():
                            while await self.publish_pending():
                                pass
                        break
                    except (TransportError, OSError):
                        raise
                    except Exception as exc:  # the leader's connection, dead or mid-protocol
                        log.warning(
                            "relay cannot drain on its connection",
                            service=self.service,
                            error=repr(exc),
                        )
                        await self._release_leadership()
                        if last:
                            break
        await self.settle()
        await self._release_leadership()

    async def run(self) -> None:
        backoff = self.min_backoff_s
        loop = asyncio.get_running_loop()
        next_gauge = 0.0
        while not self._stopping:
            try:
                if not await self._lead():
                    await self._pause(self.idle_poll_s * 4)
                    continue
                self._wake.clear()  # a notify from here on cuts the idle wait short
                sent = await self.publish_pending()
                backoff = self.min_backoff_s
                if loop.time() >= next_gauge:
                    await self.backlog()
                    next_gauge = loop.time() + 1.0
                if sent < self.batch:
                    if not self._wake.is_set():  # nothing more yet: mark now, then idle
                        await self._flush_marks()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll_s)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # transport or database down: keep the rows, back off
                self.metrics.publish_failures.labels(self.service).inc()
                await self._flush_marks()  # what did go out is not sent again, if it can be
                log.warning(
                    "relay cannot publish; retrying",
                    service=self.service,
                    error=repr(exc),
                    retry_in_s=round(backoff, 3),
                )
                await self._release_leadership()
                await self._pause(backoff)
                backoff = min(self.max_backoff_s, backoff * 2)

    async def publish_pending(self) -> int:
        """One pass: publish up to ``batch`` unsent rows in order; returns how many.

        Marking the rows sent runs in the background while the next pass publishes (the
        rows in flight are left out of its read); a failed mark only means a republish.
        """
        rows = await self._unsent()
        if not rows:
            if not self._in_flight:
                self.metrics.outbox_backlog.labels(self.service).set(0)
                self.metrics.outbox_oldest_age.labels(self.service).set(0)
            return 0
        await self.transport.publish(
            [cloudevent_message(r["topic"], r["key"], r["envelope"].encode()) for r in rows]
        )
        seqs = [r["seq"] for r in rows]
        self._in_flight.update(seqs)
        if self._lock_driver is not None:
            self._unmarked.extend(seqs)
            self.metrics.published.labels(self.service).inc(len(rows))
            return len(rows)
        task = asyncio.create_task(self._mark(seqs))
        self._marking.add(task)
        task.add_done_callback(self._marking.discard)
        self.metrics.published.labels(self.service).inc(len(rows))
        return len(rows)

    async def _mark(self, seqs: list[int]) -> None:
        try:
            await self._mark_sent(seqs)
        except Exception as exc:  # the rows go out again: consumers' inboxes absorb it
            log.warning(
                "relay could not mark rows sent; they will be republished",
                service=self.service,
                rows=len(seqs),
                error=repr(exc),
            )
        finally:
            self._in_flight.difference_update(seqs)

    async def _flush_marks(self) -> None:
        """Mark sent what the leader published and no statement has marked yet. When that
        fails the leader gives up its connection (it may be dead or mid-protocol): the rows
        go out again from whoever leads next."""
        if not self._unmarked:
            return
        seqs, self._unmarked = self._unmarked, []
        try:
            await self._mark_sent(seqs)
        except Exception as exc:
            log.warning(
                "relay could not mark rows sent; they will be republished",
                service=self.service,
                rows=len(seqs),
                error=repr(exc),
            )
            self._in_flight.difference_update(seqs)
            await self._release_leadership()
        else:
            self._in_flight.difference_update(seqs)

    async def settle(self) -> None:
        """Wait until every published row is marked sent (or given up for republishing)."""
        await self._flush_marks()
        while self._marking:
            await asyncio.gather(*list(self._marking), return_exceptions=True)

    async def backlog(self) -> tuple[int, float]:
        """(unsent rows, age in seconds of the oldest)."""
        o = self.tables.outbox
        async with self.engine.connect() as conn:
            count, oldest = (
                await conn.execute(
                    select(func.count(), func.min(o.c.created_at)).where(o.c.sent_at.is_(None))
                )
            ).one()
        age = 0.0
        if oldest is not None:
            oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
            age = (datetime.now(UTC) - oldest).total_seconds()
        self.metrics.outbox_backlog.labels(self.service).set(count)
        self.metrics.outbox_oldest_age.labels(self.service).set(age)
        return int(count), age

    # --- steps (overridable by tests that simulate a crash between them) -----------------
    async def _unsent(self) -> Sequence[Any]:
        if self._lock_driver is not None:
            return await self._leader_unsent()
        o = self.tables.outbox
        query = (
            select(o.c.seq, o.c.topic, o.c.key, o.c.envelope)
            .where(o.c.sent_at.is_(None))
            .order_by(o.c.seq)
            .limit(self.batch)
        )
        if self._in_flight:
            query = query.where(~self._seq_in(sorted(self._in_flight)))
        async with self.engine.connect() as conn:
            return (await conn.execute(query)).mappings().all()

    def _seq_in(self, seqs: list[int]) -> ColumnElement[bool]:
        o = self.tables.outbox
        if is_sqlite(self.engine):
            return o.c.seq.in_(seqs)
        # one array parameter instead of a thousand
        return o.c.seq == any_(cast(literal(seqs, ARRAY(BigInteger)), ARRAY(BigInteger)))

    async def _leader_unsent(self) -> Sequence[Any]:
        """The next unsent rows, on the leader's connection; the rows published since its
        last statement are marked sent by the same statement."""
        marking, self._unmarked = self._unmarked, []
        outbox = self.tables.outbox.fullname
        read = (
            f"SELECT seq, topic, key, envelope FROM {outbox} WHERE sent_at IS NULL"  # noqa: S608
            " AND seq <> ALL($1::bigint[]) ORDER BY seq LIMIT $2"
        )
        statement, args = read, [sorted(self._in_flight), self.batch]
        if marking:
            statement = (
                f"WITH marked AS (UPDATE {outbox} SET sent_at = now()"  # noqa: S608
                f" WHERE seq = ANY($3::bigint[])) {read}"
            )
            args.append(marking)
        try:
            rows: Sequence[Any] = await self._lock_driver.fetch(statement, *args)
        finally:  # marked, or left unsent to go out again (the loop gives up leading)
            self._in_flight.difference_update(marking)
        return rows

    async def _mark_sent(self, seqs: list[int]) -> None:
        if self._lock_driver is not None:
            await self._lock_driver.execute(
                f"UPDATE {self.tables.outbox.fullname} SET sent_at = now()"  # noqa: S608
                " WHERE seq = ANY($1::bigint[])",
                seqs,
            )
            return
        o = self.tables.outbox
        async with self.engine.begin() as conn:
            await conn.execute(
                update(o).where(self._seq_in(seqs)).values(sent_at=datetime.now(UTC))
            )

    # --- leadership ------------------------------------------------------------------------
    async def _lead(self) -> bool:
        if is_sqlite(self.engine) or self._lock_conn is not None:
            return True
        conn = await self.engine.connect()
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        key = zlib.crc32(f"lode-relay-{self.service}".encode())
        got = (await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})).scalar()
        if got:
            self._lock_conn = conn
            raw = await conn.get_raw_connection()
            assert raw.driver_connection is not None
            await raw.driver_connection.add_listener(self._channel, self._on_notice)
            self._lock_driver = raw.driver_connection
            return True
        await conn.close()
        return False

    def _on_notice(self, *_: object) -> None:
        """Another instance committed events (asyncpg's listener callback)."""
        self._wake.set()

    async def _release_leadership(self) -> None:
        """Give up the lock by closing its connection for good: it is not returned to the
        pool (it carries the LISTEN, and after a failure it may be dead or mid-protocol),
        and closing it releases the session's advisory lock on the server."""
        self._lock_driver = None
        self._in_flight.difference_update(self._unmarked)  # not marked: they go out again
        self._unmarked = []
        if self._lock_conn is not None:
            conn, self._lock_conn = self._lock_conn, None
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()

    async def _pause(self, seconds: float) -> None:
        """Sleep, cut short only by stop (notifications do not shorten a back-off)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), timeout=seconds)
