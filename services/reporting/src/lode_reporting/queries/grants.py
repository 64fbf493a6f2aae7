"""The year's competitive grants (矿业权出让) from ``grant_record``, as the domain reads them
(:class:`~lode_reporting.domain.grants.GrantYear`): the same for ``GET /reporting/v1/grants``,
the annual report and the dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_reporting.adapters.tables import GrantRecord
from lode_reporting.domain import grants
from lode_reporting.projections.journal import aware


def grant(row: GrantRecord) -> grants.Grant:
    """A row as the domain's grant (its JSON columns typed)."""
    winner = (
        grants.Winner(name=row.winner_name, credit_code=row.winner_credit_code or "")
        if row.winner_name is not None
        else None
    )
    return grants.Grant(
        grant_id=row.grant_id,
        year=row.year,
        right_type=row.right_type,
        mineral=row.mineral,
        method=row.method,
        status=cast(grants.GrantStatus, row.status),
        announcement=row.announcement,
        announced_on=row.announced_on,
        trade_from=row.trade_from,
        trade_to=row.trade_to,
        starting_price_cny_10k=row.starting_price_cny_10k,
        area_ha=row.area_ha,
        zones=tuple(
            grants.Zone(
                zone_id=str(z["zone_id"]),
                type=str(z["type"]),
                code=str(z["code"]),
                name_zh=str(z["name_zh"]),
            )
            for z in row.zones
        ),
        winner=winner,
        price_cny_10k=row.price_cny_10k,
        concluded_on=row.concluded_on,
        publicity_until=row.publicity_until,
        failed_on=row.failed_on,
        failed_reason=row.failed_reason,
        bidders=row.bidders,
        signed_on=row.signed_on,
        contract_ref=row.contract_ref,
        instalments=tuple(
            grants.Instalment(
                due=date.fromisoformat(str(i["due"])),
                amount_cny_10k=Decimal(str(i["amount_cny_10k"])),
            )
            for i in row.instalments
        ),
        updated_at=aware(row.updated_at),
    )


async def grant_year(session: AsyncSession, year: int) -> grants.GrantYear:
    """The grants of the year's grant plan (年度出让计划), counted, with the fee schedule."""
    rows = (
        (await session.execute(select(GrantRecord).where(col(GrantRecord.year) == year)))
        .scalars()
        .all()
    )
    return grants.grant_year(grant(row) for row in rows)
