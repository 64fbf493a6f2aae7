"""Plans as versioned data: publish a version, read the one in force, load the bundled plan.

A publication is one unit of work: the new ``plan_version`` row (the previous one keeps
its content and loses ``is_current``), a new spatial generation (the index holds each
plan's region) and a ``plan.published`` event carrying the whole document, so licensing,
monitoring and reporting work from the version in force.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from lode_common.events.catalog import PlanPublished
from lode_common.messaging.outbox import UnitOfWork
from lode_common.plan.data import bundled_raw_document
from lode_common.plan.document import PlanDocument, with_standards
from lode_common.runtime import ServiceRuntime
from lode_zoning.adapters.spatial_index import bump_generation
from lode_zoning.adapters.tables import PlanVersion
from lode_zoning.container import Zoning
from lode_zoning.domain.plan_crs import validated_plan

log = structlog.get_logger(__name__)
SYSTEM = "system"
BUNDLED_APPROVAL_REF = "承德市自然资源和规划局审查批准（批准文号未载于规划文本）"
"""What the bundled plan's approval rests on, as far as its text says: its 附则 names the
approving level (承德市自然资源和规划局), but the plan text carries no approval number
(批准文号). Unverified: replace it with the number once the bureau supplies it (a new
version published with ``PUT /zoning/v1/plans/{id}?approval_ref=...``)."""


class PlanMismatch(ValueError):
    """The document names another plan than the path it is published at."""


async def current_version(session: AsyncSession, plan_id: str) -> PlanVersion | None:
    query = select(PlanVersion).where(
        col(PlanVersion.plan_id) == plan_id, col(PlanVersion.is_current).is_(True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def version_of(session: AsyncSession, plan_id: str, version: int) -> PlanVersion | None:
    return await session.get(PlanVersion, (plan_id, version))


async def versions(session: AsyncSession, plan_id: str) -> list[PlanVersion]:
    query = (
        select(PlanVersion)
        .where(col(PlanVersion.plan_id) == plan_id)
        .order_by(col(PlanVersion.version).desc())
    )
    return list((await session.execute(query)).scalars())


async def current_plans(session: AsyncSession) -> list[PlanVersion]:
    query = (
        select(PlanVersion)
        .where(col(PlanVersion.is_current).is_(True))
        .order_by(col(PlanVersion.plan_id))
    )
    return list((await session.execute(query)).scalars())


async def document_to_publish(
    session: AsyncSession, raw: dict[str, Any], *, standards_of: str
) -> PlanDocument:
    """``raw`` validated as a version to publish. A document without ``standards:`` takes
    the national standards of ``standards_of``'s version in force (or the bundled ones when
    there is none). Raises ``PlanDocumentInvalid``."""
    if "standards" not in raw:
        previous = await current_version(session, standards_of)
        standards = (previous.document if previous else bundled_raw_document())["standards"]
        raw = with_standards(raw, standards)
    return validated_plan(raw)


async def publish(
    uow: UnitOfWork,
    *,
    plan_id: str,
    raw: dict[str, Any],
    actor: str,
    note: str | None = None,
    approval_ref: str | None = None,
    approved_on: date | None = None,
    proposal_id: str | None = None,
) -> PlanVersion:
    """Validate and publish a new version of ``plan_id``; the caller's unit of work commits.

    A document without ``standards:`` keeps the national standards of the version in force
    (or the bundled ones for a new plan). ``approval_ref``/``approved_on``/``proposal_id``
    say what the version's approval rests on (kept with it and in ``plan.published``).
    Raises ``PlanDocumentInvalid`` or ``PlanMismatch``.
    """
    session = uow.session
    document = await document_to_publish(session, raw, standards_of=plan_id)
    if document.plan.id != plan_id:
        raise PlanMismatch(
            f"the document's plan.id is {document.plan.id!r} but it is published at "
            f"{plan_id!r}; publish it at /zoning/v1/plans/{document.plan.id} or fix plan.id"
        )
    number = (
        await session.execute(
            select(func.coalesce(func.max(PlanVersion.version), 0)).where(
                col(PlanVersion.plan_id) == plan_id
            )
        )
    ).scalar_one() + 1
    await session.execute(
        update(PlanVersion)
        .where(col(PlanVersion.plan_id) == plan_id, col(PlanVersion.is_current).is_(True))
        .values(is_current=False)
    )
    published = document.as_published()
    meta = published["plan"]
    row = PlanVersion(
        plan_id=plan_id,
        version=number,
        title_zh=meta.get("title_zh", plan_id),
        region_adcode=published["region"]["adcode"],
        parent_plan_id=meta.get("parent_plan_id"),
        is_current=True,
        document=published,
        published_at=datetime.now(UTC),
        published_by=actor,
        note=note,
        approval_ref=approval_ref,
        approved_on=approved_on,
        proposal_id=proposal_id,
    )
    session.add(row)
    await bump_generation(session)  # the plan's region (its extent) is in the spatial index
    await session.flush()
    uow.emit(
        PlanPublished(
            plan_id=plan_id,
            version=number,
            region_adcode=row.region_adcode,
            parent_plan_id=row.parent_plan_id,
            document=published,
            approval_ref=approval_ref,
            approved_on=approved_on,
            proposal_id=proposal_id,
            predecessor_plan_id=meta.get("predecessor_plan_id"),
        ),
        subject=plan_id,
    )
    return row


async def successor_of(session: AsyncSession, plan_id: str) -> str | None:
    """The plan published as ``plan_id``'s successor, if one is (at most one may be)."""
    for row in await current_plans(session):
        if row.document["plan"].get("predecessor_plan_id") == plan_id:
            return row.plan_id
    return None


async def close(session: AsyncSession, plan_id: str, *, successor: str) -> None:
    """Mark ``plan_id``'s version in force as superseded by ``successor`` (规划接续)."""
    await session.execute(
        update(PlanVersion)
        .where(col(PlanVersion.plan_id) == plan_id, col(PlanVersion.is_current).is_(True))
        .values(superseded_by=successor)
    )
    await bump_generation(session)  # a closed plan's zones leave the analysis


async def load_bundled_plan(runtime: ServiceRuntime) -> None:
    """On first start, the bundled plan becomes version 1 of the deployment's plan
    (``settings.plan_id``) when that is the bundled one; any other plan is published by its
    planners (start-up hook)."""
    plan_id = Zoning.of(runtime).settings.plan_id
    raw = bundled_raw_document()
    if raw["plan"]["id"] != plan_id:
        log.info("no bundled plan for this deployment", plan_id=plan_id)
        return
    async with runtime.uow() as uow:
        if await current_version(uow.session, plan_id) is not None:
            return
        row = await publish(
            uow,
            plan_id=plan_id,
            raw=raw,
            actor=SYSTEM,
            note="bundled plan loaded on first start",
            approval_ref=BUNDLED_APPROVAL_REF,
        )
        await uow.commit()
    log.info("plan loaded", plan_id=plan_id, version=row.version)
