"""The event stream for dashboards (server-sent events): one SSE event per domain event
the reporting service accepted, tailing its journal.

``id:`` is the event id, ``event:`` its type, ``data:`` its CloudEvents JSON envelope. A
client reconnecting with ``Last-Event-ID`` resumes right after that event (the journal is
in the database: a restart loses nothing); without it, the stream starts at the current
end. The request must accept ``text/event-stream`` by RFC 9110: no ``Accept``, ``*/*``
(curl's default), ``text/*`` and ``text/event-stream`` all do; an ``Accept`` that excludes
it (``application/json`` alone, or ``text/event-stream;q=0``) is a 406."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from sqlalchemy import func, select
from sqlmodel import col
from sse_starlette import EventSourceResponse, ServerSentEvent

from lode_common.errors import InvalidInput, Problem
from lode_common.openapi import problems
from lode_reporting.adapters.tables import JournalEntry
from lode_reporting.api.deps import STAFF, Service
from lode_reporting.api.negotiation import accepts
from lode_reporting.container import Reporting

router = APIRouter(prefix="/reporting/v1", tags=["stream"])
PAGE = 500
MEDIA_TYPE = "text/event-stream"
CHARSET = {"charset": "utf-8"}
"""The stream's ``Content-Type`` parameters (Starlette adds the charset to every text type)."""
EVENT_ID_MAX = 200
"""The longest ``Last-Event-ID`` read: event ids are UUIDs (36 characters); the bound keeps
a resume from carrying a page of text into a database query."""


class NotAcceptable(Problem):
    status = 406
    title = "Not acceptable"


async def _start(service: Reporting, last_event_id: str | None) -> int:
    async with service.runtime.sessions() as session:
        if last_event_id is None:
            end = (await session.execute(select(func.max(col(JournalEntry.seq))))).scalar_one()
            return int(end or 0)
        seq = (
            await session.execute(
                select(col(JournalEntry.seq)).where(col(JournalEntry.event_id) == last_event_id)
            )
        ).scalar_one_or_none()
    if seq is None:
        raise InvalidInput.field(
            "Last-Event-ID", f"no event {last_event_id!r} in the reporting journal"
        )
    return int(seq)


async def tail(service: Reporting, after: int, *, poll_s: float) -> AsyncIterator[ServerSentEvent]:
    """The journal's entries after position ``after``, then each new one as it commits."""
    signal = service.journal
    while True:
        ticket = signal.ticket()
        async with service.runtime.sessions() as session:
            rows = (
                (
                    await session.execute(
                        select(JournalEntry)
                        .where(col(JournalEntry.seq) > after)
                        .order_by(col(JournalEntry.seq))
                        .limit(PAGE)
                    )
                )
                .scalars()
                .all()
            )
        for row in rows:
            yield ServerSentEvent(
                data=json.dumps(row.envelope, ensure_ascii=False, separators=(",", ":")),
                event=row.type,
                id=row.event_id,
            )
            after = int(row.seq or after)
        if len(rows) < PAGE:
            await signal.wait(ticket, poll_s)


@router.get(
    "/stream",
    dependencies=[STAFF],
    summary="Server-sent events: one per domain event, resumable with Last-Event-ID",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "One event per domain event, until the client goes away",
            "content": {MEDIA_TYPE: {"schema": {"type": "string"}}},
        },
        **problems(406),
    },
)
async def stream(
    service: Service,
    request: Request,
    last_event_id: Annotated[
        str | None,
        Header(
            alias="Last-Event-ID",
            max_length=EVENT_ID_MAX,
            description="the id of the last event received, to resume right after it",
        ),
    ] = None,
) -> EventSourceResponse:
    fields = request.headers.getlist("accept")
    accept = ", ".join(fields) if fields else None
    if not accepts(accept, MEDIA_TYPE, CHARSET):
        raise NotAcceptable(
            "Accept: this is a server-sent event stream and the request's Accept "
            f"({(accept or '')[:120]!r}) "
            f"excludes it; send 'Accept: {MEDIA_TYPE}' (or '*/*', or no Accept)",
            errors=[{"field": "Accept", "message": f"must accept {MEDIA_TYPE}"}],
        )
    settings = service.settings
    after = await _start(service, last_event_id)
    return EventSourceResponse(
        tail(service, after, poll_s=settings.stream_poll_s), ping=settings.stream_ping_s
    )
