"""``GET /public/v1/...``: the public disclosure (信息公示, issue 18), without a token.

Licences in force (and their map), decided applications, grants and their results, the
supervision lists and random inspections, and a summary for the page's header: from
reporting's read models only, each answer cached, rate-limited per client address and
bounded in its database use (:mod:`.protection`). Lists are
``{"items", "total", "limit", "offset"}`` (``limit`` 1–200, 50 unless asked), in the order
each route states. Nothing internal is disclosed: no check, no reserve price, no staff name,
no key (:mod:`lode_reporting.domain.public`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from lode_common.errors import InvalidInput
from lode_common.http import MAX_OFFSET
from lode_common.limits import (
    CODE_MAX,
    NAME_MAX,
    YEAR_MAX,
    YEAR_MIN,
    text_pattern,
    unsafe_character,
)
from lode_common.openapi import problems
from lode_reporting.api.deps import Service
from lode_reporting.container import Reporting
from lode_reporting.domain import plan as plan_rules
from lode_reporting.domain import public
from lode_reporting.public import queries, summaries, views
from lode_reporting.public.protection import client_of
from lode_reporting.queries.facts import snapshot


async def rate_limited(request: Request, service: Service) -> None:
    """Every public request counts against its client address's rate (429 over it)."""
    service.public_guard().admit(client_of(request))


class GeoJSONResponse(JSONResponse):
    """How the map's answer is documented: GeoJSON's own media type (RFC 7946 section 12)."""

    media_type = "application/geo+json"


router = APIRouter(tags=["public"], dependencies=[Depends(rate_limited)])
GUARDED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the ETag sent in If-None-Match is still current"},
    429: {
        **problems(503)[503],
        "description": "Too many requests from this address: retry after Retry-After seconds",
    },
    **problems(503),
}
"""What any public route may answer besides 200 and 422."""

Year = Annotated[
    int | None,
    Query(
        ge=YEAR_MIN,
        le=YEAR_MAX,
        description="a year the plan governed (its period, and each year since while no "
        "successor replaced it); default: this year (China Standard Time)",
    ),
]
Limit = Annotated[int, Query(ge=1, le=public.PAGE_MAX, description="1–200")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
RightType = Annotated[
    Literal["exploration", "mining"] | None,
    Query(description="exploration (探矿权) or mining (采矿权)"),
]
Mineral = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=CODE_MAX,
        description="the mineral, exactly",
        json_schema_extra={"pattern": text_pattern()},
    ),
]
Search = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=NAME_MAX,
        description="part of the licence number or of the holder's name (any case)",
        json_schema_extra={"pattern": text_pattern()},
    ),
]
"""Text parameters: their check is :func:`_text` (the schema's ``pattern`` states it)."""


def _text(name: str, value: str | None) -> str | None:
    """A text parameter, not blank and without control or bidirectional characters (a 422
    naming it otherwise), as :func:`lode_common.limits.text_pattern` states."""
    if value is not None:
        unsafe = unsafe_character(value)
        if unsafe is not None:
            raise InvalidInput.field(name, f"must not contain {unsafe}")
        if not value.strip():
            raise InvalidInput.field(name, "must not be blank")
    return value


async def _plan_period(service: Reporting, session: AsyncSession) -> tuple[int, int] | None:
    plan_id = await service.plans.following(service.settings.plan_id, session)
    in_force = await service.plans.in_force(plan_id, session)
    return None if in_force is None else plan_rules.period(in_force.document)


async def _checked_year(service: Reporting, session: AsyncSession, year: int) -> None:
    public.check_year(await _plan_period(service, session), year, this_year=service.today().year)


async def _in_force(
    service: Reporting, session: AsyncSession, wanted: queries.LicenceFilter
) -> list[str]:
    await _checked_year(service, session, wanted.year)
    return await queries.licences_in_force(session, wanted)


