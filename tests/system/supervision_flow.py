"""The supervision and enforcement (监督检查) story of issue 17, written once and run on both
runtimes: the four services as processes on PostgreSQL and the Kafka-protocol broker
(``test_7_supervision.py``), and the embedded runtime with the demo data on SQLite and the
in-process bus (``tests/embedded/test_supervision.py``).

An admin puts four inspectors on the roster, one of them related to the licence's holder
(回避). An inspector makes a random draw (双随机) of the year's licences in force; the
draw is redrawn from its kept seed, and recomputed here from the published algorithm
(``sha256-rank-v1``) by code that is not Lode's, to the same list; the related inspector is
assigned to none of the holder's licences. The two inspectors assigned inspect the licence:
the output found is above what was filed, the filing false, so the inspection is
non-compliant, opens ``inspection_discrepancy`` and puts the holder on the abnormal list
(异常名录); the holder's new application then fails ``applicant_standing``. The first
inspector records the rectification order (责令限期整改) issued on paper five days ago and
due yesterday; the same inspector may not verify it (separation of duties); the daily pass
marks it overdue, licensing lists the licence under enforcement (``kind: order``), and a
licensing officer suspends the licence citing the order. Another inspector verifies the
rectification done: the order closes and the enforcement item is resolved. Released from
the list with a reason, the holder's next application passes ``applicant_standing``.
Reporting counts the draw, the inspection and the order. The licence is resumed at the end,
so the story leaves the demo as it found it."""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta
from typing import Any, Protocol

import httpx

from lode_common.cst import cst_today
from lode_common.testing import eventually
from lode_common.testing.examples import iron_mine_application


class Lode(Protocol):
    """Where the services answer and how a staff user signs in."""

    def url(self, service: str) -> str: ...

    def auth(self, *roles: str, user: str) -> dict[str, str]: ...


def _json(answer: httpx.Response, status: int, what: str) -> dict[str, Any]:
    assert answer.status_code == status, f"{what}: {answer.status_code} {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


def _fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem.get("errors") or ()}


def redraw_by_hand(seed: str, population: list[str], ratio_pct: float) -> list[str]:
    """The draw as the published algorithm states it (docs/monitoring.md, ``sha256-rank-v1``):
    each licence ranked by SHA-256 of the seed, a NUL and the licence number (UTF-8), lowest
    first; the first ⌈ratio × N⌉, at least one."""
    count = max(1, math.ceil(len(population) * ratio_pct / 100))
    ranked = sorted(
        population,
        key=lambda no: hashlib.sha256(seed.encode() + b"\x00" + no.encode()).hexdigest(),
    )
    return ranked[:count]


