"""How the licensing lists come: a page at a time (``limit``/``offset``) with the total, as
docs/contracts/API.md (lists and paging) has every list answer."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnExpressionArgument, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.http import MAX_OFFSET

Row = TypeVar("Row")

Limit = Annotated[int, Query(ge=1, le=1000)]
"""At most how many items a page of a registry list holds."""
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
"""How many items of the list come before the page."""


async def page(
    session: AsyncSession,
    query: Select[Row],
    *order: ColumnExpressionArgument[Any],
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """The rows of ``query`` from ``offset`` (at most ``limit``, in ``order``) and how many
    it has in all; read in the caller's ``session``, so the rows are shaped while it is open."""
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(*order).offset(offset).limit(limit))).scalars()
    return list(rows), total
