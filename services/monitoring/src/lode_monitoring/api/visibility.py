"""What a caller of the read routes sees: staff see every licence's records, a mine's key
only its own enterprise's (by the licence's holder, 持证企业); reports kept by versions are
read alike, whatever their kind; lists come a page at a time with the total, filtered by
safe text (:func:`text_filter`, :func:`licences_matching`)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import ColumnExpressionArgument, Select, func, select
from sqlmodel import col

from lode_common.auth import Principal
from lode_common.errors import Forbidden, InvalidInput, NotFound
from lode_common.limits import text_pattern, unsafe_character
from lode_monitoring.adapters.tables import Mine
from lode_monitoring.container import Monitoring
from lode_monitoring.handlers.reports import Versioned

Row = TypeVar("Row")
LicenceNoQuery = Annotated[
    str | None, Query(max_length=23, description="the licence number (统一配号), exactly")
]
"""A list's ``licence_no`` filter."""


def own_licences(principal: Principal) -> Select[str]:
    """The numbers of the licences the caller's enterprise holds (for ``IN``)."""
    return select(col(Mine.licence_no)).where(col(Mine.holder_credit_code) == principal.enterprise)


def text_query(max_length: int, description: str) -> Any:
    """A text filter's ``Query``: at most ``max_length`` characters; its document states, as
    a pattern, the characters :func:`text_filter` refuses."""
    return Query(
        max_length=max_length,
        description=description,
        json_schema_extra={"pattern": text_pattern()},
    )


def text_filter(name: str, value: str | None) -> str | None:
    """A text filter, stripped (None when blank); 422 naming ``name`` when it carries a
    control, bidirectional or unassigned character."""
    if value is None or not value.strip():
        return None
    if unsafe := unsafe_character(value):
        raise InvalidInput.field(name, f"must not contain {unsafe}")
    return value.strip()


def licences_matching(text: str) -> Select[str]:
    """The numbers of the licences whose number, holder's name or credit code holds
    ``text`` (either case, LIKE wildcards taken literally), for ``IN``: what ``q`` finds in
    the lists of a licence's records."""
    return select(col(Mine.licence_no)).where(
        col(Mine.licence_no).icontains(text, autoescape=True)
        | col(Mine.holder_name).icontains(text, autoescape=True)
        | col(Mine.holder_credit_code).icontains(text, autoescape=True)
    )


async def require_own(service: Monitoring, licence_no: str, principal: Principal) -> None:
    """Forbidden (403) when a key asks for a record of a licence its enterprise does not
    hold (or one monitoring does not know); staff pass."""
    if principal.is_staff:
        return
    async with service.runtime.sessions() as session:
        mine = await session.get(Mine, licence_no)
    if mine is None or mine.holder_credit_code != principal.enterprise:
        raise Forbidden("This belongs to another enterprise.")


async def own_versions(
    service: Monitoring,
    table: type[Versioned],
    report_id: str,
    principal: Principal,
    *,
    missing: str,
) -> list[Versioned]:
    """Every version of ``table``'s report ``report_id``, the current one last, once the
    caller may see it (:func:`require_own`); NotFound (404, ``missing``) when there is none."""
    async with service.runtime.sessions() as session:
        rows = list(
            (
                await session.execute(
                    select(table).where(col(table.id) == report_id).order_by(col(table.version))
                )
            ).scalars()
        )
    if not rows:
        raise NotFound(missing)
    await require_own(service, rows[0].licence_no, principal)
    return rows


def current_versions(
    table: type[Versioned], principal: Principal, *, licence_no: str | None, year: int | None
) -> Select[Versioned]:
    """The current versions of ``table``'s reports the caller may see, of ``licence_no`` and
    ``year`` when given."""
    query = select(table).where(col(table.is_current).is_(True))
    if licence_no:
        query = query.where(col(table.licence_no) == licence_no)
    if year:
        query = query.where(col(table.year) == year)
    if not principal.is_staff:
        query = query.where(col(table.licence_no).in_(own_licences(principal)))
    return query


async def page(
    service: Monitoring,
    query: Select[Row],
    *order: ColumnExpressionArgument[Any],
    offset: int,
    limit: int,
) -> tuple[list[Row], int]:
    """The rows of ``query`` from ``offset`` (at most ``limit``, in ``order``) and how many
    it has in all."""
    async with service.runtime.sessions() as session:
        total = (
            await session.execute(select(func.count()).select_from(query.subquery()))
        ).scalar_one()
        rows = (await session.execute(query.order_by(*order).offset(offset).limit(limit))).scalars()
        return list(rows), total
