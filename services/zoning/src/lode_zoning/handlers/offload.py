"""Heavy geometry work off the event loop.

Validating, projecting and measuring a geometry of tens of thousands of vertices takes
seconds of CPU; on the event loop that stalls every request of the process (in embedded
mode, of every service). Such work runs in a worker thread instead, at most
``GEOMETRY_THREADS`` at once per event loop, so a burst of large areas queues rather than
taking every thread. Small geometries stay on the loop: for them the hop to a thread costs
more than the work (``bench/zoning`` measures the analysis hot path).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import Final, TypeVar

import anyio.to_thread
from anyio import CapacityLimiter

T = TypeVar("T")

THREAD_VERTICES: Final = 2_000
"""From this many vertices a geometry's work runs in a thread (below, it takes well under
a millisecond, about what the hop itself costs)."""
GEOMETRY_THREADS: Final = 4

_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = CapacityLimiter(GEOMETRY_THREADS)
    return limiter


async def run_geometry_work(vertices: int, work: Callable[[], T]) -> T:
    """``work()``: on the loop when ``vertices`` is small, in a worker thread otherwise."""
    if vertices < THREAD_VERTICES:
        return work()
    return await anyio.to_thread.run_sync(work, limiter=_limiter())
