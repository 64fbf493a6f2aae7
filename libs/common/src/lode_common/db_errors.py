"""What a database error means for the caller: the database is out of reach (503, retry), a
value in the request cannot be stored (422), or a fault of ours (500).

Errors arrive wrapped by SQLAlchemy (``DBAPIError`` around the adapter's error around
asyncpg's) or straight from asyncpg on the hot paths that use its connection directly, so
the whole chain is looked at. PostgreSQL says which by SQLSTATE: class 08 (connection
exception), 57P01–57P03 (shut down by the administrator, crashed, still starting up), class
53 (out of connections, memory or disk) and 57014 (statement cancelled) mean "retry later";
class 22 (data exception) means the value sent was wrong.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import asyncpg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

Meaning = Literal["unavailable", "bad_value"]

_UNAVAILABLE_SQLSTATE = ("08", "57P01", "57P02", "57P03", "53", "57014")


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or len(seen) > 8:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
            current.__context__,
        ]


def meaning(error: BaseException) -> Meaning | None:
    """``unavailable``, ``bad_value``, or None when the error is not the caller's to fix."""
    for current in _chain(error):
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return "unavailable"
        if isinstance(current, OperationalError | InterfaceError | ConnectionError):
            return "unavailable"
        sqlstate = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if isinstance(sqlstate, str):
            if sqlstate.startswith(_UNAVAILABLE_SQLSTATE):
                return "unavailable"
            if sqlstate.startswith("22"):
                return "bad_value"
        if isinstance(current, asyncpg.exceptions.InternalClientError):
            return "unavailable"  # a connection left mid-protocol (e.g. by a server restart)
        if isinstance(current, asyncpg.InterfaceError):
            # Raised by asyncpg itself: a value it cannot encode (also a ValueError, e.g.
            # "value out of int32 range"), or a connection closed under it.
            if isinstance(current, ValueError):
                return "bad_value"
            if "closed" in str(current) or "connection" in str(current).lower():
                return "unavailable"
    return None
