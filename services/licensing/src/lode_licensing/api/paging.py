"""How the licensing lists come: a page at a time (``limit``/``offset``) with the total, as
docs/contracts/API.md (lists and paging) has every list answer, filtered by safe text."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnExpressionArgument, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.errors import InvalidInput
from lode_common.http import MAX_OFFSET
from lode_common.limits import text_pattern, unsafe_character

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


def text_query(max_length: int, description: str) -> Any:
    """A text filter's ``Query``: at most ``max_length`` characters; its document states, as
    a pattern, the characters :func:`safe_text` refuses."""
    return Query(
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": text_pattern()},
    )


def safe_text(name: str, value: str | None) -> str | None:
    """A text filter, stripped (None when blank); 422 naming ``name`` when it carries a
    control, bidirectional or unassigned character."""
    if value is None or not value.strip():
        return None
    if unsafe := unsafe_character(value):
        raise InvalidInput.field(name, f"must not contain {unsafe}")
    return value.strip()
