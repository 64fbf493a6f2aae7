"""The in-process bus: a partitioned log with consumer groups, inside the one process.

Embedded mode keeps the log in a SQLite file (``var/bus.db``) so topics survive a
restart and can be replayed from the beginning like Kafka's; tests may keep it in memory
(``path=":memory:"``). Partitioning, group assignment, ordering and commit-after-handler
follow Kafka's semantics so that the same contract tests pass on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import zlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import structlog

from lode_common.messaging.transport import (
    BatchHandler,
    Delivery,
    Message,
    Subscription,
    Transport,
    TransportUnavailable,
)

log = structlog.get_logger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL,
    key TEXT NOT NULL, value BLOB NOT NULL, headers TEXT NOT NULL,
    PRIMARY KEY (topic, partition, "offset"));
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL,
    committed INTEGER NOT NULL, PRIMARY KEY (grp, topic, partition));
"""


def partition_for(key: str, partitions: int) -> int:
    """A stable partition for a key (the same key always lands on the same partition)."""
    return zlib.crc32(key.encode()) % partitions


class InProcessTransport(Transport):
    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        partitions: int = 3,
        retry_backoff_s: float = 0.05,
        idle_wait_s: float = 0.5,
    ) -> None:
        self._path = str(path)
        self._partitions = partitions
        self._retry_backoff_s = retry_backoff_s
        self._idle_wait_s = idle_wait_s  # the longest a member sleeps when nothing is new
        self._db: sqlite3.Connection | None = None
        self._next_offset: dict[tuple[str, int], int] = {}
        self._topic_partitions: dict[str, int] = {}
        self._groups: dict[str, list[_Member]] = {}
        self._appended = asyncio.Event()  # replaced by a fresh one after each publish
        self.available = True  # False: the bus is "unreachable" (the broker-down analogue)

    # --- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        if self._db is not None:
            return
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        for name, parts in self._db.execute("SELECT name, partitions FROM topics"):
            self._topic_partitions[name] = parts
        for topic, part, nxt in self._db.execute(
            'SELECT topic, partition, MAX("offset") + 1 FROM records GROUP BY topic, partition'
        ):
            self._next_offset[(topic, part)] = nxt

    async def stop(self) -> None:
        for members in list(self._groups.values()):
            for member in list(members):
                await member.stop()
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the in-process transport is not started")
        return self._db

    # --- topics ------------------------------------------------------------------------
    async def ensure_topics(self, topics: Sequence[str]) -> None:
        for topic in topics:
            if topic not in self._topic_partitions:
                self.db.execute(
                    "INSERT OR IGNORE INTO topics VALUES (?, ?)", (topic, self._partitions)
                )
                self._topic_partitions[topic] = self._partitions

    def partitions(self, topic: str) -> int:
        return self._topic_partitions[topic]

    async def end_offsets(self, topic: str) -> dict[int, int]:
        return {p: self._next_offset.get((topic, p), 0) for p in range(self.partitions(topic))}

    async def replay(self, topic: str, *, batch: int = 1000) -> AsyncIterator[list[Delivery]]:
        ends = await self.end_offsets(topic)
        for partition, end in ends.items():
            position = 0
            while position < end:
                records = self._fetch(topic, partition, position, min(batch, end - position))
                if not records:
                    break
                yield records
                position = records[-1].offset + 1

    # --- producing ----------------------------------------------------------------------
    async def publish(self, messages: Sequence[Message]) -> None:
        if not self.available:
            raise TransportUnavailable("the in-process bus is marked unavailable")
        rows = []
        for m in messages:
            if m.topic not in self._topic_partitions:
                await self.ensure_topics([m.topic])
            part = partition_for(m.key, self._topic_partitions[m.topic])
            offset = self._next_offset.get((m.topic, part), 0)
            self._next_offset[(m.topic, part)] = offset + 1
            headers = json.dumps([[k, v.decode("latin-1")] for k, v in m.headers])
            rows.append((m.topic, part, offset, m.key, m.value, headers))
        db = self.db
        db.execute("BEGIN")
        try:
            db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            for topic, part, offset, *_ in rows:  # give the offsets back
                self._next_offset[(topic, part)] = min(self._next_offset[(topic, part)], offset)
            raise
        appended, self._appended = self._appended, asyncio.Event()
        appended.set()

    # --- consuming ----------------------------------------------------------------------
    async def subscribe(
        self,
        *,
        group: str,
        topics: Sequence[str],
        handler: BatchHandler,
        max_batch: int = 500,
    ) -> Subscription:
        await self.ensure_topics(topics)
        member = _Member(self, group, list(topics), handler, max_batch)
        self._groups.setdefault(group, []).append(member)
        self._rebalance(group)
        member.start()
        return member

    def _leave(self, member: _Member) -> None:
        members = self._groups.get(member.group, [])
        if member in members:
            members.remove(member)
            self._rebalance(member.group)

    def _rebalance(self, group: str) -> None:
        members = self._groups.get(group, [])
        for m in members:
            m.assignment = []
        if not members:
            return
        topics = sorted({t for m in members for t in m.topics})
        i = 0
        for topic in topics:
            interested = [m for m in members if topic in m.topics]
            for part in range(self._topic_partitions[topic]):
                interested[i % len(interested)].assignment.append((topic, part))
                i += 1
        for m in members:
            m.positions = {tp: self.committed(group, *tp) for tp in m.assignment}
            m.wake()

    def committed(self, group: str, topic: str, partition: int) -> int:
        row = self.db.execute(
            "SELECT committed FROM group_offsets WHERE grp=? AND topic=? AND partition=?",
            (group, topic, partition),
        ).fetchone()
        return int(row[0]) if row else 0

    def _commit(self, group: str, offsets: dict[tuple[str, int], int]) -> None:
        self.db.executemany(
            "INSERT INTO group_offsets VALUES (?, ?, ?, ?) ON CONFLICT (grp, topic, partition) "
            "DO UPDATE SET committed = excluded.committed",
            [(group, t, p, o) for (t, p), o in offsets.items()],
        )

    def _fetch(self, topic: str, partition: int, start: int, limit: int) -> list[Delivery]:
        rows = self.db.execute(
            'SELECT "offset", key, value, headers FROM records '
            'WHERE topic=? AND partition=? AND "offset">=? ORDER BY "offset" LIMIT ?',
            (topic, partition, start, limit),
        ).fetchall()
        return [
            Delivery(
                topic,
                partition,
                off,
                key,
                bytes(value),
                tuple((k, v.encode("latin-1")) for k, v in json.loads(headers)),
            )
            for off, key, value, headers in rows
        ]


