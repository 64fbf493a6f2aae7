"""Who may call what: an authorization matrix generated from the routes the four apps serve.

The routes are enumerated from the apps themselves (every ``APIRoute``, method × path
template, as ``fastapi.routing.iter_route_contexts`` flattens included routers), and
every route is called by every kind of caller:

* no token, a forged token (``Bearer forged``), a JWT signed with another key, an expired
  JWT, an unknown mine API key and a forged one (a real key's prefix with another secret):
  401 (problem+json) unless the route is ``PUBLIC`` or ``SIGNED``;
* a signed token of each role in turn (``mine`` tokens carry an enterprise credit code),
  the bootstrap admin token, and a real API key monitoring issued (role ``mine``, known to
  every service from monitoring's events): a role that is not allowed gets exactly 403
  (problem+json, the detail naming a role that would be allowed); an allowed role gets
  anything but 401/403 (path parameters are plausible ids that do not exist and POST/PUT
  send ``{}``, so 404/409/422 are expected) and never a 5xx.

``admin`` (a JWT with the admin role, or the bootstrap token) holds every staff role but
not ``mine``: it passes wherever the table lists any staff role.

Where ``mine`` is allowed on data owned by an enterprise (``OWNED``), real data of
enterprise A is created through the API and enterprise B's token must get 403 on A's
items and see none of them in lists, while A's own token gets them.

How to extend the table when a route is added
---------------------------------------------
1. Add ``(METHOD, "/path/{template}")`` to ``EXPECTED`` exactly as the app declares it,
   with the set of roles that may call it (write out the role names: the table is the
   specification, not a copy of the code), or ``PUBLIC`` (no token needed) or
   ``SIGNED`` (authenticated by a signature, not a token). The matrix tests for the new
   route appear by themselves; until the route is in the table they fail, naming it.
2. If the route takes a path parameter with a new name, add a plausible non-existent
   value to ``PATH_VALUES`` (otherwise a generic one is used from the annotation).
3. If the route allows ``mine``: put it in ``OWNED`` (and, for a new kind of data, teach
   ``owned_data`` to create some for enterprises A and B) when it reads or changes data
   an enterprise owns, or in ``NOT_OWNED_REASON`` with the reason it carries none.
4. A route removed from the apps must be removed from the table (the test says which).
5. A wrong answer found here is not "fixed" in the table: mark that (route, caller) in
   ``KNOWN_WRONG`` (strict xfail) with the reason, and report it.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

import httpx
import pytest

from lode.embedded import EmbeddedSystem
from lode_common import auth
from lode_common.credit_code import with_check_character
from lode_common.testing import eventually
from lode_common.testing.apps import ADMIN_TOKEN, JWT_SECRET
from lode_common.testing.examples import iron_mine_application, square

from .routes import Route, Served, fill, route_id, routes_at_collection, served_routes

pytestmark = pytest.mark.timeout(120)


class Open(enum.Enum):
    PUBLIC = "no token needed"
    SIGNED = "HMAC-signed by the province platform instead of a token"
    COOKIE = "the workbench's sign-in session (an HttpOnly cookie) instead of a token"


PUBLIC = Open.PUBLIC
SIGNED = Open.SIGNED
COOKIE = Open.COOKIE
Access = frozenset[str] | Open

# --- the roles, written out ------------------------------------------------------------------
ADMIN = "admin"
PLANNER = "planner"
OFFICER = "licensing_officer"
INSPECTOR = "inspector"
VIEWER = "viewer"
APPROVER = "approver"
MINE = "mine"
STAFF = frozenset({ADMIN, PLANNER, OFFICER, INSPECTOR, VIEWER, APPROVER})
ANY_ROLE = STAFF | {MINE}


SERVICES = ("zoning", "licensing", "monitoring", "reporting")


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


# --- THE TABLE -------------------------------------------------------------------------------
EXPECTED: dict[Route, Access] = {
    # zoning: operations
    ("GET", "/zoning/health"): PUBLIC,
    ("GET", "/zoning/metrics"): PUBLIC,
    ("GET", "/zoning/v1/admin/outbox"): roles(ADMIN),
    ("GET", "/zoning/v1/admin/dead-letters"): roles(ADMIN),
    ("POST", "/zoning/v1/admin/dead-letters/{dead_letter_id}/redrive"): roles(ADMIN),
    # zoning: the plan (public planning data: every role reads it)
    ("GET", "/zoning/v1/plans"): ANY_ROLE,
    ("GET", "/zoning/v1/plans/{plan_id}"): ANY_ROLE,
    ("GET", "/zoning/v1/plans/{plan_id}/versions"): ANY_ROLE,
    ("GET", "/zoning/v1/plans/{plan_id}/versions/{version}"): ANY_ROLE,
    ("GET", "/zoning/v1/plans/{plan_id}/diff"): ANY_ROLE,
    ("PUT", "/zoning/v1/plans/{plan_id}"): roles(PLANNER),
    # zoning: plan adjustment (规划调整): the planner proposes, the approving level decides
    ("GET", "/zoning/v1/plans/{plan_id}/proposals"): roles(PLANNER, APPROVER, VIEWER),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals"): roles(PLANNER),
    ("GET", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}"): roles(PLANNER, APPROVER, VIEWER),
    ("PUT", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}"): roles(PLANNER),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/submit"): roles(PLANNER),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/withdraw"): roles(PLANNER),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/approve"): roles(APPROVER),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/reject"): roles(APPROVER),
    ("GET", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/impact"): roles(
        PLANNER, APPROVER, VIEWER
    ),
    # zoning: zones and planning blocks
    ("GET", "/zoning/v1/zones"): ANY_ROLE,
    ("GET", "/zoning/v1/zones/export"): ANY_ROLE,
    ("GET", "/zoning/v1/zones/{zone_id}"): ANY_ROLE,
    ("GET", "/zoning/v1/zones/{zone_id}/history"): ANY_ROLE,
    ("POST", "/zoning/v1/zones"): roles(PLANNER),
    ("PUT", "/zoning/v1/zones/{zone_id}"): roles(PLANNER),
    ("POST", "/zoning/v1/zones/{zone_id}/retire"): roles(PLANNER),
    ("POST", "/zoning/v1/zones/import"): roles(PLANNER),
    ("POST", "/zoning/v1/analysis"): ANY_ROLE,
    # licensing: operations
    ("GET", "/licensing/health"): PUBLIC,
    ("GET", "/licensing/metrics"): PUBLIC,
    ("GET", "/licensing/v1/admin/outbox"): roles(ADMIN),
    ("GET", "/licensing/v1/admin/dead-letters"): roles(ADMIN),
    ("POST", "/licensing/v1/admin/dead-letters/{dead_letter_id}/redrive"): roles(ADMIN),
    # licensing: applications
    ("POST", "/licensing/v1/applications"): roles(OFFICER, MINE),
    ("GET", "/licensing/v1/applications"): ANY_ROLE,
    ("GET", "/licensing/v1/applications/{application_id}"): ANY_ROLE,
    ("POST", "/licensing/v1/applications/{application_id}/review"): roles(OFFICER),
    ("POST", "/licensing/v1/applications/{application_id}/forward"): roles(OFFICER),
    ("POST", "/licensing/v1/applications/{application_id}/decision"): roles(OFFICER),
    ("POST", "/licensing/v1/applications/{application_id}/withdraw"): roles(OFFICER, MINE),
    # licensing: the licence registry
    ("GET", "/licensing/v1/licences"): ANY_ROLE,
    ("GET", "/licensing/v1/licences/{licence_no}"): ANY_ROLE,
    ("POST", "/licensing/v1/licences/{licence_no}/{action}"): roles(OFFICER),
    ("PUT", "/licensing/v1/licences/{licence_no}/green-mine"): roles(OFFICER),
    ("POST", "/licensing/v1/licences/{licence_no}/closure-report"): roles(OFFICER),
    ("POST", "/licensing/v1/licences/{licence_no}/restoration-acceptance"): roles(OFFICER),
    # licensing: plan adjustment (the what-if zoning asks for) and enforcement
    ("POST", "/licensing/v1/plan-impact"): roles(PLANNER, APPROVER),
    ("POST", "/licensing/v1/grants"): roles(OFFICER),
    ("GET", "/licensing/v1/grants"): STAFF,
    ("GET", "/licensing/v1/grants/{grant_id}"): STAFF,
    ("POST", "/licensing/v1/grants/{grant_id}/announce"): roles(OFFICER),
    ("POST", "/licensing/v1/grants/{grant_id}/bids"): roles(OFFICER),
    ("POST", "/licensing/v1/grants/{grant_id}/conclude"): roles(OFFICER),
    ("POST", "/licensing/v1/grants/{grant_id}/contract"): roles(OFFICER),
    ("POST", "/licensing/v1/grants/{grant_id}/cancel"): roles(OFFICER),
    ("GET", "/licensing/v1/enforcement"): roles(OFFICER, INSPECTOR, APPROVER, PLANNER, VIEWER),
    # licensing: the province platform's callback
    ("POST", "/licensing/v1/province/decisions"): SIGNED,
    # monitoring: operations
    ("GET", "/monitoring/health"): PUBLIC,
    ("GET", "/monitoring/metrics"): PUBLIC,
    ("GET", "/monitoring/v1/admin/outbox"): roles(ADMIN),
    ("GET", "/monitoring/v1/admin/dead-letters"): roles(ADMIN),
    ("POST", "/monitoring/v1/admin/dead-letters/{dead_letter_id}/redrive"): roles(ADMIN),
    # monitoring: enterprises' API keys (admin) and the mines (licences replicated)
    ("POST", "/monitoring/v1/enterprises/{credit_code}/api-keys"): roles(ADMIN),
    ("GET", "/monitoring/v1/enterprises/{credit_code}/api-keys"): roles(ADMIN),
    ("DELETE", "/monitoring/v1/enterprises/{credit_code}/api-keys/{key_id}"): roles(ADMIN),
    ("GET", "/monitoring/v1/mines"): ANY_ROLE,
    ("GET", "/monitoring/v1/mines/{licence_no}"): ANY_ROLE,
    # monitoring: reports (a mine's key, or staff) and findings (inspectors close them)
    ("POST", "/monitoring/v1/reports"): roles(MINE, *STAFF),
    ("PUT", "/monitoring/v1/reports/{report_id}"): roles(MINE, *STAFF),
    ("GET", "/monitoring/v1/reports"): ANY_ROLE,
    ("GET", "/monitoring/v1/reports/{report_id}"): ANY_ROLE,
    ("GET", "/monitoring/v1/findings"): ANY_ROLE,
    ("POST", "/monitoring/v1/findings/{finding_id}/close"): roles(INSPECTOR),
    ("POST", "/monitoring/v1/exploration-results"): roles(MINE, *STAFF),
    ("POST", "/monitoring/v1/projects/{project_id}/progress"): roles(*STAFF),
    ("GET", "/monitoring/v1/projects/{project_id}/progress"): ANY_ROLE,
    # monitoring: reserves reports (储量年报): the mine's key, or an inspector for it
    ("POST", "/monitoring/v1/reserves-reports"): roles(MINE, INSPECTOR),
    ("PUT", "/monitoring/v1/reserves-reports/{report_id}"): roles(MINE, INSPECTOR),
    ("GET", "/monitoring/v1/reserves-reports"): ANY_ROLE,
    ("GET", "/monitoring/v1/reserves-reports/{report_id}"): ANY_ROLE,
    # monitoring: supervision (监督检查): the roster (admin), draws and inspections
    # (inspectors), rectification orders, the abnormal and serious-violation lists
    ("POST", "/monitoring/v1/inspectors"): roles(ADMIN),
    ("GET", "/monitoring/v1/inspectors"): roles(INSPECTOR, ADMIN),
    ("POST", "/monitoring/v1/inspectors/{inspector_id}/relations"): roles(ADMIN),
    ("POST", "/monitoring/v1/inspection-draws"): roles(INSPECTOR),
    ("GET", "/monitoring/v1/inspection-draws"): STAFF,
    ("GET", "/monitoring/v1/inspection-draws/{draw_id}"): STAFF,
    ("GET", "/monitoring/v1/inspection-draws/{draw_id}/redraw"): STAFF,
    ("POST", "/monitoring/v1/inspections"): roles(INSPECTOR),
    ("GET", "/monitoring/v1/inspections"): ANY_ROLE,
    ("GET", "/monitoring/v1/inspections/{inspection_id}"): ANY_ROLE,
    ("POST", "/monitoring/v1/rectifications"): roles(INSPECTOR),
    ("POST", "/monitoring/v1/rectifications/{order_id}/verify"): roles(INSPECTOR),
    ("GET", "/monitoring/v1/rectifications"): ANY_ROLE,
    ("GET", "/monitoring/v1/rectifications/{order_id}"): ANY_ROLE,
    ("GET", "/monitoring/v1/abnormal-list"): ANY_ROLE,
    ("POST", "/monitoring/v1/abnormal-list/{credit_code}/release"): roles(INSPECTOR),
    ("POST", "/monitoring/v1/serious-violations"): roles(INSPECTOR),
    # reporting: operations and the dashboard (indicators, compliance, reports come later)
    ("GET", "/reporting/health"): PUBLIC,
    ("GET", "/reporting/metrics"): PUBLIC,
    ("GET", "/reporting/v1/admin/outbox"): roles(ADMIN),
    ("GET", "/reporting/v1/admin/dead-letters"): roles(ADMIN),
    ("POST", "/reporting/v1/admin/dead-letters/{dead_letter_id}/redrive"): roles(ADMIN),
    # reporting: indicators, compliance, map and the event stream are for staff only
    ("GET", "/reporting/v1/indicators"): STAFF,
    ("GET", "/reporting/v1/indicators/{indicator_id}/sources"): STAFF,
    ("GET", "/reporting/v1/indicators/{indicator_id}/trend"): STAFF,
    ("GET", "/reporting/v1/compliance"): STAFF,
    ("GET", "/reporting/v1/map"): STAFF,
    ("GET", "/reporting/v1/annual-report/{year}"): STAFF,
    ("GET", "/reporting/v1/conflicts"): STAFF,
    ("GET", "/reporting/v1/grants"): STAFF,
    ("GET", "/reporting/v1/supervision"): STAFF,
    ("GET", "/reporting/v1/audit-anchors"): roles(ADMIN, INSPECTOR),
    ("GET", "/reporting/v1/final-evaluation/{plan_id}"): STAFF,
    ("GET", "/reporting/v1/licences/summary"): STAFF,
    ("GET", "/reporting/v1/output"): STAFF,
    ("GET", "/reporting/v1/reserves"): STAFF,
    ("GET", "/reporting/v1/stream"): STAFF,  # called with an Accept that refuses it: 406
    ("GET", "/"): PUBLIC,  # the dashboard page asks for a token itself
    # each service's API docs (Swagger UI from packaged assets): public, hold no data
    **{("GET", f"/{service}/docs"): PUBLIC for service in SERVICES},
    **{("GET", f"/{service}/docs/static/{{folder}}/{{file}}"): PUBLIC for service in SERVICES},
    ("GET", "/reporting/static/{name}"): PUBLIC,  # the dashboard's style sheet
    ("GET", "/reporting/static/{folder}/{name}"): PUBLIC,  # its modules and ECharts
    # staff sign-in (lode_reporting.accounts): signing in and the provider's callback need no
    # token; the session's own routes take its cookie, never a token; accounts are the admin's
    ("POST", "/reporting/v1/session"): PUBLIC,
    ("GET", "/reporting/v1/session"): COOKIE,
    ("DELETE", "/reporting/v1/session"): PUBLIC,  # signing out without a session: 204
    ("POST", "/reporting/v1/session/token"): COOKIE,
    ("POST", "/reporting/v1/session/password"): COOKIE,
    ("GET", "/reporting/v1/session/providers"): PUBLIC,
    ("GET", "/reporting/v1/session/oidc"): PUBLIC,  # 404 while OIDC is off
    ("GET", "/reporting/v1/session/oidc/callback"): PUBLIC,
    ("GET", "/reporting/v1/accounts"): roles(ADMIN),
    ("POST", "/reporting/v1/accounts"): roles(ADMIN),
    ("GET", "/reporting/v1/accounts/{username}"): roles(ADMIN),
    ("PATCH", "/reporting/v1/accounts/{username}"): roles(ADMIN),
    # the workbench and public pages and their built files: public, hold no data (the
    # workbench asks for a sign-in itself)
    ("GET", "/workbench"): PUBLIC,
    ("GET", "/workbench/"): PUBLIC,
    ("GET", "/public"): PUBLIC,
    ("GET", "/public/"): PUBLIC,
    ("GET", "/reporting/app/assets/{name}"): PUBLIC,
    # the public disclosure API (信息公示): open data from read models, rate-limited
    ("GET", "/public/v1/summary"): PUBLIC,
    ("GET", "/public/v1/licences"): PUBLIC,
    ("GET", "/public/v1/licences/map"): PUBLIC,
    ("GET", "/public/v1/decisions"): PUBLIC,
    ("GET", "/public/v1/grants"): PUBLIC,
    ("GET", "/public/v1/abnormal-list"): PUBLIC,
    ("GET", "/public/v1/inspections"): PUBLIC,
}


ENDLESS: frozenset[Route] = frozenset({("GET", "/reporting/v1/stream")})
"""Routes that answer a request accepting them with a stream that never ends (SSE): the
matrix asks them for JSON instead, which they refuse with 406 once the caller is let in."""


class Owned(NamedTuple):
    """How enterprise ownership shows on a route: ``item`` (one of A's things by id),
    ``list`` (a list filtered to the caller's own) or ``create`` (acting for an
    enterprise); ``what`` is the kind of data (``application``, ``licence``, or ``mine``:
    a licence as monitoring knows it)."""

    kind: Literal["item", "list", "create"]
    what: Literal["application", "licence", "mine"]


# Routes a ``mine`` token may call on data an enterprise owns.
OWNED: dict[Route, Owned] = {
    ("POST", "/licensing/v1/applications"): Owned("create", "application"),
    ("GET", "/licensing/v1/applications"): Owned("list", "application"),
    ("GET", "/licensing/v1/applications/{application_id}"): Owned("item", "application"),
    ("POST", "/licensing/v1/applications/{application_id}/withdraw"): Owned("item", "application"),
    ("GET", "/licensing/v1/licences"): Owned("list", "licence"),
    ("GET", "/licensing/v1/licences/{licence_no}"): Owned("item", "licence"),
    ("GET", "/monitoring/v1/mines"): Owned("list", "mine"),
    ("GET", "/monitoring/v1/mines/{licence_no}"): Owned("item", "mine"),
}

# Routes a ``mine`` token may call on enterprise-owned data whose ownership is proven by
# another test with real data of two enterprises (named here, so it cannot go unchecked).
OWNED_ELSEWHERE: dict[Route, str] = (
    {
        route: "services/monitoring/tests/integration/test_reports.py::"
        "test_another_enterprises_licence_is_403_and_idempotency_holds"
        for route in [
            ("POST", "/monitoring/v1/reports"),
            ("PUT", "/monitoring/v1/reports/{report_id}"),
            ("GET", "/monitoring/v1/reports"),
            ("GET", "/monitoring/v1/reports/{report_id}"),
            ("GET", "/monitoring/v1/findings"),
        ]
    }
    | {
        ("POST", "/monitoring/v1/exploration-results"): (
            "services/monitoring/tests/integration/test_progress_and_deadlines.py::"
            "test_exploration_results_by_staff_and_not_for_others_licences"
        )
    }
    | {
        route: "services/monitoring/tests/integration/test_reserves.py::"
        "test_who_may_file_read_and_correct"
        for route in [
            ("POST", "/monitoring/v1/reserves-reports"),
            ("PUT", "/monitoring/v1/reserves-reports/{report_id}"),
            ("GET", "/monitoring/v1/reserves-reports"),
            ("GET", "/monitoring/v1/reserves-reports/{report_id}"),
        ]
    }
    | {
        route: "services/monitoring/tests/integration/test_supervision.py::"
        "test_a_draw_an_inspection_and_the_lists"
        for route in [
            ("GET", "/monitoring/v1/inspections"),
            ("GET", "/monitoring/v1/inspections/{inspection_id}"),
            ("GET", "/monitoring/v1/abnormal-list"),
        ]
    }
    | {
        route: "services/monitoring/tests/integration/test_rectification.py::"
        "test_an_order_is_verified_by_another_inspector_goes_overdue_once_and_closes"
        for route in [
            ("GET", "/monitoring/v1/rectifications"),
            ("GET", "/monitoring/v1/rectifications/{order_id}"),
        ]
    }
)

# Query parameters of OWNED lists that name an enterprise: B asking for A's gets nothing.
QUERY_FILTERS: dict[Route, tuple[str, ...]] = {
    ("GET", "/licensing/v1/licences"): ("holder",),
    ("GET", "/monitoring/v1/mines"): ("holder",),
}

# Routes a ``mine`` token may call that carry no enterprise-owned data, and why.
NOT_OWNED_REASON: dict[Route, str] = {
    ("GET", "/monitoring/v1/projects/{project_id}/progress"): (
        "the plan's projects are the bureau's, owned by no enterprise"
    ),
    ("GET", "/zoning/v1/plans"): "the plan is public planning data, owned by no enterprise",
    ("GET", "/zoning/v1/plans/{plan_id}"): "the plan is public planning data",
    ("GET", "/zoning/v1/plans/{plan_id}/versions"): "the plan's versions are public",
    ("GET", "/zoning/v1/plans/{plan_id}/versions/{version}"): "the plan's versions are public",
    ("GET", "/zoning/v1/plans/{plan_id}/diff"): "the plan's versions are public",
    ("GET", "/zoning/v1/zones"): "zones and planning blocks are plan data, not an enterprise's",
    ("GET", "/zoning/v1/zones/export"): "zones are plan data",
    ("GET", "/zoning/v1/zones/{zone_id}"): "zones are plan data",
    ("GET", "/zoning/v1/zones/{zone_id}/history"): "zones are plan data",
    ("POST", "/zoning/v1/analysis"): (
        "stores nothing and reads the plan's zones; the licences an area overlaps are named "
        "on purpose (API.md: licence_no, overlap_ha), but not their holders: see "
        "test_a_mines_analysis_does_not_name_other_enterprises_as_holders"
    ),
}

# (route, caller) cases whose answer is wrong today: strict xfail, with the reason.
KNOWN_WRONG: dict[tuple[Route, str], str] = {}

# Plausible values that name nothing, for the path parameters of the apps.
PATH_VALUES: dict[str, str] = {
    "username": "no.such.officer",
    "dead_letter_id": "987654",
    "plan_id": "no-such-plan-2099",
    "version": "987",
    "zone_id": "00000000-0000-4000-8000-000000000000",
    "application_id": "00000000-0000-4000-8000-000000000001",
    "licence_no": "C0000000000000000000000",
    "action": "suspend",
    "credit_code": with_check_character("91130881MA0X00009"),  # valid, nobody's
    "key_id": "00000000-0000-4000-8000-000000000002",
    "grant_id": "00000000-0000-4000-8000-000000000003",
    "order_id": "00000000-0000-4000-8000-000000000004",
    "draw_id": "00000000-0000-4000-8000-000000000005",
    "inspection_id": "00000000-0000-4000-8000-000000000006",
    "inspector_id": "no-such-inspector",
}

ENTERPRISE_A = "91130881MA0A000007"
ENTERPRISE_B = with_check_character("91130881MA0B00002")
PROVINCE_SECRET = "test-province-secret-0123456789abcdef-0123"
OTHER_JWT_SECRET = "someone-elses-jwt-secret-0123456789abcdef-01"
LICENCE_NO = "C1308812026017120000777"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


# --- the callers -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Caller:
    """A kind of caller: ``roles`` None means bad or missing credentials (401 expected)."""

    name: str
    roles: frozenset[str] | None
    authorization: Callable[[], str | None]

    def headers(self) -> dict[str, str]:
        value = self.authorization()
        return {"Authorization": value} if value else {}


def _jwt(*role_names: str, enterprise: str | None = None, secret: str = JWT_SECRET) -> str:
    user = f"matrix-{'-'.join(role_names)}" + (f"-{enterprise}" if enterprise else "")
    token = auth.issue_token(secret, user=user, roles=list(role_names), enterprise=enterprise)
    return f"Bearer {token}"


def _expired_admin_jwt() -> str:
    return f"Bearer {auth.issue_token(JWT_SECRET, user='late', roles=[ADMIN], ttl_s=-120)}"


def _role_caller(role: str) -> Caller:
    enterprise = ENTERPRISE_B if role == MINE else None
    return Caller(role, roles(role), lambda: _jwt(role, enterprise=enterprise))


ISSUED_KEY: dict[str, str] = {}
"""The API key the ``lode`` fixture has monitoring issue for enterprise B (``key``), once
every service knows it."""


def _issued_key() -> str:
    return f"Bearer {ISSUED_KEY['key']}"


def _forged_key() -> str:
    """The issued key's prefix with another secret: a known prefix proves nothing."""
    prefix = ISSUED_KEY["key"].split("_")[1]
    return f"Bearer lode_{prefix}_" + "A" * 43


CALLERS: dict[str, Caller] = {
    c.name: c
    for c in [
        Caller("no-token", None, lambda: None),
        Caller("forged", None, lambda: "Bearer forged"),
        Caller("foreign-key", None, lambda: _jwt(ADMIN, secret=OTHER_JWT_SECRET)),
        Caller("expired", None, _expired_admin_jwt),
        Caller("unknown-api-key", None, lambda: "Bearer lode_0badc0de_" + "x" * 43),
        Caller("forged-api-key", None, _forged_key),
        Caller("admin-token", STAFF, lambda: f"Bearer {ADMIN_TOKEN}"),
        Caller("mine-api-key", roles(MINE), _issued_key),
        *(_role_caller(role) for role in sorted(ANY_ROLE)),
    ]
}


def allowed(caller_roles: frozenset[str], access: frozenset[str]) -> bool:
    """The API's rule: a role listed, or admin where any staff role is listed."""
    return bool(caller_roles & access) or (ADMIN in caller_roles and bool(access & STAFF))


# --- the routes the apps serve ---------------------------------------------------------------
SERVED = routes_at_collection()


def _matrix() -> Iterator[Any]:
    for route in sorted(SERVED.keys() | EXPECTED.keys(), key=lambda r: (r[1], r[0])):
        for caller in CALLERS:
            reason = KNOWN_WRONG.get((route, caller))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(route, caller, id=f"{route_id(route)} as {caller}", marks=marks)


# --- the system ------------------------------------------------------------------------------
@dataclass
class Lode:
    system: EmbeddedSystem
    clients: dict[str, httpx.AsyncClient]
    served: dict[Route, Served]

    async def call(
        self,
        route: Route,
        caller: Caller,
        *,
        values: Mapping[str, str] | None = None,
        body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        method, template = route
        served = self.served[route]
        if body is None and method in BODY_METHODS:
            body = {}
        headers = caller.headers()
        if route in ENDLESS:  # past authentication, an Accept it cannot serve ends it (406)
            headers["Accept"] = "application/json"
        return await self.clients[served.service].request(
            method,
            fill(template, served.path_params, values, PATH_VALUES),
            headers=headers,
            json=body,
            params=params,
        )


@pytest.fixture(scope="module")
async def lode(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Lode]:
    with pytest.MonkeyPatch.context() as env:
        # embedded_secrets() takes the admin token and JWT key from the environment
        env.setenv("LODE_ADMIN_TOKEN", ADMIN_TOKEN)
        env.setenv("LODE_JWT_SECRET", JWT_SECRET)
        system = EmbeddedSystem(
            data_dir=tmp_path_factory.mktemp("lode-matrix"),
            port=0,
            demo=False,
            environment="development",
            province_url="",
            province_secret=PROVINCE_SECRET,
            log_json=False,
            log_level="WARNING",
        )
        assert system.secrets.admin_token == ADMIN_TOKEN
        assert system.secrets.jwt_secret == JWT_SECRET
        await system.start()
        clients = {
            name: httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://lode.test"
            )
            for name, app in system.apps.items()
        }
        lode = Lode(system, clients, served_routes(system.apps))
        try:
            await _wait_for_the_plan(lode)
            ISSUED_KEY["key"] = await _issue_key_known_everywhere(lode, ENTERPRISE_B)
            yield lode
        finally:
            for client in clients.values():
                await client.aclose()
            await system.stop()


async def _wait_for_the_plan(lode: Lode) -> None:
    """Licensing answers 503 to a submission until zoning's plan has reached it."""
    officer = CALLERS[OFFICER]
    listing = await lode.call(("GET", "/licensing/v1/applications"), officer)
    assert listing.status_code == 200, listing.text

    async def plan_reached_licensing() -> None:
        r = await lode.call(("POST", "/licensing/v1/applications"), officer, body={})
        assert r.status_code != 503, r.text
        assert r.status_code == 422, r.text  # {} is no application: nothing stored

    await eventually(plan_reached_licensing, timeout_s=60, what="the plan to reach licensing")


async def _issue_key_known_everywhere(lode: Lode, credit_code: str) -> str:
    """A key monitoring issues for ``credit_code``, once every service recognises it (the
    admin-only outbox answers the role ``mine`` 403 instead of the unknown key's 401)."""
    r = await lode.call(
        ("POST", "/monitoring/v1/enterprises/{credit_code}/api-keys"),
        CALLERS["admin-token"],
        values={"credit_code": credit_code},
        body={"label": "authorization matrix"},
    )
    assert r.status_code == 201, r.text
    key: str = r.json()["key"]

    async def known_everywhere() -> None:
        for service, client in lode.clients.items():
            answer = await client.get(
                f"/{service}/v1/admin/outbox", headers={"Authorization": f"Bearer {key}"}
            )
            assert answer.status_code == 403, f"{service}: {answer.status_code} {answer.text}"

    await eventually(known_everywhere, timeout_s=30, what=f"every service to know {key[:13]}…")
    return key


def is_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    content_type = response.headers.get("content-type", "")
    assert content_type.startswith("application/problem+json"), content_type
    body: dict[str, Any] = response.json()
    assert body["status"] == status, body
    for member in ("type", "title", "detail"):
        assert body.get(member), f"problem without {member}: {body}"
    return body


def assert_let_in(route: Route, caller_name: str, response: httpx.Response) -> None:
    """Past authentication and authorization; the request itself may be refused (404, 409,
    422 with the placeholder ids and ``{}`` bodies) but the service must not fail."""
    what = f"{route_id(route)} lets {caller_name} in, yet answered {response.status_code}"
    assert response.status_code not in (401, 403), f"{what}: {response.text[:300]}"
    assert response.status_code < 500, f"{what}: {response.text[:300]}"


# --- the table against the routes ------------------------------------------------------------
def test_the_table_names_every_route_the_apps_serve_and_no_other(lode: Lode) -> None:
    missing = sorted(lode.served.keys() - EXPECTED.keys())
    gone = sorted(EXPECTED.keys() - lode.served.keys())
    assert not missing, (
        "routes served but missing from EXPECTED (add each with the roles that may call it): "
        + ", ".join(map(route_id, missing))
    )
    assert not gone, (
        "EXPECTED names routes that no app serves any more (remove them): "
        + ", ".join(map(route_id, gone))
    )
    assert lode.served.keys() == SERVED.keys(), "the routes changed between collection and run"


def test_the_route_enumeration_sees_every_documented_operation(lode: Lode) -> None:
    """The enumeration must not go quiet (FastAPI 0.137 stopped flattening included
    routers into ``app.routes``): every operation of each OpenAPI document is found."""
    for service, app in lode.system.apps.items():
        documented = {
            (method.upper(), path)
            for path, operations in app.openapi()["paths"].items()
            for method in operations
        }
        found = {r for r, s in lode.served.items() if s.service == service}
        assert documented <= found, f"{service}: not enumerated: {sorted(documented - found)}"
        assert ("GET", f"/{service}/health") in found


def test_the_callers_cover_every_role() -> None:
    assert ANY_ROLE == auth.ROLES, "a role was added or removed: update the table and CALLERS"
    assert auth.STAFF_ROLES == STAFF
    for role in ANY_ROLE:
        assert CALLERS[role].roles == roles(role), f"the caller {role} must hold that role alone"
    assert CALLERS["mine-api-key"].roles == roles(MINE)


def test_every_route_that_lets_a_mine_in_says_whether_it_carries_owned_data() -> None:
    for route, access in EXPECTED.items():
        if isinstance(access, Open) or MINE not in access:
            assert route not in OWNED, f"{route_id(route)} does not allow mine: not OWNED"
            assert route not in NOT_OWNED_REASON, f"{route_id(route)} does not allow mine"
            continue
        places = [route in OWNED, route in NOT_OWNED_REASON, route in OWNED_ELSEWHERE]
        assert places.count(True) == 1, (
            f"{route_id(route)} allows mine: put it in OWNED (it reads or changes an enterprise's "
            "data; the ownership test then covers it), in OWNED_ELSEWHERE (naming the test "
            "that proves it) or in NOT_OWNED_REASON (say why not), in exactly one"
        )
    root = Path(__file__).resolve().parents[2]
    for route, where in OWNED_ELSEWHERE.items():
        file, _, name = where.partition("::")
        assert f"def {name}(" in (root / file).read_text(encoding="utf-8"), (
            f"{route_id(route)}: the test proving its ownership, {where}, does not exist"
        )
    for route in OWNED.keys() | NOT_OWNED_REASON.keys() | OWNED_ELSEWHERE.keys():
        assert route in EXPECTED, f"{route_id(route)} is not in EXPECTED"


# --- the matrix ------------------------------------------------------------------------------
@pytest.mark.parametrize(("route", "caller_name"), list(_matrix()))
async def test_route_access(lode: Lode, route: Route, caller_name: str) -> None:
    assert route in EXPECTED, (
        f"{route_id(route)} is served but not in EXPECTED: add it with the roles that may call it"
    )
    assert route in lode.served, f"EXPECTED names {route_id(route)}, which no app serves: remove it"
    access = EXPECTED[route]
    caller = CALLERS[caller_name]
    response = await lode.call(route, caller)

    if access is PUBLIC:
        assert_let_in(route, caller_name, response)
        return
    if access is COOKIE:
        # no session cookie: refused whatever token comes with it (a token is no session); a
        # body the route cannot read is refused first, naming the field
        if response.status_code == 422:
            is_problem(response, 422)
            return
        body = is_problem(response, 401)
        assert "sign in" in body["detail"].lower() or "登录" in body["detail"], body
        return
    if access is SIGNED:
        # no signature: refused whatever token comes with it (a token is no signature)
        body = is_problem(response, 401)
        assert "sign" in body["detail"].lower(), body
        return
    assert isinstance(access, frozenset)
    if caller.roles is None:
        is_problem(response, 401)
    elif allowed(caller.roles, access):
        assert_let_in(route, caller_name, response)
    else:
        body = is_problem(response, 403)
        named = [role for role in sorted(access) if role in body["detail"]]
        assert named, (
            f"the 403 should name a role that may call {route_id(route)}: {body['detail']}"
        )


# --- the province callback: a signature, not a token ------------------------------------------
CALLBACK: Route = ("POST", "/licensing/v1/province/decisions")


def _signed(
    body: bytes, *, timestamp: int | None = None, secret: str = PROVINCE_SECRET
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "X-Lode-Timestamp": stamp,
        "X-Lode-Signature": f"sha256={digest}",
        "Content-Type": "application/json",
    }


async def test_the_province_callback_lets_a_valid_signature_in_and_nothing_else(
    lode: Lode,
) -> None:
    client = lode.clients["licensing"]
    path = CALLBACK[1]
    body = (
        b'{"application_id": "' + PATH_VALUES["application_id"].encode() + b'", '
        b'"decision": "rejected", "reason": "matrix"}'
    )
    signed = await client.post(path, content=body, headers=_signed(body))
    assert signed.status_code == 404, signed.text  # in, and the application is unknown
    stale = await client.post(path, content=body, headers=_signed(body, timestamp=0))
    is_problem(stale, 401)  # outside the 300 s window
    wrong_key = await client.post(path, content=body, headers=_signed(body, secret="other"))
    is_problem(wrong_key, 401)
    with_admin_token = await client.post(
        path,
        content=body,
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    is_problem(with_admin_token, 401)


# --- someone else's data ---------------------------------------------------------------------
def mining(credit_code: str, *, lon: float = 118.802, lat: float = 41.002) -> dict[str, Any]:
    """A valid mining application (as in licensing's integration builders)."""
    name = f"平泉市示意矿业{credit_code[-4:]}有限公司"
    return iron_mine_application(name, credit_code, square(lon, lat, 0.005))


@dataclass(frozen=True)
class Owner:
    credit_code: str
    token: Caller  # a signed mine token carrying the credit code
    key: Caller  # the enterprise's API key (monitoring issued it; every service knows it)
    applications: tuple[str, ...]  # the first one is still undecided
    licences: tuple[str, ...]

    def ids(self, what: str) -> tuple[str, ...]:
        return self.applications if what == "application" else self.licences

    def credentials(self, service: str) -> tuple[Caller, ...]:
        """A signed mine token and the API key: the same principal on every service."""
        return (self.token, self.key)


@dataclass(frozen=True)
class OwnedData:
    a: Owner
    b: Owner


def _mine_token(credit_code: str) -> Caller:
    return Caller(f"mine-{credit_code}", roles(MINE), lambda: _jwt(MINE, enterprise=credit_code))


async def _api_key(lode: Lode, credit_code: str) -> Caller:
    key = await _issue_key_known_everywhere(lode, credit_code)
    return Caller(f"key-{credit_code}", roles(MINE), lambda: f"Bearer {key}")


async def _eventually_found(lode: Lode, route: Route, values: Mapping[str, str]) -> None:
    async def found() -> None:
        r = await lode.call(route, CALLERS[VIEWER], values=values)
        assert r.status_code == 200, f"{r.status_code} {r.text}"

    await eventually(found, timeout_s=30, what=f"{route_id(route)} {dict(values)} to appear")


@pytest.fixture(scope="module")
async def owned_data(lode: Lode) -> OwnedData:
    """Enterprise A: an application it filed itself (undecided), and a licence issued on an
    application an officer filed for it (monitoring learns it as a mine). Enterprise B: an
    application of its own. Each has a mine token and an API key."""
    submit: Route = ("POST", "/licensing/v1/applications")
    officer = CALLERS[OFFICER]
    token_a, token_b = _mine_token(ENTERPRISE_A), _mine_token(ENTERPRISE_B)

    own = await lode.call(submit, token_a, body=mining(ENTERPRISE_A))
    assert own.status_code == 201, own.text
    filed = await lode.call(submit, officer, body=mining(ENTERPRISE_A, lon=118.822))
    assert filed.status_code == 201, filed.text
    values = {"application_id": filed.json()["id"]}
    if filed.json()["verdict"] == "needs_review":  # outside every planning block
        reviewed = await lode.call(
            ("POST", "/licensing/v1/applications/{application_id}/review"),
            officer,
            values=values,
            body={"outcome": "accept", "reason": "论证报告已审查 (authorization matrix)"},
        )
        assert reviewed.status_code == 200, reviewed.text
    decided = await lode.call(
        ("POST", "/licensing/v1/applications/{application_id}/decision"),
        officer,
        values=values,
        body={
            "decision": "approved",
            "licence_no": LICENCE_NO,
            "valid_from": "2026-01-01",
            "valid_to": "2035-12-31",
            "reason": "本地审批通过 (authorization matrix)",
        },
    )
    assert decided.status_code == 200, decided.text
    theirs = await lode.call(submit, token_b, body=mining(ENTERPRISE_B, lon=118.862))
    assert theirs.status_code == 201, theirs.text
    await _eventually_found(
        lode, ("GET", "/monitoring/v1/mines/{licence_no}"), {"licence_no": LICENCE_NO}
    )
    return OwnedData(
        a=Owner(
            ENTERPRISE_A,
            token_a,
            await _api_key(lode, ENTERPRISE_A),
            (own.json()["id"], values["application_id"]),
            (LICENCE_NO,),
        ),
        b=Owner(
            ENTERPRISE_B, token_b, await _api_key(lode, ENTERPRISE_B), (theirs.json()["id"],), ()
        ),
    )


def _listed(response: httpx.Response, what: str) -> dict[str, str]:
    """id -> owner's credit code, for every item of a list answer."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"]), body  # all on one page here
    key, owner = ("id", "applicant") if what == "application" else ("licence_no", "holder")
    return {item[key]: item[owner]["credit_code"] for item in body["items"]}


@pytest.mark.parametrize("route", sorted(OWNED), ids=route_id)
async def test_a_mine_sees_and_touches_only_its_own_enterprises_data(
    lode: Lode, owned_data: OwnedData, route: Route
) -> None:
    kind, what = OWNED[route]
    a, b = owned_data.a, owned_data.b
    service = lode.served[route].service
    name = next(iter(lode.served[route].path_params), "")

    if kind == "item":
        # a read on each of A's; a change once, on A's own application (still undecided):
        # A's next credential finds it changed already (409 with its state), but not 401/403
        changes = route[0] != "GET"
        items = a.ids(what)[:1] if changes else a.ids(what)
        for item in items:
            changed = False
            for theirs, own in zip(b.credentials(service), a.credentials(service), strict=True):
                refused = is_problem(await lode.call(route, theirs, values={name: item}), 403)
                assert a.credit_code not in refused["detail"], refused
                mine = await lode.call(route, own, values={name: item})
                what_happened = f"{own.name} on its {what} {item}: {mine.text[:300]}"
                if changed:
                    assert mine.status_code in (200, 409), what_happened
                else:
                    assert mine.status_code == 200, what_happened
                changed = changes
        return

    if kind == "list":
        staff = _listed(await lode.call(route, CALLERS[VIEWER]), what)
        assert set(a.ids(what)) | set(b.ids(what)) <= set(staff), staff
        for theirs in b.credentials(service):
            seen_by_b = _listed(await lode.call(route, theirs), what)
            assert not set(seen_by_b) & set(a.ids(what)), f"{theirs.name} sees A's: {seen_by_b}"
            assert set(seen_by_b) == set(b.ids(what)), seen_by_b
            assert set(seen_by_b.values()) <= {b.credit_code}, seen_by_b
            for parameter in QUERY_FILTERS.get(route, ()):  # asking for A's changes nothing
                asked = await lode.call(route, theirs, params={parameter: a.credit_code})
                assert _listed(asked, what) == {}, asked.text
        for own in a.credentials(service):
            seen_by_a = _listed(await lode.call(route, own), what)
            assert set(a.ids(what)) <= set(seen_by_a), seen_by_a
            assert set(seen_by_a.values()) == {a.credit_code}, seen_by_a
        return

    assert kind == "create"
    listing: Route = ("GET", "/licensing/v1/applications")
    before = _listed(await lode.call(listing, CALLERS[VIEWER]), what)
    is_problem(await lode.call(route, b.token, body=mining(a.credit_code, lon=118.882)), 403)
    after = _listed(await lode.call(listing, CALLERS[VIEWER]), what)
    assert after == before, "B's refused application for A must not be stored"
    accepted = await lode.call(route, a.token, body=mining(a.credit_code, lon=118.902))
    assert accepted.status_code == 201, accepted.text


ANALYSIS: Route = ("POST", "/zoning/v1/analysis")
A_LICENCE_AREA = square(118.822, 41.002, 0.005)  # where A's licence was drawn


async def test_a_mines_analysis_names_the_licences_its_area_overlaps(
    lode: Lode, owned_data: OwnedData
) -> None:
    """By design (API.md): an applicant learns which licences its area would overlap."""
    r = await lode.call(ANALYSIS, owned_data.b.token, body={"geometry": A_LICENCE_AREA})
    assert r.status_code == 200, r.text
    assert [hit["licence_no"] for hit in r.json()["licences"]] == [LICENCE_NO]


async def test_a_mines_analysis_does_not_name_other_enterprises_as_holders(
    lode: Lode, owned_data: OwnedData
) -> None:
    b = owned_data.b
    r = await lode.call(ANALYSIS, b.token, body={"geometry": A_LICENCE_AREA})
    assert r.status_code == 200, r.text
    holders = {hit.get("holder_credit_code") for hit in r.json()["licences"]}
    assert holders <= {None, b.credit_code}, f"B's analysis names the holders {holders}"
