"""Hostile input at every route of the four apps, on both runtimes (SQLite + in-process bus,
PostgreSQL + the Kafka-protocol broker): never a 5xx, never a 2xx for nonsense, and every
4xx an ``application/problem+json`` with a ``detail``; afterwards nothing nonsensical is
stored.

The routes are enumerated from the apps (``fastapi.routing.iter_route_contexts``, as the
authorization matrix does), so a new route is covered without anyone remembering to:

* every write route (POST/PUT/PATCH/DELETE) gets bodies that are no request at all
  (:func:`hostile.whole_bodies`: integers past Python's 4,300-digit limit, nesting 100,000
  deep, an array/string/number/null at the top, 1e308 and 1e400, NaN/Infinity, broken and
  non-UTF-8 JSON), and one-field mutations of a valid example body
  (:func:`hostile.mutations`: NUL or U+202E in a string, 300,000 characters, 1e308/1e400/
  NaN/Infinity/a 4,400-digit integer or "12" for a number, "yes" for a boolean, an
  unknown field). The route's example must be in ``EXAMPLES`` — a new write route fails
  ``test_every_write_route_has_an_example`` until one is added — and the example itself
  must be accepted, so the mutations are measured against a body that is valid. A route
  that reads no body (``NO_BODY``) must not fail on one (no 5xx; a 4xx is a problem) but
  may ignore it;
* every path and query parameter of every route (GET included) gets 20,000 characters, a
  NUL, a U+202E, 447572218761, 10**30 and negative numbers;
* then the lists (applications, licences, zones, plan versions, reports, findings, mines,
  keys, progress, the dashboard's data) are read through the API and must hold no NUL,
  U+202E, 300,000-character string, number past 1e300 or the mutations' unknown field.

Every request is made by a caller the route lets in (the admin token, which holds every
staff role; the province callback correctly signed), so the body is what is judged.

How to extend when a write route is added: add its example to ``EXAMPLES`` (a body the
route accepts, built from the objects ``_make`` creates; ``NO_BODY`` for a route that
reads none) and, if its path needs an existing object, create one in ``_make``.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lode_common.credit_code import with_check_character
from lode_common.testing import eventually
from lode_common.testing.apps import ADMIN_TOKEN, ServiceUnderTest, services_under_test
from lode_common.testing.examples import (
    AGREEMENT_REVIEW,
    PLAN,
    iron_mine_application,
    mining_block,
    square,
)
from lode_common.testing.plugin import BACKENDS, backend_services
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.domain.province import sign
from lode_licensing.settings import LicensingSettings
from lode_monitoring.bootstrap import build as build_monitoring
from lode_monitoring.settings import MonitoringSettings
from lode_reporting.bootstrap import build as build_reporting
from lode_reporting.settings import ReportingSettings
from lode_zoning.bootstrap import build as build_zoning
from lode_zoning.settings import ZoningSettings

from . import hostile
from .routes import Route, fill, route_id, routes_at_collection

pytestmark = pytest.mark.timeout(900)

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROVINCE_SECRET = "hostile-province-secret-0123456789abcdef-0123"
CALLBACK: Route = ("POST", "/licensing/v1/province/decisions")
ENTERPRISE = "91130881MA0A000007"
STREAMS = frozenset({("GET", "/reporting/v1/stream")})
"""Routes that answer with an endless stream: their (absent) parameters are not called."""


# --- the routes ------------------------------------------------------------------------------
SERVED = routes_at_collection()
WRITE_ROUTES = sorted((r for r in SERVED if r[0] in WRITE_METHODS), key=lambda r: (r[1], r[0]))
PARAM_ROUTES = sorted(
    (r for r, s in SERVED.items() if (s.path_params or s.query_params) and r not in STREAMS),
    key=lambda r: (r[1], r[0]),
)


# --- the objects the examples act on --------------------------------------------------------
LICENCE_SUSPEND = "C1308812021017120000101"
LICENCE_GREEN = "C1308812021017120000102"
LICENCE_DECIDED = "C1308812026017120000103"
LICENCE_LISTED = "C1308812021017120000104"  # another enterprise's: put on the lists
ENTERPRISE_LISTED = with_check_character("91130881MA0H00003")
BLOCK_AT = (118.60, 40.80)  # the mining block the applications are drawn in
OTHER_BLOCK_AT = (118.76, 40.80)  # the block of the other enterprise (one holder per block)
NEEDS_REVIEW_AT = (118.90, 41.10)  # outside every planning block


@dataclass
class Made:
    """Ids of the objects ``_make`` created for the examples to act on."""

    plan_document: dict[str, Any] = field(default_factory=dict)
    zone_to_change: str = ""
    zone_to_retire: str = ""
    application_to_review: str = ""
    application_to_decide: str = ""
    application_to_withdraw: str = ""
    application_undecided: str = ""
    report_to_correct: str = ""
    reserves_to_correct: str = ""
    finding_to_close: str = ""
    key_to_revoke: str = ""
    proposal_to_edit: str = ""
    proposal_to_submit: str = ""
    proposal_to_withdraw: str = ""
    proposal_to_approve: str = ""
    proposal_to_reject: str = ""
    grant_to_announce: str = ""
    grant_to_cancel: str = ""
    grant_announced: str = ""
    grant_to_conclude: str = ""
    grant_to_contract: str = ""
    inspectors: list[str] = field(default_factory=list)
    finding_to_order: str = ""
    order_to_verify: str = ""
    not_made: list[str] = field(default_factory=list)


def _zone(code: str, lon: float, lat: float = 40.75) -> dict[str, Any]:
    return mining_block(code, f"示意{code}", square(lon, lat, 0.02))


def _application(
    lon: float, lat: float = BLOCK_AT[1] + 0.01, credit_code: str = ENTERPRISE
) -> dict[str, Any]:
    return iron_mine_application("平泉市示意矿业有限公司", credit_code, square(lon, lat, 0.005))


def _inspection(made: Made, licence_no: str = LICENCE_GREEN, **item: Any) -> dict[str, Any]:
    """A non-compliant inspection (检查) of ``licence_no`` by the first two inspectors: the
    output found above what was filed."""
    return {
        "licence_no": licence_no,
        "inspected_on": "2026-11-20",
        "inspectors": made.inspectors[:2],
        "items": [{"item": "output", "filed": 11.0, "found": 14.5, "ok": False, **item}],
        "result": "non_compliant",
        "note": "实地核查产量与填报不符（示意）",
    }


def _report(year: int, **changes: Any) -> dict[str, Any]:
    return {
        "licence_no": LICENCE_GREEN,
        "year": year,
        "period": "annual",
        "ore_mined_10kt": 11.0,
        "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": 3.2}],
        "mining_recovery_pct": 91.0,
        "processing_recovery_pct": 92.0,
        "comprehensive_utilization_pct": 35.0,
        "disturbed_area_ha": 3.0,
        "restored_area_ha": 1.2,
        "output_value_cny_10k": 2400,
        **changes,
    }


def _reserves(year: int, **changes: Any) -> dict[str, Any]:
    """A balanced reserves report (储量年报): 300 − 11 − 1.1 + 0 + 0 = 287.9."""
    return {
        "licence_no": LICENCE_GREEN,
        "year": year,
        "mineral": "铁矿",
        "opening_10kt": 300,
        "extracted_10kt": 11.0,
        "lost_10kt": 1.1,
        "new_proven_10kt": 0,
        "recalculated_10kt": 0,
        "closing_10kt": 287.9,
        **changes,
    }


OTHER_PLAN = "hostile-other-plan"


def _other_plan(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` as the document of :data:`OTHER_PLAN` (a plan approved elsewhere)."""
    return {**document, "plan": {**document["plan"], "id": OTHER_PLAN}}


