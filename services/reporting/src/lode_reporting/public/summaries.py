"""The public page's header (``GET /public/v1/summary``): this year's figures, counted from
the read models in one snapshot, and how current they are (``as_of``)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from lode_reporting.container import Reporting
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain import public
from lode_reporting.projections.journal import position
from lode_reporting.public import queries, views
from lode_reporting.queries.facts import snapshot


async def summary(service: Reporting, today: date) -> views.SummaryOut:
    """Licences in force this year by right type, decisions of the last 30 days, this year's
    grants by status, enterprises on each list today, this year's draws and inspections; the
    plan in force and the years that may be asked for."""
    async with snapshot(service.runtime.sessions) as session:
        plan_id = await service.plans.following(service.settings.plan_id, session)
        in_force = await service.plans.in_force(plan_id, session)
        period = None if in_force is None else plan_rules.period(in_force.document)
        first, last = public.years(period, today.year)
        numbers = await queries.licences_in_force(session, queries.LicenceFilter(year=today.year))
        kinds = await queries.right_types(session, set(numbers))
        since = public.recent_since(today)
        decided = await queries.decisions_since(session, since)
        statuses = await queries.grant_statuses(session, today.year)
        listed = await queries.on_lists(session, today=today)
        draws, inspected = await queries.inspection_count(session, today.year)
        as_of = (await position(session))["as_of"]
    lists = Counter(row.list for row in listed)
    plan = None
    if in_force is not None and period is not None:
        meta = in_force.document.plan
        plan = views.PlanOut(
            plan_id=in_force.plan_id, title_zh=meta.title_zh, title_en=meta.title_en, period=period
        )
    return views.SummaryOut(
        year=today.year,
        years=views.YearsOut(first=first, last=last),
        plan=plan,
        licences=views.PublicLicenceCounts(
            exploration=kinds["exploration"], mining=kinds["mining"], total=len(numbers)
        ),
        decisions=views.DecisionCounts(
            since=since,
            approved=decided["approved"],
            rejected=decided["rejected"],
            total=decided.total(),
        ),
        grants=views.GrantCounts(
            announced=statuses["announced"],
            concluded=statuses["concluded"],
            failed=statuses["failed"],
            contracted=statuses["contracted"],
            total=statuses.total(),
        ),
        listed=views.ListCounts(
            abnormal=lists["abnormal"], serious_violation=lists["serious_violation"]
        ),
        inspections=views.InspectionCounts(draws=draws, inspections=inspected),
        as_of=as_of,
    )
