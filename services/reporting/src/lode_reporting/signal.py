"""Wakes the SSE streams when the inbox commits new journal rows (in-process)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any


class JournalSignal:
    """A broadcast: :meth:`notify` wakes every waiter holding the current ticket.

    Take a :meth:`ticket` *before* reading the journal, then :meth:`wait` on it: a commit
    between the read and the wait has already set that ticket, so nothing is missed."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ticket(self) -> asyncio.Event:
        return self._event

    def notify(self, _handled: Sequence[Any] = ()) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    @staticmethod
    async def wait(ticket: asyncio.Event, timeout_s: float) -> None:
        """Until a commit after the ticket was taken, or ``timeout_s`` (the slow poll that
        catches rows committed by another process)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), timeout_s)