def _proposal(document: dict[str, Any], reason: str = "重大发现（示意）") -> dict[str, Any]:
    return {"document": document, "grounds": "major_discovery", "reason": reason}


def _approval(licence_no: str, valid_from: str, valid_to: str) -> dict[str, Any]:
    return {
        "decision": "approved",
        "licence_no": licence_no,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "reason": "本地审批通过（示意）",
    }


def _grant(n: int) -> dict[str, Any]:
    """A listing (挂牌) of an iron mining right in the mining block, the n-th of the examples'."""
    return {
        "year": 2026,
        "right_type": "mining",
        "mineral": "铁矿",
        "method": "listing",
        "area": {"geometry": square(BLOCK_AT[0] + 0.02 * n, BLOCK_AT[1] + 0.05, 0.005)},
        "mining_method": "underground",
        "capacity": {"value": 30, "unit": "万吨/年"},
        "reserves_10kt": 1200,
        "term_years": 10,
        "starting_price_cny_10k": 1000,
        "reserve_price_cny_10k": 1500,
        "clean_grant": True,
    }


# An announcement across the 2026 Spring Festival: 20 working days from 2 February to the
# trade on 9 March, a listing's 10 working days to 20 March, the result's publicity to 7 April.
ANNOUNCEMENT = {
    "announced_on": "2026-02-02",
    "trade_from": "2026-03-09",
    "trade_to": "2026-03-20",
    "review_note": "规模由竞得人开发利用方案确定（示意）",
}
CONCLUSION = {"concluded_on": "2026-03-23"}


def _bid(amount: int, credit_code: str = ENTERPRISE) -> dict[str, Any]:
    return {
        "bidder": {"name": "平泉市示意竞买矿业有限公司", "credit_code": credit_code},
        "amount_cny_10k": amount,
        "at": "2026-03-10T10:00:00+08:00",
    }


class _NoBody:
    def __repr__(self) -> str:
        return "NO_BODY"


NO_BODY = _NoBody()
"""The route reads no body: hostile bodies must not make it fail, but it may ignore them."""


@dataclass(frozen=True)
class Example:
    """A body the route accepts (``body(made)``) and the path values it is sent to."""

    body: Callable[[Made], Any] | _NoBody
    path: Callable[[Made], dict[str, str]] = lambda _: {}
    refused_because: str = ""
    """Why the example itself is not accepted (2xx) here, when it cannot be."""
    legitimate: Mapping[str, str] = field(default_factory=dict)
    """Whole-body cases the route may accept, with the reason."""
    query: Mapping[str, str] = field(default_factory=dict)
    """Query parameters the example is sent with (a direct publication's approval_ref)."""
    sampled: frozenset[str] = frozenset()
    """Top-level fields holding a model another route's example mutates whole (the plan
    document, mutated field by field on ``PUT /zoning/v1/plans/{plan_id}``): sampled here
    (:func:`hostile.mutations`)."""


DOCUMENT = frozenset({"document"})


