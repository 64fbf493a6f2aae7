"""A replica row of a versioned record (a report and its corrections): the newest wins.

Every consumer that keeps another service's versioned record (monitoring's output and
reserves reports, kept by licensing and by reporting) keeps it the same way: the row
keyed by the record's id takes a newer version's fields; an older version delivered late,
or the same one again, changes nothing. Events of one record travel on one partition, so
this only guards redelivery and replays.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession


class Versioned(Protocol):
    version: int


Row = TypeVar("Row", bound=Versioned)


async def keep_newest(
    session: AsyncSession,
    table: type[Row],
    key: Mapping[str, Any],
    version: int,
    fields: Mapping[str, Any],
) -> Row:
    """The row of ``table`` with primary key ``key`` (column → value) holding the newest
    version: created, updated from ``fields`` when ``version`` is newer, or left as it is."""
    values = tuple(key.values())
    row = await session.get(table, values[0] if len(values) == 1 else values)
    state = {"version": version, **fields}
    if row is None:
        row = table(**key, **state)
        session.add(row)
        return row
    if row.version >= version:
        return row
    for name, value in state.items():
        setattr(row, name, value)
    return row
