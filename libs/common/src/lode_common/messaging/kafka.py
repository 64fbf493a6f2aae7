"""The Kafka transport (aiokafka): acks=all, consumer groups, commit after the inbox.

Topics are created explicitly with the configured partition count (and kept for good,
``retention.ms=-1``, so read models can be rebuilt by replay). Producer idempotence is on
by default; the local Tansu test broker does not support it, so it can be switched off.
A message goes out with the headers it is given: the relay's events carry the CloudEvents
Kafka protocol binding's (structured mode: ``content-type: application/cloudevents+json;
charset=UTF-8``, and ``traceparent``/``tracestate`` when the event has them), made by
:func:`lode_common.messaging.transport.cloudevent_message`.

A member that has fetched nothing for ``idle_after_s`` asks the broker to hold its fetches
``idle_fetch_max_wait_ms`` instead of ``fetch_max_wait_ms``, until records come again: an
idle consumer costs a tenth of the CPU (each empty fetch is a round trip of aiokafka's).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from lode_common.messaging.transport import (
    BatchHandler,
    Delivery,
    Message,
    Subscription,
    Transport,
    TransportUnavailable,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap: str
    partitions: int = 3
    replication: int = 1
    idempotence: bool = True
    session_timeout_ms: int = 10_000
    fetch_max_wait_ms: int = 10
    idle_fetch_max_wait_ms: int = 100
    idle_after_s: float = 1.0
    request_timeout_ms: int = 10_000
    publish_timeout_s: float = 15.0
    retry_backoff_s: float = 0.2
    client_id: str = "lode"


class KafkaTransport(Transport):
    def __init__(self, config: KafkaConfig) -> None:
        self.config = config
        self._producer: AIOKafkaProducer | None = None
        self._subscriptions: list[_KafkaMember] = []

    async def start(self) -> None:
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            bootstrap_servers=self.config.bootstrap,
            client_id=self.config.client_id,
            acks="all",
            enable_idempotence=self.config.idempotence,
            linger_ms=1,
            max_batch_size=256 * 1024,
            request_timeout_ms=self.config.request_timeout_ms,
        )
        try:
            await producer.start()
        except KafkaError as exc:
            await producer.stop()
            raise TransportUnavailable(f"Kafka at {self.config.bootstrap}: {exc}") from exc
        self._producer = producer

    async def stop(self) -> None:
        for sub in list(self._subscriptions):
            await sub.stop()
        if self._producer is not None:
            producer, self._producer = self._producer, None
            with contextlib.suppress(KafkaError, asyncio.TimeoutError):
                await asyncio.wait_for(producer.stop(), timeout=10)

    async def ensure_topics(self, topics: Sequence[str]) -> None:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.config.bootstrap, client_id=self.config.client_id
        )
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in topics if t not in existing]
            if missing:
                new = [
                    NewTopic(
                        name=t,
                        num_partitions=self.config.partitions,
                        replication_factor=self.config.replication,
                        topic_configs={"retention.ms": "-1"},
                    )
                    for t in missing
                ]
                with contextlib.suppress(TopicAlreadyExistsError):
                    await admin.create_topics(new)
        except KafkaError as exc:
            raise TransportUnavailable(f"cannot create topics {list(topics)}: {exc}") from exc
        finally:
            await admin.close()

    async def publish(self, messages: Sequence[Message]) -> None:
        if self._producer is None:
            raise TransportUnavailable("the Kafka producer is not started")
        producer = self._producer
        try:
            async with asyncio.timeout(self.config.publish_timeout_s):
                futures = [
                    await producer.send(
                        m.topic, m.value, key=m.key.encode(), headers=list(m.headers) or None
                    )
                    for m in messages
                ]
                await asyncio.gather(*futures)
        except (KafkaError, TimeoutError) as exc:
            raise TransportUnavailable(f"publish to Kafka failed: {exc!r}") from exc

    async def subscribe(
        self,
        *,
        group: str,
        topics: Sequence[str],
        handler: BatchHandler,
        max_batch: int = 500,
    ) -> Subscription:
        consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=self.config.bootstrap,
            client_id=self.config.client_id,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.config.session_timeout_ms,
            heartbeat_interval_ms=max(100, self.config.session_timeout_ms // 5),
            rebalance_timeout_ms=self.config.session_timeout_ms,
            fetch_max_wait_ms=self.config.fetch_max_wait_ms,
            max_poll_records=max_batch,
        )
        member = _KafkaMember(self, consumer, group, handler, max_batch)
        await member.start()
        self._subscriptions.append(member)
        return member

    def replay(self, topic: str, *, batch: int = 1000) -> AsyncIterator[list[Delivery]]:
        return _replay(self.config, topic, batch)

    async def end_offsets(self, topic: str) -> dict[int, int]:
        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.config.bootstrap, client_id=self.config.client_id
        )
        await consumer.start()
        try:
            parts = consumer.partitions_for_topic(topic) or set()
            if not parts:
                await consumer._client.force_metadata_update()
                parts = consumer.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in sorted(parts)]
            ends = await consumer.end_offsets(tps) if tps else {}
            return {tp.partition: off for tp, off in ends.items()}
        finally:
            await consumer.stop()


async def _replay(config: KafkaConfig, topic: str, batch: int) -> AsyncIterator[list[Delivery]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=config.bootstrap,
        client_id=config.client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=config.fetch_max_wait_ms,
        max_poll_records=batch,
    )
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic)
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(parts)]
        if not tps:
            return
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        await consumer.seek_to_beginning(*tps)
        # Read at least to the end offsets, then on until a fetch brings nothing more: some
        # brokers (the Tansu test broker) report the end of a multi-record batch short.
        reached: set[TopicPartition] = {tp for tp in tps if ends[tp] == 0}
        while True:
            fetched = await consumer.getmany(timeout_ms=300, max_records=batch)
            if not any(fetched.values()) and len(reached) == len(tps):
                return
            for tp, records in fetched.items():
                if not records:
                    continue
                yield [
                    Delivery(
                        r.topic,
                        r.partition,
                        r.offset,
                        (r.key or b"").decode(),
                        r.value or b"",
                        tuple(r.headers or ()),
                        r.timestamp,
                    )
                    for r in records
                ]
                if records[-1].offset + 1 >= ends[tp]:
                    reached.add(tp)
    finally:
        await consumer.stop()


class _KafkaMember(Subscription):
    def __init__(
        self,
        transport: KafkaTransport,
        consumer: AIOKafkaConsumer,
        group: str,
        handler: BatchHandler,
        max_batch: int,
    ) -> None:
        self.transport = transport
        self.consumer = consumer
        self.group = group
        self.handler = handler
        self.max_batch = max_batch
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._committed: dict[tuple[str, int], int] = {}
        self._commit_task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        try:
            await self.consumer.start()
        except KafkaError as exc:
            await self.consumer.stop()
            raise TransportUnavailable(f"cannot join group {self.group}: {exc}") from exc
        self._task = asyncio.create_task(self._run(), name=f"kafka-consumer-{self.group}")

    def _fetch_wait(self, ms: int) -> None:
        """The longest the broker holds the member's next fetches while it has nothing."""
        fetcher = getattr(self.consumer, "_fetcher", None)
        if fetcher is not None:
            fetcher._fetch_max_wait_ms = ms

    async def _run(self) -> None:
        config = self.transport.config
        backoff = config.retry_backoff_s
        loop = asyncio.get_running_loop()
        last_records = loop.time()
        idle = False
        while not self._stopping:
            try:
                batches = await self.consumer.getmany(timeout_ms=200, max_records=self.max_batch)
            except KafkaError as exc:
                log.warning("kafka fetch failed; retrying", group=self.group, error=str(exc))
                await asyncio.sleep(backoff)
                continue
            batches = {tp: records for tp, records in batches.items() if records}
            if not batches:
                # Nothing for a while: fetch with the idle wait, ten fetches a second instead
                # of a hundred (a broker that long-polls answers as soon as a record comes;
                # Tansu answers the first record after a quiet spell up to that much later).
                waited = loop.time() - last_records
                if not idle and waited >= config.idle_after_s:
                    idle = True
                    self._fetch_wait(max(config.fetch_max_wait_ms, config.idle_fetch_max_wait_ms))
                continue
            last_records = loop.time()
            if idle:
                idle = False
                self._fetch_wait(config.fetch_max_wait_ms)
            # One handler call (one database transaction) for every partition fetched;
            # each partition's records stay in order within it.
            deliveries = [
                Delivery(
                    r.topic,
                    r.partition,
                    r.offset,
                    (r.key or b"").decode(),
                    r.value or b"",
                    tuple(r.headers or ()),
                    r.timestamp,
                )
                for records in batches.values()
                for r in records
            ]
            offsets = {tp: records[-1].offset + 1 for tp, records in batches.items()}
            try:
                await self.handler(deliveries)
            except Exception:
                log.exception("consumer batch failed; redelivering", group=self.group)
                await self._settle_commit()
                for tp in offsets:
                    await self._rewind(tp)
                await asyncio.sleep(backoff)
                continue
            # The inbox has committed: commit the offsets while the next batch is fetched
            # (one commit in flight at a time; a failed one only means a redelivery).
            await self._settle_commit()
            self._commit_task = asyncio.create_task(self._commit(offsets))

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self.consumer.commit(offsets)
        except KafkaError as exc:
            log.warning(
                "offset commit failed; the batch may come again", group=self.group, error=repr(exc)
            )
            return
        for tp, offset in offsets.items():
            self._committed[(tp.topic, tp.partition)] = offset

    async def _settle_commit(self) -> None:
        if self._commit_task is not None:
            task, self._commit_task = self._commit_task, None
            await asyncio.gather(task, return_exceptions=True)

    async def _rewind(self, tp: TopicPartition) -> None:
        """Go back to the last committed offset so the batch is delivered again."""
        with contextlib.suppress(Exception):
            committed = await self.consumer.committed(tp)
            if committed is None:
                await self.consumer.seek_to_beginning(tp)
            else:
                self.consumer.seek(tp, committed)

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._settle_commit()
        await self._close()

    async def abort(self) -> None:
        self._stopping = True
        for task in (self._task, self._commit_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._commit_task = None
        await self._close()

    async def _close(self) -> None:
        with contextlib.suppress(KafkaError, asyncio.TimeoutError):
            await asyncio.wait_for(self.consumer.stop(), timeout=10)
        if self in self.transport._subscriptions:
            self.transport._subscriptions.remove(self)

    def assigned(self) -> set[tuple[str, int]]:
        return {(tp.topic, tp.partition) for tp in self.consumer.assignment()}

    def lag(self) -> dict[tuple[str, int], int]:
        lags = {}
        for tp in self.consumer.assignment():
            high = self.consumer.highwater(tp)
            if high is not None:
                done = self._committed.get((tp.topic, tp.partition), 0)
                lags[(tp.topic, tp.partition)] = max(0, high - done)
        return lags