EXAMPLES: dict[Route, Example] = {
    # zoning
    # another plan than PLAN, so publishing it leaves the proposals below on their base version
    ("PUT", "/zoning/v1/plans/{plan_id}"): Example(
        lambda m: _other_plan(m.plan_document),
        lambda _: {"plan_id": OTHER_PLAN},
        query={"approval_ref": "承自然资规〔2026〕1号（示意）"},
    ),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals"): Example(
        lambda m: _proposal(m.plan_document), lambda _: {"plan_id": PLAN}, sampled=DOCUMENT
    ),
    ("PUT", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}"): Example(
        lambda m: _proposal(m.plan_document, reason="补充论证后修改（示意）"),
        lambda m: {"plan_id": PLAN, "proposal_id": m.proposal_to_edit},
        sampled=DOCUMENT,
    ),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/submit"): Example(
        NO_BODY, lambda m: {"plan_id": PLAN, "proposal_id": m.proposal_to_submit}
    ),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/withdraw"): Example(
        NO_BODY, lambda m: {"plan_id": PLAN, "proposal_id": m.proposal_to_withdraw}
    ),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/approve"): Example(
        lambda _: {"approval_ref": "承自然资规〔2026〕2号（示意）", "approved_on": "2026-12-01"},
        lambda m: {"plan_id": PLAN, "proposal_id": m.proposal_to_approve},
    ),
    ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/reject"): Example(
        lambda _: {"reason": "依据不足，不予批准（示意）"},
        lambda m: {"plan_id": PLAN, "proposal_id": m.proposal_to_reject},
    ),
    ("POST", "/zoning/v1/zones"): Example(lambda _: _zone("H-NEW", 118.40)),
    ("PUT", "/zoning/v1/zones/{zone_id}"): Example(
        lambda _: {"properties": {"name_zh": "示意H-PUT（更名）"}, "reason": "区块更名"},
        lambda m: {"zone_id": m.zone_to_change},
    ),
    ("POST", "/zoning/v1/zones/{zone_id}/retire"): Example(
        lambda _: {"reason": "规划调整"}, lambda m: {"zone_id": m.zone_to_retire}
    ),
    ("POST", "/zoning/v1/zones/import"): Example(
        lambda _: {"type": "FeatureCollection", "features": [_zone("H-IMP", 118.45)]}
    ),
    ("POST", "/zoning/v1/analysis"): Example(
        lambda _: {"geometry": square(BLOCK_AT[0], BLOCK_AT[1], 0.01)}
    ),
    # licensing
    ("POST", "/licensing/v1/applications"): Example(lambda _: _application(BLOCK_AT[0] + 0.11)),
    ("POST", "/licensing/v1/plan-impact"): Example(
        lambda m: {
            "proposal_id": "00000000-0000-4000-8000-000000000005",
            "document": m.plan_document,
        },
        sampled=DOCUMENT,
    ),
    ("POST", "/licensing/v1/grants"): Example(lambda _: _grant(1)),
    ("POST", "/licensing/v1/grants/{grant_id}/announce"): Example(
        lambda _: ANNOUNCEMENT, lambda m: {"grant_id": m.grant_to_announce}
    ),
    ("POST", "/licensing/v1/grants/{grant_id}/bids"): Example(
        lambda _: _bid(1600), lambda m: {"grant_id": m.grant_announced}
    ),
    ("POST", "/licensing/v1/grants/{grant_id}/conclude"): Example(
        lambda _: CONCLUSION, lambda m: {"grant_id": m.grant_to_conclude}
    ),
    ("POST", "/licensing/v1/grants/{grant_id}/contract"): Example(
        lambda _: {
            "signed_on": "2026-04-07",
            "contract_ref": "平自然资出让〔2026〕1号（示意）",
            "instalments": [
                {"due": "2026-05-01", "amount_cny_10k": 1000},
                {"due": "2027-05-01", "amount_cny_10k": 600},
            ],
        },
        lambda m: {"grant_id": m.grant_to_contract},
    ),
    ("POST", "/licensing/v1/grants/{grant_id}/cancel"): Example(
        lambda _: {"reason": "年度出让计划调整（示意）"}, lambda m: {"grant_id": m.grant_to_cancel}
    ),
    ("POST", "/licensing/v1/applications/{application_id}/review"): Example(
        lambda _: {"outcome": "accept", "reason": "论证报告已审查（示意）"},
        lambda m: {"application_id": m.application_to_review},
    ),
    ("POST", "/licensing/v1/applications/{application_id}/forward"): Example(
        NO_BODY,
        lambda m: {"application_id": m.application_undecided},
        refused_because="no province platform is configured: 409 says to enter the decision",
    ),
    ("POST", "/licensing/v1/applications/{application_id}/decision"): Example(
        lambda _: _approval(LICENCE_DECIDED, "2026-01-01", "2035-12-31"),
        lambda m: {"application_id": m.application_to_decide},
    ),
    ("POST", "/licensing/v1/applications/{application_id}/withdraw"): Example(
        lambda _: {"reason": "企业撤回申请（示意）"},
        lambda m: {"application_id": m.application_to_withdraw},
    ),
    ("POST", "/licensing/v1/licences/{licence_no}/{action}"): Example(
        lambda _: {"reason": "安全检查不合格，暂扣（示意）"},
        lambda _: {"licence_no": LICENCE_SUSPEND, "action": "suspend"},
    ),
    ("PUT", "/licensing/v1/licences/{licence_no}/green-mine"): Example(
        lambda _: {
            "green_mine": True,
            "list_ref": "河北省绿色矿山名录（2023年）",
            "note": "列入名录（示意）",
        },
        lambda _: {"licence_no": LICENCE_GREEN},
    ),
    ("POST", "/licensing/v1/licences/{licence_no}/closure-report"): Example(
        lambda _: {"received_on": "2025-06-01", "reference": "平自然资闭〔2025〕1号（示意）"},
        lambda _: {"licence_no": LICENCE_GREEN},
    ),
    ("POST", "/licensing/v1/licences/{licence_no}/restoration-acceptance"): Example(
        lambda _: {"accepted_on": "2025-07-01", "reference": "平自然资验〔2025〕2号（示意）"},
        lambda _: {"licence_no": LICENCE_GREEN},
    ),
    CALLBACK: Example(
        lambda m: {
            "application_id": m.application_undecided,
            "decision": "rejected",
            "reason": "省级平台不予批准（示意）",
        },
        refused_because="the application was never forwarded to the province: 409",
    ),
    ("POST", "/licensing/v1/admin/dead-letters/{dead_letter_id}/redrive"): Example(
        NO_BODY, lambda _: {"dead_letter_id": "987654"}, refused_because="no dead letter: 404"
    ),
    # monitoring
    ("POST", "/monitoring/v1/enterprises/{credit_code}/api-keys"): Example(
        lambda _: {"label": "年报系统 2025"},
        lambda _: {"credit_code": ENTERPRISE},
        legitimate={
            "not JSON: empty": "the body is optional: no body issues a key without a label",
            "top level: null": "the body is optional: null is no body",
        },
    ),
    ("DELETE", "/monitoring/v1/enterprises/{credit_code}/api-keys/{key_id}"): Example(
        NO_BODY, lambda m: {"credit_code": ENTERPRISE, "key_id": m.key_to_revoke}
    ),
    ("POST", "/monitoring/v1/reports"): Example(lambda _: _report(2023)),
    ("PUT", "/monitoring/v1/reports/{report_id}"): Example(
        lambda _: {"mining_recovery_pct": 90.5, "reason": "录入错误更正（示意）"},
        lambda m: {"report_id": m.report_to_correct},
    ),
    ("POST", "/monitoring/v1/findings/{finding_id}/close"): Example(
        lambda _: {"note": "已完成整改（示意）"}, lambda m: {"finding_id": m.finding_to_close}
    ),
    ("POST", "/monitoring/v1/exploration-results"): Example(
        lambda _: {
            "licence_no": None,
            "year": 2023,
            "mineral": "钼矿",
            "new_resources_ore_10kt": 120,
        }
    ),
    ("POST", "/monitoring/v1/projects/{project_id}/progress"): Example(
        lambda _: {
            "year": 2022,
            "restored_area_ha": 12.5,
            "site": "平泉县齐盛矿业有限公司迹地（示意）",
        },
        lambda _: {"project_id": "abandoned_mine_restoration"},
    ),
    ("POST", "/monitoring/v1/reserves-reports"): Example(lambda _: _reserves(2023)),
    ("PUT", "/monitoring/v1/reserves-reports/{report_id}"): Example(
        lambda _: {"lost_10kt": 1.0, "closing_10kt": 288.0, "reason": "损失量更正（示意）"},
        lambda m: {"report_id": m.reserves_to_correct},
    ),
    # monitoring: supervision (监督检查)
    ("POST", "/monitoring/v1/inspectors"): Example(
        lambda _: {"name": "示意检查员丁", "subject": "inspector-ding", "active": True}
    ),
    ("POST", "/monitoring/v1/inspectors/{inspector_id}/relations"): Example(
        lambda _: {"credit_code": ENTERPRISE_LISTED, "relation": "曾在该企业任职（示意）"},
        lambda m: {"inspector_id": m.inspectors[2]},
    ),
    ("POST", "/monitoring/v1/inspection-draws"): Example(
        lambda _: {"year": 2026, "ratio_pct": 50, "seed": "hostile-draw"}
    ),
    ("POST", "/monitoring/v1/inspections"): Example(_inspection),
    ("POST", "/monitoring/v1/rectifications"): Example(
        lambda m: {
            "licence_no": LICENCE_GREEN,
            "finding_ids": [m.finding_to_order],
            "due": "2099-12-31",
            "requirement": "按实际产量更正年报并说明原因（示意）",
        }
    ),
    ("POST", "/monitoring/v1/rectifications/{order_id}/verify"): Example(
        lambda _: {"outcome": "not_done", "note": "尚未更正（示意）"},
        lambda m: {"order_id": m.order_to_verify},
    ),
    ("POST", "/monitoring/v1/abnormal-list/{credit_code}/release"): Example(
        lambda _: {"reason": "已更正虚假填报（示意）"},
        lambda _: {"credit_code": ENTERPRISE_LISTED},
    ),
    ("POST", "/monitoring/v1/serious-violations"): Example(
        lambda _: {"credit_code": ENTERPRISE_LISTED, "reason": "严重违法（示意）", "term_years": 3}
    ),
    ("POST", "/monitoring/v1/admin/dead-letters/{dead_letter_id}/redrive"): Example(
        NO_BODY, lambda _: {"dead_letter_id": "987654"}, refused_because="no dead letter: 404"
    ),
    # zoning and reporting operations
    ("POST", "/zoning/v1/admin/dead-letters/{dead_letter_id}/redrive"): Example(
        NO_BODY, lambda _: {"dead_letter_id": "987654"}, refused_because="no dead letter: 404"
    ),
    ("POST", "/reporting/v1/admin/dead-letters/{dead_letter_id}/redrive"): Example(
        NO_BODY, lambda _: {"dead_letter_id": "987654"}, refused_because="no dead letter: 404"
    ),
    # staff sign-in (reporting): accounts, the session (no cookie here: refused, never a 500)
    ("POST", "/reporting/v1/accounts"): Example(
        lambda _: {
            "username": "hostile.officer",
            "display_name": "示意",
            "roles": ["viewer"],
            "password": "a long password 1",
        }
    ),
    ("PATCH", "/reporting/v1/accounts/{username}"): Example(
        lambda _: {"display_name": "示意科员", "roles": ["viewer"]},
        lambda _: {"username": "no.such.officer"},
        refused_because="no such account: 404",
    ),
    ("POST", "/reporting/v1/session"): Example(
        lambda _: {"username": "nobody.here", "password": "whatever123"},
        refused_because="no such account: 401",
    ),
    ("POST", "/reporting/v1/session/password"): Example(
        lambda _: {"current_password": "x" * 10, "new_password": "y" * 12},
        refused_because="no session cookie: 401",
    ),
    ("POST", "/reporting/v1/session/token"): Example(
        NO_BODY, refused_because="no session cookie: 401"
    ),
    ("DELETE", "/reporting/v1/session"): Example(NO_BODY),
}