@router.get(
    "/public/v1/licences",
    response_model=views.LicencePage,
    summary="Licences in force (探矿权、采矿权公示): those in force on some day of the year",
    description="Each licence in force (active or suspended, within its validity) on at least "
    "one day of `year`, as it stands now, by licence number. Demo data are listed with "
    "`illustrative: true`. A year the plan did not govern is a 422 naming `year`.",
    responses=GUARDED,
)
async def licences(
    request: Request,
    service: Service,
    year: Year = None,
    right_type: RightType = None,
    mineral: Mineral = None,
    q: Search = None,
    limit: Limit = public.PAGE_DEFAULT,
    offset: Offset = 0,
) -> Response:
    wanted = queries.LicenceFilter(
        year=year or service.today().year,
        right_type=right_type,
        mineral=_text("mineral", mineral),
        q=_text("q", q),
    )

    async def compute() -> views.LicencePage:
        async with snapshot(service.runtime.sessions) as session:
            numbers = await _in_force(service, session, wanted)
            rows = await queries.licences(session, numbers[offset : offset + limit])
        return views.LicencePage(
            year=wanted.year,
            items=[views.licence(row) for row in rows],
            total=len(numbers),
            limit=limit,
            offset=offset,
        )

    params = {**_filter(wanted), "limit": limit, "offset": offset}
    return await service.public_guard().answer(request, params, compute)


def _filter(wanted: queries.LicenceFilter) -> dict[str, object]:
    return {
        "year": wanted.year,
        "right_type": wanted.right_type,
        "mineral": wanted.mineral,
        "q": wanted.q,
    }


@router.get(
    "/public/v1/licences/map",
    response_model=views.LicenceMap,
    response_class=GeoJSONResponse,
    summary="The map of licences in force (矿业权分布图): a GeoJSON FeatureCollection, CRS84",
    description="The licences of GET /public/v1/licences that have an area, as features whose "
    "properties are the list's fields, by licence number (application/geo+json). At most "
    "LODE_REPORTING_PUBLIC_MAP_FEATURES_MAX (2,000) are drawn: beyond, `truncated` is true, "
    "`total` says how many matched, and the filters narrow it.",
    responses=GUARDED,
)
async def licence_map(
    request: Request,
    service: Service,
    year: Year = None,
    right_type: RightType = None,
    mineral: Mineral = None,
    q: Search = None,
) -> Response:
    wanted = queries.LicenceFilter(
        year=year or service.today().year,
        right_type=right_type,
        mineral=_text("mineral", mineral),
        q=_text("q", q),
    )
    most = service.settings.public_map_features_max

    async def compute() -> views.LicenceMap:
        async with snapshot(service.runtime.sessions) as session:
            numbers = await _in_force(service, session, wanted)
            rows = [r for r in await queries.licences(session, numbers) if r.area]
        return views.LicenceMap(
            year=wanted.year,
            total=len(rows),
            truncated=len(rows) > most,
            features=[views.feature(row) for row in rows[:most]],
        )

    return await service.public_guard().answer(
        request, _filter(wanted), compute, media_type=GeoJSONResponse.media_type
    )


