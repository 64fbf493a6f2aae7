"""The inbox: each event takes effect once; a failing one is retried, then parked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.events.catalog import ApplicationForwarded
from lode_common.events.envelope import Envelope, new_envelope
from lode_common.events.registry import EventPayload
from lode_common.messaging.inbox import Batched, Inbox, is_infrastructure_error
from lode_common.messaging.transport import Delivery
from lode_common.metrics import ServiceMetrics

from .conftest import EventDatabase

FORWARDED = "lode.licensing.application.forwarded"


class Effects:
    """The handler under test: writes a thing per event; may fail for chosen subjects."""

    def __init__(self, db: EventDatabase) -> None:
        self.db = db
        self.failing: dict[str, BaseException] = {}
        self.payloads: list[EventPayload | None] = []

    async def __call__(
        self, session: AsyncSession, envelope: Envelope, payload: EventPayload | None
    ) -> None:
        self.payloads.append(payload)
        if envelope.subject in self.failing:
            raise self.failing[envelope.subject]
        await session.execute(insert(self.db.things).values(id=envelope.id, n=1))


def inbox_for(db: EventDatabase, effects: Effects, **handlers: Any) -> Inbox:
    return Inbox(
        consumer="zoning",
        sessions=db.sessions,
        tables=db.tables,
        handlers={FORWARDED: effects, **handlers},
        metrics=ServiceMetrics("zoning"),
        max_attempts=2,
        retry_delay_s=0.001,
    )


def delivery(envelope: Envelope | bytes, offset: int = 0) -> Delivery:
    value = envelope if isinstance(envelope, bytes) else envelope.to_json()
    key = "garbage" if isinstance(envelope, bytes) else envelope.subject
    return Delivery("lode.licensing", 0, offset, key, value)


def forwarded(application_id: str) -> Envelope:
    return ApplicationForwarded(application_id=application_id).envelope(application_id)


def consumed(inbox: Inbox, outcome: str) -> float:
    labels = {"service": "zoning", "outcome": outcome}
    return inbox.metrics.registry.get_sample_value("lode_events_consumed_total", labels) or 0.0


async def test_each_event_takes_effect_once(event_db: EventDatabase) -> None:
    effects = Effects(event_db)
    inbox = inbox_for(event_db, effects)
    a, b = forwarded("a1"), forwarded("a2")
    await inbox.handle_batch([delivery(a, 0), delivery(b, 1), delivery(a, 2)])  # a twice
    await inbox.handle_batch([delivery(a, 0), delivery(b, 1)])  # a redelivery
    assert await event_db.count(event_db.things) == 2
    inbox_rows = event_db.tables.inbox
    assert await event_db.count(inbox_rows, inbox_rows.c.outcome == "handled") == 2
    assert consumed(inbox, "handled") == 2


async def test_the_handler_gets_the_typed_payload(event_db: EventDatabase) -> None:
    effects = Effects(event_db)
    inbox = inbox_for(event_db, effects)
    await inbox.handle_batch([delivery(forwarded("a1"))])
    [payload] = effects.payloads
    assert isinstance(payload, ApplicationForwarded)
    assert payload.application_id == "a1"


async def test_an_unregistered_type_reaches_its_handler_without_payload(
    event_db: EventDatabase,
) -> None:
    effects = Effects(event_db)
    inbox = inbox_for(event_db, effects, **{"lode.licensing.thing.done": effects})
    envelope = new_envelope(event_type="lode.licensing.thing.done.v1", subject="t", data={})
    await inbox.handle_batch([delivery(envelope)])
    assert effects.payloads == [None]
    assert await event_db.count(event_db.things) == 1


async def test_types_without_a_handler_are_ignored(event_db: EventDatabase) -> None:
    inbox = inbox_for(event_db, Effects(event_db))
    other = new_envelope(
        event_type="lode.licensing.licence.issued.v1", subject="C1", data={"licence_no": "C1"}
    )
    await inbox.handle_batch([delivery(other)])
    assert await event_db.count(event_db.tables.inbox) == 0
    assert await event_db.count(event_db.tables.dead_letter) == 0


async def test_a_failing_event_is_retried_then_parked_and_the_rest_flow(
    event_db: EventDatabase,
) -> None:
    effects = Effects(event_db)
    effects.failing["bad"] = ValueError("the zone does not exist")
    inbox = inbox_for(event_db, effects)
    good1, bad, good2 = forwarded("g1"), forwarded("bad"), forwarded("g2")
    seen: list[Sequence[Envelope]] = []
    inbox.after_commit.append(seen.append)
    await inbox.handle_batch([delivery(good1, 0), delivery(bad, 1), delivery(good2, 2)])
    assert await event_db.count(event_db.things) == 2
    [parked] = await inbox.dead_letters()
    assert parked["event_id"] == bad.id
    assert parked["error"] == "ValueError: the zone does not exist"
    assert parked["attempts"] == 2
    assert parked["status"] == "parked"
    assert Envelope.from_json(parked["envelope"]) == bad
    assert [e.id for e in seen[0]] == [good1.id, good2.id]
    assert consumed(inbox, "parked") == 1
    assert inbox.metrics.registry.get_sample_value("lode_dead_letters", {"service": "zoning"}) == 1

    # a redelivery of the parked event does not park it again
    await inbox.handle_batch([delivery(bad, 1)])
    assert len(await inbox.dead_letters()) == 1


async def test_a_message_that_is_not_an_envelope_is_parked(event_db: EventDatabase) -> None:
    inbox = inbox_for(event_db, Effects(event_db))
    await inbox.handle_batch([delivery(b"{not json", offset=7)])
    [parked] = await inbox.dead_letters()
    assert parked["event_id"] == "lode.licensing/0/7"
    assert "not a CloudEvents envelope" in parked["error"]
    assert parked["type"] == "?"
    assert await inbox.redrive(parked["id"]) is False


async def test_a_parked_event_is_redriven_once_fixed(event_db: EventDatabase) -> None:
    effects = Effects(event_db)
    effects.failing["bad"] = ValueError("not yet")
    inbox = inbox_for(event_db, effects)
    bad = forwarded("bad")
    await inbox.handle_batch([delivery(bad)])
    [parked] = await inbox.dead_letters()

    assert await inbox.redrive(parked["id"]) is False  # still failing: stays parked
    [still] = await inbox.dead_letters()
    assert still["attempts"] == 3

    del effects.failing["bad"]
    redriven: list[Sequence[Envelope]] = []
    inbox.after_commit.append(redriven.append)
    assert await inbox.redrive(parked["id"]) is True
    assert await inbox.dead_letters() == []
    [row] = await inbox.dead_letters(status="redriven")
    assert row["redriven_at"] is not None
    assert await event_db.count(event_db.things) == 1
    assert [e.id for e in redriven[0]] == [bad.id]
    assert await inbox.redrive(parked["id"]) is False  # only parked events are redriven
    assert await inbox.redrive(999_999) is False
    assert await inbox.refresh_dead_letter_gauge() == 0


async def test_an_infrastructure_error_propagates_and_parks_nothing(
    event_db: EventDatabase,
) -> None:
    """A dependency that is down is not the event's fault: the batch must come again."""
    effects = Effects(event_db)
    effects.failing["a1"] = ConnectionRefusedError("the zoning database is down")
    inbox = inbox_for(event_db, effects)
    event = forwarded("a1")
    with pytest.raises(ConnectionRefusedError):
        await inbox.handle_batch([delivery(event)])
    assert await event_db.count(event_db.tables.dead_letter) == 0
    assert await event_db.count(event_db.tables.inbox) == 0
    del effects.failing["a1"]
    await inbox.handle_batch([delivery(event)])  # the redelivery, once it is back
    assert await event_db.count(event_db.things) == 1