CONTENT_TYPES: dict[Route, tuple[str, dict[str, bytes]]] = {
    ("PUT", "/zoning/v1/plans/{plan_id}"): ("application/yaml", hostile.YAML_BODIES),
    ("POST", "/zoning/v1/zones/import"): ("application/zip", hostile.ZIP_BODIES),
}
"""Routes that read another content type too, and the hostile bodies sent as that type."""

# Plausible values for the path parameters of the parameter test (others are fuzzed).
PATH_VALUES: dict[str, str] = {
    "dead_letter_id": "987654",
    "plan_id": PLAN,
    "version": "1",
    "zone_id": "00000000-0000-4000-8000-000000000000",
    "application_id": "00000000-0000-4000-8000-000000000001",
    "licence_no": LICENCE_GREEN,
    "action": "suspend",
    "credit_code": ENTERPRISE,
    "key_id": "00000000-0000-4000-8000-000000000002",
    "report_id": "00000000-0000-4000-8000-000000000003",
    "finding_id": "00000000-0000-4000-8000-000000000004",
    "proposal_id": "00000000-0000-4000-8000-000000000005",
    "order_id": "00000000-0000-4000-8000-000000000006",
    "draw_id": "00000000-0000-4000-8000-000000000007",
    "inspection_id": "00000000-0000-4000-8000-000000000008",
    "inspector_id": "hostile-inspector-1",
    "project_id": "abandoned_mine_restoration",
    "indicator_id": "x",
    "year": "2023",
    "name": "style.css",
    "folder": "js",
}


