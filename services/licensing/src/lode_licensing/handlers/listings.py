"""Bidders' standing (竞买人资格): the supervision lists (监管名录) an enterprise is on, kept
from monitoring's ``enterprise.listed`` / ``.released`` events, one row per listing.

A release is final for its listing: a ``listed`` event of the same listing delivered after
its release (out of order, or again) does not put the enterprise back on the list.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import EnterpriseListed, EnterpriseReleased
from lode_common.events.envelope import Envelope
from lode_common.messaging.consumers import Consumers
from lode_licensing.adapters.tables import EnterpriseListing
from lode_licensing.domain.grant_law import LISTED, RELEASED
from lode_licensing.domain.grant_periods import Standing

consumers = Consumers()


@consumers.on(EnterpriseListed)
async def on_listed(session: AsyncSession, _envelope: Envelope, listed: EnterpriseListed) -> None:
    row = await session.get(EnterpriseListing, listed.listing_id)
    if row is None:
        session.add(
            EnterpriseListing(
                listing_id=listed.listing_id,
                credit_code=listed.credit_code,
                name=listed.name,
                list=listed.list,
                reason=listed.reason,
                listed_on=listed.listed_on,
                until=listed.until,
                status=LISTED,
            )
        )
        return
    row.credit_code, row.name, row.list = listed.credit_code, listed.name, listed.list
    row.reason, row.listed_on, row.until = listed.reason, listed.listed_on, listed.until


@consumers.on(EnterpriseReleased)
async def on_released(
    session: AsyncSession, _envelope: Envelope, released: EnterpriseReleased
) -> None:
    row = await session.get(EnterpriseListing, released.listing_id)
    if row is None:  # the release came first: keep it, so the listing never applies
        session.add(
            EnterpriseListing(
                listing_id=released.listing_id,
                credit_code=released.credit_code,
                name=released.name,
                list=released.list,
                reason=released.reason,
                listed_on=released.released_on,
                status=RELEASED,
                released_on=released.released_on,
                released_reason=released.reason,
            )
        )
        return
    row.status = RELEASED
    row.released_on = released.released_on
    row.released_reason = released.reason


async def standing(session: AsyncSession, credit_code: str, today: date) -> Standing | None:
    """The list an enterprise is on today (its earliest listing still in force), or None."""
    rows = (
        await session.execute(
            select(EnterpriseListing)
            .where(
                col(EnterpriseListing.credit_code) == credit_code,
                col(EnterpriseListing.status) == LISTED,
            )
            .order_by(col(EnterpriseListing.listed_on), col(EnterpriseListing.listing_id))
        )
    ).scalars()
    for row in rows:
        if row.until is None or row.until >= today:
            return Standing(row.listing_id, row.list, row.reason, row.listed_on, row.until)
    return None
