"""``eventually``: the one way a test waits for something asynchronous to happen.

Events travel through an outbox, a relay, a bus and an inbox, so a test that acts on one
service sees the effect on another only later. Rather than sleeping for a guessed time
(slow when the guess is generous, flaky when it is not), a test polls a check until it
passes, and on timeout fails with what it was waiting for and why the last try failed.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


@overload
async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    timeout_s: float = ...,
    interval_s: float = ...,
    what: str = ...,
) -> T: ...


@overload
async def eventually(
    check: Callable[[], T],
    *,
    timeout_s: float = ...,
    interval_s: float = ...,
    what: str = ...,
) -> T: ...


async def eventually(
    check: Callable[[], Any],
    *,
    timeout_s: float = 30.0,
    interval_s: float = 0.05,
    what: str = "a condition",
) -> Any:
    """Call ``check`` (sync or async) every ``interval_s`` until it passes; return its value.

    ``check`` is a predicate or an assertion: it passes when it neither returns ``False``
    nor raises :class:`AssertionError` (any other exception is a bug and propagates at
    once). After ``timeout_s`` it raises :class:`AssertionError` naming ``what`` and the
    last failure. It is always tried at least once, and once more at the deadline.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        last_try = loop.time() >= deadline
        try:
            result = check()
            if inspect.isawaitable(result):
                result = await result
        except AssertionError as failure:
            last = f"{type(failure).__name__}: {failure}" if str(failure) else repr(failure)
            cause: AssertionError | None = failure
        else:
            if result is not False:
                return result
            last, cause = "the check returned False", None
        if last_try:
            raise AssertionError(
                f"timed out after {timeout_s} s waiting for {what} (last: {last})"
            ) from cause
        await asyncio.sleep(max(0.0, min(interval_s, deadline - loop.time())))