# --- the system ------------------------------------------------------------------------------
@dataclass
class Lode:
    backend: str
    services: dict[str, ServiceUnderTest]
    made: Made = field(default_factory=Made)

    async def send(
        self,
        route: Route,
        *,
        path: Mapping[str, str] | None = None,
        content: bytes | None = None,
        content_type: str = "application/json",
        params: Mapping[str, str] | None = None,
        raw_path: str | None = None,
        auth: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        method, template = route
        served = SERVED[route]
        url = raw_path or fill(template, served.path_params, path, PATH_VALUES)
        headers = dict(auth or {"Authorization": f"Bearer {ADMIN_TOKEN}"})
        if content is not None:
            headers["Content-Type"] = content_type
        if route == CALLBACK:
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": content_type,
                "X-Lode-Timestamp": stamp,
                "X-Lode-Signature": sign(PROVINCE_SECRET, stamp, content or b""),
            }
        client = self.services[served.service].client
        return await client.request(method, url, content=content, headers=headers, params=params)

    async def json(self, route: Route, body: Any, **path: str) -> httpx.Response:
        return await self.send(route, path=path, content=hostile.dump(body))

    async def get(self, url: str, **params: Any) -> httpx.Response:
        service = url.split("/")[1]
        return await self.services[service].client.get(
            url, params=params, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        )


@pytest.fixture(scope="module", params=BACKENDS)
async def lode(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Lode]:
    backend: str = request.param
    extra = backend_services(request, backend)

    def wiring(apps: dict[str, FastAPI]) -> dict[str, dict[str, Any]]:
        if "zoning" not in apps:
            return {}
        return {"licensing": {"zoning_http": httpx.ASGITransport(app=apps["zoning"])}}

    async with services_under_test(
        {
            "zoning": (build_zoning, ZoningSettings),
            "licensing": (build_licensing, LicensingSettings),
            "monitoring": (build_monitoring, MonitoringSettings),
            "reporting": (build_reporting, ReportingSettings),
        },
        backend=backend,
        tmp_path=tmp_path_factory.mktemp(f"lode-hostile-{backend}"),
        wiring=wiring,
        province_secret=PROVINCE_SECRET,
        province_url="",
        **extra,
    ) as services:
        lode = Lode(backend, services)
        lode.made = await _make(lode)
        yield lode


def _created(response: httpx.Response, what: str) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"{what}: {response.status_code} {response.text}"
    body: dict[str, Any] = response.json()
    return body