class Supervising:
    """The requests of the story, with the roles each is made in."""

    def __init__(self, http: httpx.AsyncClient, lode: Lode, tag: str) -> None:
        self.http = http
        self.lode = lode
        self.tag = tag
        self.admin = lode.auth("admin", user=f"admin-{tag}")
        self.officer = lode.auth("licensing_officer", user=f"officer-{tag}")
        self.viewer = lode.auth("viewer", user=f"viewer-{tag}")

    def inspector(self, n: int) -> dict[str, str]:
        return self.lode.auth("inspector", user=self.subject(n))

    async def as_inspector(self, inspector_id: str) -> dict[str, str]:
        """The token of the roster's inspector ``inspector_id`` (its staff account's subject):
        the draw may assign anyone on the roster, not only the story's own four."""
        roster = await self.http.get(
            self.monitoring("inspectors"), params={"limit": 1000}, headers=self.admin
        )
        subjects = {i["id"]: i["subject"] for i in _json(roster, 200, "the roster")["items"]}
        return self.lode.auth("inspector", user=subjects[inspector_id])

    def monitoring(self, path: str) -> str:
        return f"{self.lode.url('monitoring')}/monitoring/v1/{path}"

    def licensing(self, path: str) -> str:
        return f"{self.lode.url('licensing')}/licensing/v1/{path}"

    async def roster(self, credit_code: str) -> list[str]:
        """Four inspectors; the fourth is related to the holder (回避)."""
        ids = []
        for n in (1, 2, 3, 4):
            body = {"id": f"{self.tag}-i{n}", "name": f"检查员{n}号", "subject": self.subject(n)}
            added = await self.http.post(
                self.monitoring("inspectors"), json=body, headers=self.admin
            )
            ids.append(_json(added, 201, "an inspector")["id"])
        related = await self.http.post(
            self.monitoring(f"inspectors/{ids[3]}/relations"),
            json={"credit_code": credit_code, "relation": "近亲属在该企业任职（示意）"},
            headers=self.admin,
        )
        assert related.status_code in (200, 201), related.text
        return ids

    def subject(self, n: int) -> str:
        return f"inspector-{self.tag}-{n}"

    async def draw(self, year: int) -> dict[str, Any]:
        body = {"year": year, "ratio_pct": 100, "seed": f"lode-story-{self.tag}"}
        drawn = await self.http.post(
            self.monitoring("inspection-draws"), json=body, headers=self.inspector(1)
        )
        return _json(drawn, 201, "the draw")

    async def application(self, holder: str, credit_code: str, area: dict[str, Any]) -> str:
        """The holder's new application, and the outcome of ``applicant_standing`` on it."""
        filed = await self.http.post(
            self.licensing("applications"),
            json=iron_mine_application(holder, credit_code, area),
            headers=self.officer,
        )
        checks = {c["rule_id"]: c for c in _json(filed, 201, "an application")["checks"]}
        assert "applicant_standing" in checks, sorted(checks)
        outcome: str = checks["applicant_standing"]["outcome"]
        return outcome

    async def order(self, order_id: str) -> dict[str, Any]:
        answer = await self.http.get(
            self.monitoring(f"rectifications/{order_id}"), headers=self.viewer
        )
        return _json(answer, 200, "the order")

    async def enforcement_item(self, order_id: str) -> dict[str, Any] | None:
        answer = await self.http.get(
            self.licensing("enforcement"),
            params={"kind": "order", "status": "all", "limit": 100},
            headers=self.officer,
        )
        items = _json(answer, 200, "the enforcement list")["items"]
        found = [i for i in items if i["id"] == order_id]
        return found[0] if found else None

    async def listed(self, credit_code: str) -> list[dict[str, Any]]:
        answer = await self.http.get(
            self.monitoring("abnormal-list"), params={"status": "listed"}, headers=self.viewer
        )
        items = _json(answer, 200, "the abnormal list")["items"]
        return [i for i in items if i["credit_code"] == credit_code]