class _Member(Subscription):
    def __init__(
        self,
        bus: InProcessTransport,
        group: str,
        topics: list[str],
        handler: BatchHandler,
        max_batch: int,
    ) -> None:
        self.bus = bus
        self.group = group
        self.topics = topics
        self.handler = handler
        self.max_batch = max_batch
        self.assignment: list[tuple[str, int]] = []
        self.positions: dict[tuple[str, int], int] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._woken = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"inprocess-consumer-{self.group}")

    def wake(self) -> None:
        self._woken.set()

    async def _run(self) -> None:
        while not self._stopping:
            progressed = False
            for tp in list(self.assignment):
                if self._stopping:
                    break
                position = self.positions.get(tp, 0)
                batch = self.bus._fetch(tp[0], tp[1], position, self.max_batch)
                if not batch:
                    continue
                try:
                    await self.handler(batch)
                except Exception:
                    log.exception("consumer batch failed; redelivering", group=self.group)
                    self.positions[tp] = self.bus.committed(self.group, *tp)
                    await asyncio.sleep(self.bus._retry_backoff_s)
                    progressed = True  # try again now, not after the idle wait
                    continue
                if tp in self.positions:  # still ours after the await
                    self.positions[tp] = batch[-1].offset + 1
                    self.bus._commit(self.group, {tp: self.positions[tp]})
                progressed = True
            if not progressed and not self._stopping:
                await self._wait_for_records()

    async def _wait_for_records(self) -> None:
        self._woken.clear()
        waiter = asyncio.ensure_future(self._woken.wait())
        appended = asyncio.ensure_future(self.bus._appended.wait())
        try:
            await asyncio.wait(
                {waiter, appended},
                timeout=self.bus._idle_wait_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for fut in (waiter, appended):
                fut.cancel()
            await asyncio.gather(waiter, appended, return_exceptions=True)

    async def stop(self) -> None:
        self._stopping = True
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bus._leave(self)

    async def abort(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bus._leave(self)

    def assigned(self) -> set[tuple[str, int]]:
        return set(self.assignment)

    def lag(self) -> dict[tuple[str, int], int]:
        return {
            tp: self.bus._next_offset.get(tp, 0) - self.bus.committed(self.group, *tp)
            for tp in self.assignment
        }