async def _make(lode: Lode) -> Made:
    """The objects the examples act on, each made through the API. A step that fails is
    recorded in ``made.not_made`` (``test_the_examples_objects_were_made`` reports it) and
    the rest are still made, so one broken route does not hide the others' answers."""
    made = Made()
    submit: Route = ("POST", "/licensing/v1/applications")
    decide: Route = ("POST", "/licensing/v1/applications/{application_id}/decision")
    review: Route = ("POST", "/licensing/v1/applications/{application_id}/review")
    zones: Route = ("POST", "/zoning/v1/zones")
    keys: Route = ("POST", "/monitoring/v1/enterprises/{credit_code}/api-keys")
    reports: Route = ("POST", "/monitoring/v1/reports")

    async def plan_reached_licensing() -> bool:
        r = await lode.json(submit, {})
        return r.status_code != 503  # 503 until zoning's plan has reached licensing

    async def application(
        lon: float, lat: float = BLOCK_AT[1] + 0.01, credit_code: str = ENTERPRISE
    ) -> dict[str, Any]:
        filed = await lode.json(submit, _application(lon, lat, credit_code))
        return _created(filed, "an application")

    async def agreed(filed: dict[str, Any]) -> None:
        """The officer confirms the 协议出让 basis: the only open check is competitive_grant."""
        open_checks = {c["rule_id"] for c in filed["checks"] if c["outcome"] in ("fail", "review")}
        assert open_checks == {"competitive_grant"}, filed["checks"]
        _created(await lode.json(review, AGREEMENT_REVIEW, application_id=filed["id"]), "review")

    async def plan() -> None:
        await eventually(plan_reached_licensing, timeout_s=60, what="the plan reaches licensing")
        document = await lode.get(f"/zoning/v1/plans/{PLAN}/versions/1")
        made.plan_document = _created(document, "the plan document")["document"]

    async def zoning() -> None:
        block = mining_block("H-BLOCK", "示意H-BLOCK", square(BLOCK_AT[0], BLOCK_AT[1], 0.1))
        _created(await lode.json(zones, block), "the mining block")
        other = mining_block("H-BLOCK2", "示意H-BLOCK2", square(*OTHER_BLOCK_AT, 0.04))
        _created(await lode.json(zones, other), "the other enterprise's mining block")
        made.zone_to_change = _created(await lode.json(zones, _zone("H-PUT", 118.50)), "zone")["id"]
        made.zone_to_retire = _created(await lode.json(zones, _zone("H-RET", 118.55)), "zone")["id"]

    async def licences() -> None:
        for offset, licence_no in ((0.01, LICENCE_SUSPEND), (0.03, LICENCE_GREEN)):
            filed = await application(BLOCK_AT[0] + offset)
            await agreed(filed)
            approval = _approval(licence_no, "2021-01-01", "2030-12-31")
            _created(await lode.json(decide, approval, application_id=filed["id"]), "a licence")
        filed = await application(
            OTHER_BLOCK_AT[0] + 0.01, OTHER_BLOCK_AT[1] + 0.01, ENTERPRISE_LISTED
        )
        await agreed(filed)
        approval = _approval(LICENCE_LISTED, "2021-01-01", "2030-12-31")
        _created(await lode.json(decide, approval, application_id=filed["id"]), "a licence")

    async def applications() -> None:
        to_decide = await application(BLOCK_AT[0] + 0.05)
        await agreed(to_decide)
        made.application_to_decide = to_decide["id"]
        made.application_to_withdraw = (await application(BLOCK_AT[0] + 0.07))["id"]
        made.application_undecided = (await application(BLOCK_AT[0] + 0.09))["id"]
        outside = await application(*NEEDS_REVIEW_AT)
        assert outside["verdict"] == "needs_review", outside
        made.application_to_review = outside["id"]

    async def key() -> None:
        issued = await lode.json(keys, {"label": "待吊销（示意）"}, credit_code=ENTERPRISE)
        made.key_to_revoke = _created(issued, "an API key")["id"]

    async def monitoring() -> None:
        async def monitoring_knows_the_licence() -> bool:
            r = await lode.get(f"/monitoring/v1/mines/{LICENCE_GREEN}")
            return r.status_code == 200

        await eventually(
            monitoring_knows_the_licence, timeout_s=30, what="monitoring knows the licence"
        )
        behind = await lode.json(reports, _report(2021, mining_recovery_pct=70.0))
        assert _created(behind, "a report behind the standard")["findings"], behind.text
        listed = await lode.get("/monitoring/v1/findings", licence_no=LICENCE_GREEN)
        opened = [f for f in _created(listed, "the findings")["items"] if f["status"] == "open"]
        assert opened, f"the report behind the standard opened no finding: {listed.text}"
        made.finding_to_close = opened[0]["id"]
        made.report_to_correct = _created(await lode.json(reports, _report(2022)), "report")["id"]
        filed = await lode.json(("POST", "/monitoring/v1/reserves-reports"), _reserves(2022))
        made.reserves_to_correct = _created(filed, "a reserves report")["id"]

    async def proposals() -> None:
        proposals: Route = ("POST", "/zoning/v1/plans/{plan_id}/proposals")
        submit: Route = ("POST", "/zoning/v1/plans/{plan_id}/proposals/{proposal_id}/submit")
        body = hostile.dump(_proposal(made.plan_document))

        async def drafted(headers: Mapping[str, str] | None = None) -> str:
            answer = await lode.send(proposals, path={"plan_id": PLAN}, content=body, auth=headers)
            return str(_created(answer, "a proposal")["id"])

        made.proposal_to_edit = await drafted()
        made.proposal_to_submit = await drafted()
        made.proposal_to_withdraw = await drafted()
        # approval and rejection are another user's: the approving level, not the proposer
        other = lode.services["zoning"].auth("planner", user="planner-hostile")
        for name in ("proposal_to_approve", "proposal_to_reject"):
            proposal_id = await drafted(other)
            sent = await lode.send(
                submit, path={"plan_id": PLAN, "proposal_id": proposal_id}, auth=other
            )
            _created(sent, "a submitted proposal")
            setattr(made, name, proposal_id)

    async def grants() -> None:
        create: Route = ("POST", "/licensing/v1/grants")
        announce: Route = ("POST", "/licensing/v1/grants/{grant_id}/announce")
        bids: Route = ("POST", "/licensing/v1/grants/{grant_id}/bids")
        conclude: Route = ("POST", "/licensing/v1/grants/{grant_id}/conclude")

        async def drafted(n: int) -> str:
            return str(_created(await lode.json(create, _grant(n)), "a grant")["id"])

        async def announced(n: int) -> str:
            grant_id = await drafted(n)
            _created(await lode.json(announce, ANNOUNCEMENT, grant_id=grant_id), "announced")
            return grant_id

        made.grant_to_announce = await drafted(2)
        made.grant_to_cancel = await drafted(3)
        made.grant_announced = await announced(4)
        made.grant_to_conclude = await announced(5)
        _created(await lode.json(bids, _bid(1600), grant_id=made.grant_to_conclude), "a bid")
        made.grant_to_contract = await announced(6)
        _created(await lode.json(bids, _bid(1600), grant_id=made.grant_to_contract), "a bid")
        _created(
            await lode.json(conclude, CONCLUSION, grant_id=made.grant_to_contract), "concluded"
        )

    async def supervision() -> None:
        """Three inspectors; an inspection whose finding an order names; an order by another
        inspector than the admin (who verifies it); the other enterprise on the abnormal
        list through a false filing."""
        roster: Route = ("POST", "/monitoring/v1/inspectors")
        inspect: Route = ("POST", "/monitoring/v1/inspections")
        order: Route = ("POST", "/monitoring/v1/rectifications")
        for n in (1, 2, 3):
            body = {"id": f"hostile-inspector-{n}", "name": f"示意检查员{n}", "subject": f"i-{n}"}
            made.inspectors.append(_created(await lode.json(roster, body), "an inspector")["id"])
        inspected = _created(await lode.json(inspect, _inspection(made)), "an inspection")
        made.finding_to_order = inspected["finding_id"]
        other = lode.services["monitoring"].auth("inspector", user="inspector-hostile")
        body = {
            "licence_no": LICENCE_GREEN,
            "finding_ids": [made.finding_to_order],
            "due": "2099-12-31",
            "requirement": "更正年报（示意）",
        }
        ordered = await lode.send(order, content=hostile.dump(body), auth=other)
        made.order_to_verify = _created(ordered, "an order")["id"]

        async def monitoring_knows_the_other_licence() -> bool:
            r = await lode.get(f"/monitoring/v1/mines/{LICENCE_LISTED}")
            return r.status_code == 200

        await eventually(
            monitoring_knows_the_other_licence, timeout_s=30, what="monitoring knows the licence"
        )
        false_filing = _inspection(made, LICENCE_LISTED, false_filing=True)
        _created(await lode.json(inspect, false_filing), "a false filing found")

    steps = (plan, zoning, licences, applications, key, monitoring, proposals, grants, supervision)
    for step in steps:
        try:
            await step()
        except (AssertionError, LookupError, TypeError, ValueError) as error:
            made.not_made.append(f"{step.__name__}: {type(error).__name__} {str(error)[:600]}")
    return made