@router.get(
    "/public/v1/decisions",
    response_model=views.DecisionPage,
    summary="Approval decisions (行政许可决定公开): decided applications",
    description="Each application decided (approved or rejected) from `from` to `to` (the "
    "decision's day, China Standard Time, both included), the latest first, then by "
    "application id. A decision is listed as soon as its event reaches reporting (seconds), "
    "well within the 20 working days of 政府信息公开条例 art. 26. A rejection carries its "
    "reason where the bureau publishes them (LODE_REPORTING_PUBLIC_REJECTION_REASONS); no "
    "check, verdict or officer's name is ever shown. `from` after `to` is a 422 naming `to`.",
    responses=GUARDED,
)
async def decisions(
    request: Request,
    service: Service,
    since: Annotated[
        date | None, Query(alias="from", description="the first day (decided on or after)")
    ] = None,
    until: Annotated[
        date | None, Query(alias="to", description="the last day (decided on or before)")
    ] = None,
    decision: Annotated[
        public.Decision | None, Query(description="approved or rejected; default both")
    ] = None,
    limit: Limit = public.PAGE_DEFAULT,
    offset: Offset = 0,
) -> Response:
    if since is not None and until is not None and since > until:
        raise InvalidInput.field("to", f"must not be before from ({since.isoformat()})")
    publish_reasons = service.settings.public_rejection_reasons

    async def compute() -> views.DecisionPage:
        async with snapshot(service.runtime.sessions) as session:
            rows, total = await queries.decisions(
                session, since=since, until=until, decision=decision, offset=offset, limit=limit
            )
        return views.DecisionPage(
            items=[views.decision(r, publish_reasons=publish_reasons) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    params = {"from": since, "to": until, "decision": decision, "limit": limit, "offset": offset}
    return await service.public_guard().answer(request, params, compute)


@router.get(
    "/public/v1/grants",
    response_model=views.GrantPage,
    summary="Competitive grants (矿业权出让公告与结果): announcements, results, publicity",
    description="The year's grants, the latest announced first, then by grant id. The "
    "winner, price, publicity period and contract date appear once the trade is concluded "
    "(成交); a reserve price (底价) never (reporting holds none). A year the plan did not "
    "govern is a 422 naming `year`.",
    responses=GUARDED,
)
async def grants(
    request: Request,
    service: Service,
    year: Year = None,
    status: Annotated[
        public.GrantStatus | None,
        Query(description="announced, concluded, failed or contracted; default all"),
    ] = None,
    limit: Limit = public.PAGE_DEFAULT,
    offset: Offset = 0,
) -> Response:
    chosen = year or service.today().year

    async def compute() -> views.GrantPage:
        async with snapshot(service.runtime.sessions) as session:
            await _checked_year(service, session, chosen)
            rows, total = await queries.grants(
                session, year=chosen, status=status, offset=offset, limit=limit
            )
        return views.GrantPage(
            year=chosen,
            items=[views.grant(r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    params = {"year": chosen, "status": status, "limit": limit, "offset": offset}
    return await service.public_guard().answer(request, params, compute)


@router.get(
    "/public/v1/abnormal-list",
    response_model=views.ListingPage,
    summary="The supervision lists (异常名录, 严重违法失信名单): enterprises on them today",
    description="Each enterprise listed and not released, whose term (if any) has not ended, "
    "the latest listed first, then by listing. `list` chooses one list; default both.",
    responses=GUARDED,
)
async def abnormal_list(
    request: Request,
    service: Service,
    list_name: Annotated[
        Literal["abnormal", "serious_violation"] | None,
        Query(
            alias="list", description="abnormal (异常名录) or serious_violation (严重违法失信名单)"
        ),
    ] = None,
    limit: Limit = public.PAGE_DEFAULT,
    offset: Offset = 0,
) -> Response:
    today = service.today()

    async def compute() -> views.ListingPage:
        async with snapshot(service.runtime.sessions) as session:
            rows = await queries.on_lists(session, today=today, list_name=list_name)
        return views.ListingPage(
            items=[views.listing(r) for r in rows[offset : offset + limit]],
            total=len(rows),
            limit=limit,
            offset=offset,
        )

    params = {"list": list_name, "today": today, "limit": limit, "offset": offset}
    return await service.public_guard().answer(request, params, compute)


@router.get(
    "/public/v1/inspections",
    response_model=views.PublicInspections,
    summary="Random inspections (双随机一公开): the year's draws and results",
    description="`draws`: every draw of the year, the latest first, with its seed, algorithm "
    "and population, so that anyone can draw it again. `results`: the year's inspection "
    "results, a page of them, the latest first, then by inspection; each item only by its "
    "name and whether it was found as filed. No inspector is named. A year the plan did not "
    "govern is a 422 naming `year`.",
    responses=GUARDED,
)
async def inspections(
    request: Request,
    service: Service,
    year: Year = None,
    result: Annotated[
        Literal["compliant", "non_compliant"] | None,
        Query(description="compliant (未发现问题) or non_compliant (发现问题); default both"),
    ] = None,
    limit: Limit = public.PAGE_DEFAULT,
    offset: Offset = 0,
) -> Response:
    chosen = year or service.today().year

    async def compute() -> views.PublicInspections:
        async with snapshot(service.runtime.sessions) as session:
            await _checked_year(service, session, chosen)
            draws = await queries.draws(session, chosen)
            rows, total = await queries.inspections(
                session, year=chosen, result=result, offset=offset, limit=limit
            )
        return views.PublicInspections(
            year=chosen,
            draws=[views.draw(d) for d in draws],
            results=views.ResultPage(
                items=[views.result(r) for r in rows], total=total, limit=limit, offset=offset
            ),
        )

    params = {"year": chosen, "result": result, "limit": limit, "offset": offset}
    return await service.public_guard().answer(request, params, compute)


@router.get(
    "/public/v1/summary",
    response_model=views.SummaryOut,
    summary="The public page's header: this year's figures and how current they are",
    description="Licences in force this year by right type, decisions of the last 30 days, "
    "this year's grants by status, enterprises on each list today, this year's draws and "
    "inspections, the plan in force and the years that may be asked for; `as_of` is the "
    "time of the latest event the figures include.",
    responses=GUARDED,
)
async def summary(request: Request, service: Service) -> Response:
    today = service.today()

    async def compute() -> views.SummaryOut:
        return await summaries.summary(service, today)

    return await service.public_guard().answer(request, {"today": today}, compute)