async def test_a_handler_sql_error_is_parked_not_retried_forever(event_db: EventDatabase) -> None:
    """A bug in a handler's SQL is the event's problem (parked), not a database outage."""

    async def broken(session: AsyncSession, envelope: Envelope, payload: object) -> None:
        await session.execute(text("SELECT no_such_column FROM things"))  # a typo in a handler

    inbox = inbox_for(event_db, Effects(event_db), **{FORWARDED: broken})
    await inbox.handle_batch([delivery(forwarded("a1"))])
    assert len(await inbox.dead_letters()) == 1


def test_is_infrastructure_error() -> None:
    assert is_infrastructure_error(ConnectionResetError())
    assert is_infrastructure_error(OSError("disk"))
    assert not is_infrastructure_error(ValueError("bad payload"))
    assert not is_infrastructure_error(KeyError("zone"))


async def test_runs_of_a_batched_type_are_handled_together_in_order(
    event_db: EventDatabase,
) -> None:
    calls: list[tuple[str, list[str]]] = []

    async def forwarded_batch(
        session: AsyncSession, events: Sequence[tuple[Envelope, EventPayload | None]]
    ) -> None:
        assert all(isinstance(p, ApplicationForwarded) for _, p in events)
        calls.append(("batch", [e.subject for e, _ in events]))

    async def one_at_a_time(
        session: AsyncSession, envelope: Envelope, payload: EventPayload | None
    ) -> None:
        calls.append(("single", [envelope.subject]))

    inbox = inbox_for(
        event_db,
        Effects(event_db),
        **{FORWARDED: Batched(forwarded_batch), "lode.licensing.thing.done": one_at_a_time},
    )
    other = new_envelope(event_type="lode.licensing.thing.done.v1", subject="t1", data={})
    batch = [forwarded("a1"), forwarded("a2"), other, forwarded("a3"), forwarded("a1")]
    await inbox.handle_batch([delivery(e, i) for i, e in enumerate(batch)])
    assert calls == [("batch", ["a1", "a2"]), ("single", ["t1"]), ("batch", ["a3", "a1"])]
    assert await event_db.count(event_db.tables.inbox) == 5


async def test_a_failing_batched_run_is_isolated_event_by_event(event_db: EventDatabase) -> None:
    seen: list[list[str]] = []

    async def forwarded_batch(
        session: AsyncSession, events: Sequence[tuple[Envelope, EventPayload | None]]
    ) -> None:
        subjects = [e.subject for e, _ in events]
        seen.append(subjects)
        if "bad" in subjects:
            raise ValueError("bad application")

    inbox = inbox_for(event_db, Effects(event_db), **{FORWARDED: Batched(forwarded_batch)})
    batch = [forwarded("a1"), forwarded("bad"), forwarded("a2")]
    await inbox.handle_batch([delivery(e, i) for i, e in enumerate(batch)])
    assert seen[0] == ["a1", "bad", "a2"]
    assert ["a1"] in seen
    assert ["a2"] in seen
    assert seen.count(["bad"]) == 2  # max_attempts
    [parked] = await inbox.dead_letters()
    assert parked["event_id"] == batch[1].id