# --- the table against the routes ------------------------------------------------------------
def test_every_write_route_has_an_example() -> None:
    missing = [route_id(r) for r in WRITE_ROUTES if r not in EXAMPLES]
    assert not missing, (
        "write routes without an example body in EXAMPLES (add one the route accepts, or "
        "NO_BODY if it reads none, so the hostile mutations can be made of it): "
        + ", ".join(missing)
    )
    gone = [route_id(r) for r in EXAMPLES if r not in SERVED]
    assert not gone, "EXAMPLES names routes no app serves any more: " + ", ".join(gone)
    assert len(WRITE_ROUTES) >= 20, WRITE_ROUTES  # the enumeration sees the routes


def test_the_examples_objects_were_made(lode: Lode) -> None:
    assert not lode.made.not_made, (
        f"on {lode.backend}, objects the examples act on could not be made through the API "
        "(the examples that need them are refused below):\n" + "\n".join(lode.made.not_made)
    )


# --- hostile bodies --------------------------------------------------------------------------
@pytest.mark.parametrize("route", WRITE_ROUTES, ids=route_id)
async def test_hostile_bodies_are_refused_with_a_problem(lode: Lode, route: Route) -> None:
    assert route in EXAMPLES, f"{route_id(route)} has no example body: add one to EXAMPLES"
    example = EXAMPLES[route]
    path = example.path(lode.made)
    reads_body = not isinstance(example.body, _NoBody)
    valid = example.body(lode.made) if not isinstance(example.body, _NoBody) else {}
    wrong: list[str] = []

    query = dict(example.query) or None

    async def attempt(name: str, content: bytes, content_type: str = "application/json") -> None:
        response = await lode.send(
            route, path=path, content=content, content_type=content_type, params=query
        )
        refuse = reads_body and name not in example.legitimate
        fault = hostile.judge(response, refuse=refuse)
        if fault is not None:
            wrong.append(f"{name}: {fault}")

    def the_example_answered(answer: httpx.Response, *, after_nonsense: bool) -> None:
        """The example is accepted (else the mutations of it prove nothing), or refused with
        the 4xx its ``refused_because`` names."""
        if example.refused_because:
            if not 400 <= answer.status_code < 500:
                wrong.append(
                    f"the example ({example.refused_because}): {answer.status_code} "
                    f"{hostile.excerpt(answer)}"
                )
        elif not after_nonsense and not 200 <= answer.status_code < 300:
            wrong.append(
                f"the example itself is refused, so the mutations prove nothing: "
                f"{answer.status_code} {hostile.excerpt(answer)}"
            )

    if not reads_body:  # first: a route that ignores bodies may act on the hostile ones
        the_example_answered(await lode.send(route, path=path, params=query), after_nonsense=False)
    for name, content in hostile.whole_bodies(valid).items():
        await attempt(name, content)
    if route in CONTENT_TYPES:
        content_type, bodies = CONTENT_TYPES[route]
        for name, content in bodies.items():
            await attempt(name, content, content_type)
    if reads_body:  # last: the example changes what it acts on (decides, retires, ...)
        for name, content in hostile.mutations(valid, example.sampled):
            await attempt(name, content)
        answer = await lode.send(
            route, path=path, content=hostile.dump(copy.deepcopy(valid)), params=query
        )
        after_nonsense = any("accepted nonsense" in w for w in wrong)
        the_example_answered(answer, after_nonsense=after_nonsense)
    assert not wrong, (
        f"{route_id(route)} on {lode.backend}, {len(wrong)} wrong answers:\n" + "\n".join(wrong)
    )