async def run_supervision(
    http: httpx.AsyncClient,
    lode: Lode,
    licence: dict[str, Any],
    *,
    tag: str,
    area: dict[str, Any],
) -> None:
    """The story on ``licence`` (a mining licence in force, as licensing shows it); ``area``
    is where the holder's new applications are drawn."""
    story = Supervising(http, lode, tag)
    licence_no: str = licence["licence_no"]
    holder, credit_code = licence["holder"]["name"], licence["holder"]["credit_code"]
    today = cst_today()

    # the roster, and the draw: reproducible from its seed, by Lode and by hand
    inspectors = await story.roster(credit_code)
    draw = await story.draw(today.year)
    assert licence_no in draw["population"], draw
    assert licence_no in draw["drawn"], draw
    assert draw["drawn"] == redraw_by_hand(draw["seed"], draw["population"], 100)
    redrawn = await http.get(
        story.monitoring(f"inspection-draws/{draw['id']}/redraw"), headers=story.viewer
    )
    assert _json(redrawn, 200, "the redraw")["same"] is True
    assigned = {a["licence_no"]: a["inspectors"] for a in draw["assignments"]}
    pair = assigned[licence_no]
    assert len(pair) == 2, pair
    assert inspectors[3] not in pair, pair  # the related one never
    first = await story.as_inspector(pair[0])
    verifier = story.lode.auth("inspector", user=f"inspector-{tag}-verifier")

    # the related inspector may not inspect the holder
    inspection = {
        "licence_no": licence_no,
        "draw_id": draw["id"],
        "inspected_on": (today - timedelta(days=6)).isoformat(),
        "inspectors": [pair[0], inspectors[3]],
        "items": [
            {"item": "output", "filed": 8.0, "found": 11.5, "ok": False, "false_filing": True},
            {"item": "mining_recovery", "filed": 80.0, "found": 79.5, "ok": True},
        ],
        "result": "non_compliant",
        "note": "实地核查产量高于填报（示意）",
    }
    refused = await http.post(story.monitoring("inspections"), json=inspection, headers=first)
    assert refused.status_code == 422, refused.text
    assert any(f.startswith("inspectors") for f in _fields(refused.json())), refused.text
    inspection["inspectors"] = pair
    inspected = await http.post(story.monitoring("inspections"), json=inspection, headers=first)
    finding_id = _json(inspected, 201, "the inspection")["finding_id"]
    assert finding_id, inspected.text
    found = await http.get(
        story.monitoring("findings"),
        params={"licence_no": licence_no, "limit": 200},
        headers=story.viewer,
    )
    codes = {f["id"]: f["code"] for f in _json(found, 200, "the findings")["items"]}
    assert codes[finding_id] == "inspection_discrepancy"

    # the false filing put the holder on the abnormal list; its applications fail standing
    listing = await story.listed(credit_code)
    assert [entry["reason_code"] for entry in listing] == ["false_filing"], listing

    async def standing_fails() -> None:
        assert await story.application(holder, credit_code, area) == "fail"

    await eventually(standing_fails, timeout_s=60, what="licensing knows the holder is listed")

    # the order issued on paper five days ago, due yesterday; its issuer may not verify it
    order = {
        "licence_no": licence_no,
        "finding_ids": [finding_id],
        "ordered_on": (today - timedelta(days=5)).isoformat(),
        "due": (today - timedelta(days=1)).isoformat(),
        "requirement": "如实更正年度产量并说明原因（示意）",
    }
    ordered = await http.post(story.monitoring("rectifications"), json=order, headers=first)
    order_id = _json(ordered, 201, "the order")["id"]
    own = await http.post(
        story.monitoring(f"rectifications/{order_id}/verify"),
        json={"outcome": "done", "note": "已更正"},
        headers=first,
    )
    assert own.status_code == 403, own.text

    async def overdue() -> None:
        assert (await story.order(order_id))["status"] == "overdue"

    await eventually(overdue, timeout_s=60, what="the daily pass marks the order overdue")

    async def listed_for_enforcement() -> dict[str, Any]:
        item = await story.enforcement_item(order_id)
        assert item is not None, "not listed yet"
        assert item["status"] == "open", item
        return item

    item = await eventually(
        listed_for_enforcement, timeout_s=60, what="licensing lists the overdue order"
    )
    assert item["licence_no"] == licence_no, item
    assert item["kind"] == "order", item

    # the officer suspends the licence citing the order
    suspended = await http.post(
        story.licensing(f"licences/{licence_no}/suspend"),
        json={"reason": "逾期未整改，责令停产整顿（示意）", "order_id": order_id},
        headers=story.officer,
    )
    assert _json(suspended, 200, "the suspension")["status"] == "suspended"
    shown = await http.get(story.licensing(f"licences/{licence_no}"), headers=story.officer)
    steps = _json(shown, 200, "the licence")["history"]
    assert any(order_id in str(step) for step in steps if step["action"] == "suspended"), steps

    # another inspector verifies the rectification: the order and the item close
    verified = await http.post(
        story.monitoring(f"rectifications/{order_id}/verify"),
        json={"outcome": "done", "note": "已如实更正并补报（示意）"},
        headers=verifier,
    )
    assert _json(verified, 200, "the verification")["status"] == "done"

    async def resolved() -> None:
        item = await story.enforcement_item(order_id)
        assert item is not None, "gone from the list"
        assert item["status"] == "resolved", item

    await eventually(resolved, timeout_s=60, what="licensing resolves the order's item")

    # released with a reason, the holder stands again
    released = await http.post(
        story.monitoring(f"abnormal-list/{credit_code}/release"),
        json={"reason": "已更正虚假填报并补报（示意）"},
        headers=verifier,
    )
    assert released.status_code == 200, released.text
    assert await story.listed(credit_code) == []

    async def standing_passes() -> None:
        assert await story.application(holder, credit_code, area) == "pass"

    await eventually(standing_passes, timeout_s=60, what="licensing knows of the release")

    # reporting counts the draw, the inspection and the order
    async def reported() -> None:
        answer = await http.get(
            f"{lode.url('reporting')}/reporting/v1/supervision",
            params={"year": today.year},
            headers=story.viewer,
        )
        body = _json(answer, 200, "the supervision summary")
        assert body["draws"]["count"] >= 1, body
        assert body["inspections"]["non_compliant"] >= 1, body
        assert body["orders"]["done"] >= 1, body

    await eventually(reported, timeout_s=60, what="reporting counts the supervision")

    resumed = await http.post(
        story.licensing(f"licences/{licence_no}/resume"),
        json={"reason": "整改完成，恢复生产（示意）"},
        headers=story.officer,
    )
    assert _json(resumed, 200, "the resumption")["status"] == "active"
