"""The unit of work: state and events commit together, or neither does."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from lode_common.events.catalog import ApplicationForwarded
from lode_common.events.envelope import Envelope, new_envelope
from lode_common.messaging.inbox import Inbox
from lode_common.messaging.outbox import UnitOfWork, emit, outbox_rows
from lode_common.messaging.transport import Delivery

from .conftest import EventDatabase


def forwarded(application_id: str) -> ApplicationForwarded:
    return ApplicationForwarded(application_id=application_id)


class Calls:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


def uow_for(db: EventDatabase, on_commit: Calls | None = None) -> UnitOfWork:
    return UnitOfWork(db.sessions, db.tables, on_commit=on_commit or Calls())


async def test_emitted_events_become_outbox_rows_with_the_state_change(
    event_db: EventDatabase,
) -> None:
    uow = uow_for(event_db)
    async with uow:
        await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
        first = uow.emit(forwarded("a1"), "t1")
        second = uow.emit(forwarded("a2"), "t1")
        await uow.commit()
    assert await event_db.count(event_db.things) == 1
    rows = await event_db.outbox()
    assert [r["event_id"] for r in rows] == [first.id, second.id]  # seq in emission order
    assert rows[0]["seq"] < rows[1]["seq"]
    row = rows[0]
    assert row["topic"] == "lode.licensing"
    assert row["key"] == "t1"
    assert row["type"] == "lode.licensing.application.forwarded.v1"
    assert row["sent_at"] is None
    assert row["created_at"] is not None
    assert Envelope.from_json(row["envelope"]) == first
    assert json.loads(row["envelope"])["data"] == {
        "application_id": "a1",
        "province_reference": None,
    }


async def test_nothing_is_visible_to_others_before_commit(event_db: EventDatabase) -> None:
    uow = uow_for(event_db)
    async with uow:
        await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
        uow.emit(forwarded("a1"), "t1")
        assert await event_db.count(event_db.things) == 0
        assert await event_db.count(event_db.tables.outbox) == 0
        await uow.commit()
    assert await event_db.count(event_db.tables.outbox) == 1


async def test_an_exception_leaves_neither_state_nor_outbox_rows(event_db: EventDatabase) -> None:
    calls = Calls()
    uow = uow_for(event_db, calls)

    async def refused_change() -> None:
        async with uow:
            await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
            uow.emit(forwarded("a1"), "t1")
            await uow.session.flush()
            raise RuntimeError("the change was refused")

    with pytest.raises(RuntimeError, match="refused"):
        await refused_change()
    assert await event_db.count(event_db.things) == 0
    assert await event_db.count(event_db.tables.outbox) == 0
    assert calls.count == 0


async def test_leaving_without_commit_writes_nothing(event_db: EventDatabase) -> None:
    uow = uow_for(event_db)
    async with uow:
        await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
        uow.emit(forwarded("a1"), "t1")
    assert await event_db.count(event_db.things) == 0
    assert await event_db.count(event_db.tables.outbox) == 0


async def test_a_failing_outbox_write_rolls_back_the_state_change(
    event_db: EventDatabase,
) -> None:
    """One transaction: when the events cannot be written, the change is not kept either."""
    duplicate = new_envelope(
        event_type=ApplicationForwarded.event_type, subject="t1", data={"application_id": "a1"}
    )
    calls = Calls()
    uow = uow_for(event_db, calls)

    async def change_with_a_bad_event() -> None:
        async with uow:
            await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
            uow.emit_envelope(duplicate)
            uow.emit_envelope(duplicate)  # the same event id twice: the outbox refuses it
            await uow.commit()

    with pytest.raises(IntegrityError):
        await change_with_a_bad_event()
    assert await event_db.count(event_db.things) == 0
    assert await event_db.count(event_db.tables.outbox) == 0
    assert calls.count == 0


async def test_on_commit_is_called_only_when_events_were_committed(
    event_db: EventDatabase,
) -> None:
    calls = Calls()
    uow = uow_for(event_db, calls)
    async with uow:
        await uow.session.execute(insert(event_db.things).values(id="t1", n=1))
        await uow.commit()  # a state change without events
    assert calls.count == 0
    async with uow:
        uow.emit(forwarded("a1"), "t1")
        await uow.rollback()
        await uow.commit()  # the rollback dropped the pending event
    assert calls.count == 0
    async with uow:
        uow.emit(forwarded("a1"), "t1")
        uow.emit(forwarded("a2"), "t1")
        await uow.commit()
    assert calls.count == 1
    assert await event_db.count(event_db.tables.outbox) == 2


async def test_several_commits_in_one_unit_of_work(event_db: EventDatabase) -> None:
    calls = Calls()
    uow = uow_for(event_db, calls)
    async with uow:
        uow.emit(forwarded("a1"), "t1")
        await uow.commit()
        uow.emit(forwarded("a2"), "t1")
        await uow.commit()
    assert calls.count == 2
    rows = await event_db.outbox()
    assert [json.loads(r["envelope"])["data"]["application_id"] for r in rows] == ["a1", "a2"]


async def test_the_unit_of_work_can_be_reused(event_db: EventDatabase) -> None:
    uow = uow_for(event_db)

    async def failed_attempt() -> None:
        async with uow:
            uow.emit(forwarded("a1"), "t1")
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await failed_attempt()
    async with uow:  # the pending event of the failed attempt is gone
        uow.emit(forwarded("a2"), "t2")
        await uow.commit()
    rows = await event_db.outbox()
    assert [r["key"] for r in rows] == ["t2"]


async def test_emit_stamps_the_trace_context(event_db: EventDatabase) -> None:
    uow = UnitOfWork(event_db.sessions, event_db.tables, traceparent=lambda: "00-aa-bb-01")
    async with uow:
        envelope = uow.emit(forwarded("a1"), "t1")
        await uow.commit()
    assert envelope.traceparent == "00-aa-bb-01"
    assert json.loads((await event_db.outbox())[0]["envelope"])["traceparent"] == "00-aa-bb-01"


async def test_the_session_exists_only_inside_the_block(event_db: EventDatabase) -> None:
    uow = uow_for(event_db)
    with pytest.raises(RuntimeError, match="async with uow"):
        _ = uow.session
    async with uow:
        assert (await uow.session.execute(select(1))).scalar() == 1
    with pytest.raises(RuntimeError, match="async with uow"):
        _ = uow.session


def test_outbox_rows_key_by_subject_and_topic_by_type() -> None:
    envelope = new_envelope(
        event_type="lode.licensing.licence.issued.v1", subject="C1", data={"a": "铁矿"}
    )
    [row] = outbox_rows([envelope])
    assert (row["topic"], row["key"], row["type"]) == (
        "lode.licensing",
        "C1",
        "lode.licensing.licence.issued.v1",
    )
    assert "铁矿" in row["envelope"]
    assert outbox_rows([]) == []


async def test_an_event_handler_publishes_with_its_effect(event_db: EventDatabase) -> None:
    """outbox.emit stages in the inbox's transaction: effect, inbox row and event together."""

    async def react(session: Any, envelope: Envelope, payload: Any) -> None:
        await session.execute(insert(event_db.things).values(id=envelope.subject, n=1))
        await emit(session, forwarded(envelope.subject + "-next"), envelope.subject)
        if envelope.subject == "bad":
            raise ValueError("refused after emitting")

    inbox = Inbox(
        consumer="zoning",
        sessions=event_db.sessions,
        tables=event_db.tables,
        handlers={"lode.licensing.application.forwarded": react},
        max_attempts=1,
        retry_delay_s=0,
    )

    def delivery(subject: str, offset: int) -> Delivery:
        return Delivery(
            "lode.licensing", 0, offset, subject, forwarded(subject).envelope(subject).to_json()
        )

    await inbox.handle_batch([delivery("good", 0), delivery("bad", 1)])
    rows = await event_db.outbox()
    assert [(r["key"], json.loads(r["envelope"])["data"]["application_id"]) for r in rows] == [
        ("good", "good-next")
    ]
    assert await event_db.count(event_db.things) == 1
    assert len(await inbox.dead_letters()) == 1
