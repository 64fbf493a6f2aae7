"""Steps of the main story over HTTP, shared by the system tests: each waits on a condition
(polling the APIs with a deadline), never on a fixed sleep."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from lode_common.credit_code import with_check_character
from lode_common.testing import eventually
from lode_common.testing.examples import (
    AGREEMENT_REVIEW,
    iron_mine_application,
    mining_block,
    square,
)

from .conftest import System

PLAN = "pingquan-2021-2025"
_cells = itertools.count()


class Site:
    """A mining block of its own and an enterprise to apply in it (no two sites overlap)."""

    def __init__(self) -> None:
        n = next(_cells)
        self.n = n
        self.lon = 118.40 + 0.03 * (n % 20)
        self.lat = 40.75 + 0.03 * (n // 20)
        self.code = f"SYS-{n:03d}"
        self.credit_code = with_check_character(f"91130881MA8{n:06d}")
        self.holder = f"平泉市系统测试{n:03d}号矿业有限公司"

    def block(self) -> dict[str, Any]:
        geometry = square(self.lon, self.lat, 0.02)
        return mining_block(self.code, f"示意系统测试区块{self.n}", geometry)

    def application(self) -> dict[str, Any]:
        area = square(self.lon + 0.002, self.lat + 0.002, 0.005)
        return iron_mine_application(self.holder, self.credit_code, area)


def report(licence_no: str, year: int, period: str, *, recovery: float = 80.0) -> dict[str, Any]:
    ore = 2.0 if period != "annual" else 8.0
    return {
        "licence_no": licence_no,
        "year": year,
        "period": period,
        "ore_mined_10kt": ore,
        "products": [{"name": "铁精粉", "grade_pct": 65.0, "output_10kt": round(ore * 0.32, 2)}],
        "mining_recovery_pct": recovery,
        "processing_recovery_pct": 91.0,
        "comprehensive_utilization_pct": 40.0,
        "disturbed_area_ha": 0.5,
        "restored_area_ha": 0.3,
        "output_value_cny_10k": round(ore * 240),
    }


async def create_block(http: httpx.AsyncClient, system: System, site: Site) -> str:
    answer = await http.post(
        f"{system.url('zoning')}/zoning/v1/zones",
        json=site.block(),
        headers=system.topology.auth("planner"),
    )
    assert answer.status_code == 201, answer.text
    zone_id: str = answer.json()["id"]
    return zone_id


async def submit(http: httpx.AsyncClient, system: System, site: Site) -> dict[str, Any]:
    answer = await http.post(
        f"{system.url('licensing')}/licensing/v1/applications",
        json=site.application(),
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code == 201, answer.text
    view: dict[str, Any] = answer.json()
    return view


async def confirm_agreement(
    http: httpx.AsyncClient, system: System, view: dict[str, Any]
) -> dict[str, Any]:
    """Review a new mining application whose only open check is ``competitive_grant``
    (neither a grant nor an exploration licence named): the officer confirms the 协议出让
    basis, and the application is ``reviewed``."""
    open_checks = {c["rule_id"]: c["outcome"] for c in view["checks"] if c["outcome"] != "pass"}
    open_checks = {rule: outcome for rule, outcome in open_checks.items() if outcome != "warn"}
    assert view["verdict"] == "needs_review", view["checks"]
    assert open_checks == {"competitive_grant": "review"}, open_checks
    answer = await http.post(
        f"{system.url('licensing')}/licensing/v1/applications/{view['id']}/review",
        json=AGREEMENT_REVIEW,
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code == 200, answer.text
    reviewed: dict[str, Any] = answer.json()
    assert reviewed["status"] == "reviewed", reviewed
    return reviewed


async def application(http: httpx.AsyncClient, system: System, app_id: str) -> dict[str, Any]:
    answer = await http.get(
        f"{system.url('licensing')}/licensing/v1/applications/{app_id}",
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    return view


async def forward(http: httpx.AsyncClient, system: System, app_id: str) -> dict[str, Any]:
    answer = await http.post(
        f"{system.url('licensing')}/licensing/v1/applications/{app_id}/forward",
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code in (200, 202), answer.text
    view: dict[str, Any] = answer.json()
    return view


async def wait_status(
    http: httpx.AsyncClient, system: System, app_id: str, status: str, seconds: float = 60
) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    async def reached() -> None:
        seen.update(await application(http, system, app_id))
        assert seen["status"] == status, f"is {seen['status']}"

    await eventually(reached, timeout_s=seconds, what=f"application {app_id} to be {status}")
    return seen


async def licences(http: httpx.AsyncClient, system: System, **query: str) -> list[dict[str, Any]]:
    answer = await http.get(
        f"{system.url('licensing')}/licensing/v1/licences",
        params={"limit": "500", **query},
        headers=system.topology.auth("licensing_officer"),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    items: list[dict[str, Any]] = body["items"] if isinstance(body, dict) else body
    return items


async def mine_replica(
    http: httpx.AsyncClient, system: System, licence_no: str, index: int = 0
) -> dict[str, Any] | None:
    answer = await http.get(
        f"{system.url('monitoring', index)}/monitoring/v1/mines/{licence_no}",
        headers=system.topology.auth("inspector"),
    )
    if answer.status_code == 404:
        return None
    assert answer.status_code == 200, answer.text
    mine: dict[str, Any] = answer.json()
    return mine


async def api_key(http: httpx.AsyncClient, system: System, credit_code: str) -> str:
    answer = await http.post(
        f"{system.url('monitoring')}/monitoring/v1/enterprises/{credit_code}/api-keys",
        json={"label": "年报系统"},
        headers=system.topology.admin,
    )
    assert answer.status_code == 201, answer.text
    key: str = answer.json()["key"]
    return key


async def licensed_site(
    http: httpx.AsyncClient, system: System, *, since: str | None = None
) -> tuple[Site, str]:
    """A site taken through the whole licensing path: block, application, then forward and
    the platform's callback — or, with ``since``, the decision entered locally by the
    officer with the upstream number and a validity from ``since`` (a mine that has been
    producing for years, so it has years of periods to report). Returns the site and its
    licence number once monitoring has it."""
    site = Site()
    await create_block(http, system, site)
    view = await confirm_agreement(http, system, await submit(http, system, site))
    if since is None:
        await forward(http, system, view["id"])
        done = await wait_status(http, system, view["id"], "approved")
        licence_no: str = done["decision"]["licence_no"]
    else:
        licence_no = f"C130881{since[:4]}8{site.n:011d}"
        answer = await http.post(
            f"{system.url('licensing')}/licensing/v1/applications/{view['id']}/decision",
            json={
                "decision": "approved",
                "licence_no": licence_no,
                "valid_from": since,
                "valid_to": f"{int(since[:4]) + 10}-{since[5:]}",
                "reason": "准予登记（系统测试）",
            },
            headers=system.topology.auth("licensing_officer"),
        )
        assert answer.status_code == 200, answer.text

    async def replicated() -> bool:
        return await mine_replica(http, system, licence_no) is not None

    await eventually(replicated, timeout_s=60, what=f"monitoring's replica of {licence_no}")
    return site, licence_no
