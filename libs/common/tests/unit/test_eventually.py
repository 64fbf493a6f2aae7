"""eventually: polls a sync or async check until it passes, and on timeout fails saying
what it waited for and why the last try failed."""

from __future__ import annotations

import asyncio
import time

import pytest

from lode_common.testing import eventually


async def test_returns_as_soon_as_an_async_predicate_holds() -> None:
    calls: list[int] = []

    async def third_time() -> bool:
        calls.append(1)
        return len(calls) >= 3

    assert await eventually(third_time, timeout_s=5, interval_s=0.001) is True
    assert len(calls) == 3


async def test_a_sync_assertion_passes_once_it_stops_raising_and_its_value_is_returned() -> None:
    seen: list[int] = []

    def counted() -> int:
        seen.append(1)
        assert len(seen) >= 2, f"only {len(seen)} so far"
        return len(seen)

    assert await eventually(counted, timeout_s=5, interval_s=0.001) == 2


async def test_an_assertion_returning_none_and_falsy_values_other_than_false_pass() -> None:
    def holds() -> None:
        assert 1 + 1 == 2

    await eventually(holds, timeout_s=0.1, interval_s=10)  # would time out if None failed
    nothing: list[int] = []
    assert await eventually(lambda: nothing, timeout_s=0.1, interval_s=10) == []
    assert await eventually(lambda: 0, timeout_s=0.1, interval_s=10) == 0


async def test_times_out_naming_what_it_waited_for_and_the_last_assertion() -> None:
    tries: list[int] = []

    def never() -> None:
        tries.append(1)
        raise AssertionError(f"try {len(tries)} failed")

    started = time.monotonic()
    with pytest.raises(AssertionError) as caught:
        await eventually(never, timeout_s=0.2, interval_s=0.02, what="the relay to publish")
    took = time.monotonic() - started
    message = str(caught.value)
    assert "timed out after 0.2 s waiting for the relay to publish" in message
    assert f"try {len(tries)} failed" in message, "the last failure, not the first"
    assert len(tries) >= 3
    assert 0.2 <= took < 2
    assert isinstance(caught.value.__cause__, AssertionError)


async def test_a_predicate_that_stays_false_times_out_saying_so() -> None:
    async def no() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"waiting for zoning to know the holder .*False"):
        await eventually(no, timeout_s=0.05, interval_s=0.01, what="zoning to know the holder")


async def test_it_is_tried_once_more_at_the_deadline() -> None:
    """A check that passes only after the deadline's last sleep still counts."""
    started = time.monotonic()

    def late() -> bool:
        return time.monotonic() - started >= 0.1

    assert await eventually(late, timeout_s=0.1, interval_s=10) is True


async def test_any_other_exception_is_a_bug_and_is_not_retried() -> None:
    tries: list[int] = []

    def broken() -> None:
        tries.append(1)
        raise KeyError("plan_id")

    with pytest.raises(KeyError):
        await eventually(broken, timeout_s=5)
    assert tries == [1]


async def test_it_does_not_block_the_loop_between_tries() -> None:
    done = asyncio.Event()

    async def finish_later() -> None:
        await asyncio.sleep(0.05)
        done.set()

    task = asyncio.create_task(finish_later())
    await eventually(done.is_set, timeout_s=5, interval_s=0.01, what="the other task")
    await task