# --- hostile path and query parameters -------------------------------------------------------
@pytest.mark.parametrize("route", PARAM_ROUTES, ids=route_id)
async def test_hostile_parameters_are_never_a_5xx(lode: Lode, route: Route) -> None:
    served = SERVED[route]
    example = EXAMPLES.get(route)
    path_values = example.path(lode.made) if example else {}
    query = dict(example.query) if example else {}
    body: bytes | None = None
    if example is not None and not isinstance(example.body, _NoBody):
        body = hostile.dump(example.body(lode.made))
    writes = route[0] in WRITE_METHODS
    wrong: list[str] = []
    values = {**hostile.NONSENSE_PARAMS, **hostile.NUMBER_PARAMS}

    for name in served.path_params:
        for what, value in values.items():
            url = fill(route[1], served.path_params, {**path_values, name: value}, PATH_VALUES)
            response = await lode.send(route, raw_path=url, content=body)
            refuse = writes and what in hostile.NONSENSE_PARAMS
            fault = hostile.judge(response, refuse=refuse)
            if fault is not None:
                wrong.append(f"path {name} = {what}: {fault}")
    for name in served.query_params:
        for what, value in values.items():
            response = await lode.send(
                route,
                path=path_values,
                content=body,
                params={**query, name: hostile.query_value(value)},
            )
            refuse = writes and what in hostile.NONSENSE_PARAMS
            fault = hostile.judge(response, refuse=refuse)
            if fault is not None:
                wrong.append(f"query {name} = {what}: {fault}")
    assert not wrong, (
        f"{route_id(route)} on {lode.backend}, {len(wrong)} wrong answers:\n" + "\n".join(wrong)
    )


# --- nothing nonsensical stored ----------------------------------------------------------------
LISTS: dict[str, bool] = {
    "/zoning/v1/plans": False,
    f"/zoning/v1/plans/{PLAN}": False,
    f"/zoning/v1/plans/{PLAN}/versions": False,
    "/zoning/v1/zones?status=all": True,
    "/zoning/v1/zones/export?status=all": False,
    "/licensing/v1/applications": True,
    "/licensing/v1/licences": True,
    "/licensing/v1/grants?year=2026": True,
    "/monitoring/v1/mines": True,
    "/monitoring/v1/reports": True,
    "/monitoring/v1/findings": True,
    "/monitoring/v1/reserves-reports": True,
    "/monitoring/v1/inspectors": True,
    "/monitoring/v1/inspection-draws": True,
    "/monitoring/v1/inspections": True,
    "/monitoring/v1/rectifications": True,
    "/monitoring/v1/abnormal-list": True,
    f"/monitoring/v1/enterprises/{ENTERPRISE}/api-keys": False,
    "/monitoring/v1/projects/abandoned_mine_restoration/progress": False,
    "/monitoring/v1/projects/geochem_survey/progress": False,
    "/reporting/v1/map": False,
    "/reporting/v1/licences/summary": False,
    "/reporting/v1/compliance": False,
    "/reporting/v1/output?year=2023": False,
    "/reporting/v1/indicators?year=2023": False,
    "/reporting/v1/grants?year=2024": False,
    "/reporting/v1/accounts": True,
}
"""What the API shows of what is stored (True: a list read page by page with ``limit`` and
``offset``): after the hostile run none of it may hold nonsense."""
PAGE = 100


async def _pages(lode: Lode, url: str, paged: bool) -> list[Any]:
    base, _, query = url.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&") if part)
    pages: list[Any] = []
    offset = 0
    while True:
        if paged:
            params |= {"limit": str(PAGE), "offset": str(offset)}
        response = await lode.get(base, **params)
        assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text}"
        page = response.json()
        pages.append(page)
        items = page.get("items") if isinstance(page, dict) else None
        if not paged or not isinstance(items, list) or len(items) < PAGE:
            return pages
        offset += PAGE


async def test_nothing_nonsensical_was_stored(lode: Lode) -> None:
    for name, service in lode.services.items():
        relay = service.runtime.relay

        async def sent(relay: Any = relay) -> bool:
            relay.notify()
            unsent, _ = await relay.backlog()
            return bool(unsent == 0)

        await eventually(sent, timeout_s=60, what=f"{name} has published its events")
    await asyncio.sleep(2)  # the readers (reporting's read models) catch up
    found: list[str] = []
    for url, paged in LISTS.items():
        for page in await _pages(lode, url, paged):
            found += [f"GET {url}: {where}" for where in hostile.nonsense_in(page)]
    details = [
        f"/zoning/v1/zones/{lode.made.zone_to_change}/history",
        f"/zoning/v1/zones/{lode.made.zone_to_retire}/history",
    ]
    for listing, key, template in (
        ("/licensing/v1/applications", "id", "/licensing/v1/applications/{}"),
        ("/licensing/v1/licences", "licence_no", "/licensing/v1/licences/{}"),
        ("/monitoring/v1/reports", "id", "/monitoring/v1/reports/{}"),
        ("/monitoring/v1/reserves-reports", "id", "/monitoring/v1/reserves-reports/{}"),
    ):
        for page in await _pages(lode, listing, True):
            details += [template.format(item[key]) for item in page["items"]]
    for url in details:
        one = await lode.get(url)
        if one.status_code == 200:  # the made objects exist unless making them failed
            found += [f"GET {url}: {where}" for where in hostile.nonsense_in(one.json())]
    assert not found, f"stored nonsense on {lode.backend}:\n" + "\n".join(found[:100])
