"""Issue 17 on the embedded runtime (SQLite, the in-process bus, the demo data): the same
story as the system test (:mod:`tests.system.supervision_flow`) on a demo licence; the
demo's illustrative licences put no enterprise on the public abnormal list, although their
made-up reports stop at 2024; and afterwards ``lode audit verify`` finds every service's
chain whole, with the suspension that cited the order in licensing's log, by its officer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

from lode_common.testing.examples import square
from lode_licensing.demo import demo_licences
from tests.system.supervision_flow import run_supervision

from .demo import EmbeddedLode, demo_licence, free_site

pytestmark = pytest.mark.timeout(420)


async def test_a_draw_an_inspection_an_order_its_overdue_and_the_suspension(
    demo_lode: EmbeddedLode,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        licence = await demo_licence(http, demo_lode)
        viewer = demo_lode.auth("viewer", user="viewer-zhao")
        listed = await http.get(f"{demo_lode.base}/monitoring/v1/abnormal-list", headers=viewer)
        assert listed.status_code == 200, listed.text
        demo_holders = {d.holder.credit_code for d in demo_licences()}
        wrongly = [i for i in listed.json()["items"] if i["credit_code"] in demo_holders]
        assert wrongly == [], "an illustrative licence listed its holder"
        lon, lat = await free_site(http, demo_lode)
        area = square(lon + 0.002, lat + 0.002, 0.003)
        await run_supervision(http, demo_lode, licence, tag="emb", area=area)

    lode = Path(sys.executable).with_name("lode")
    verify = await asyncio.create_subprocess_exec(
        str(lode),
        "audit",
        "verify",
        "--data-dir",
        str(demo_lode.data_dir),
        "--json",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await verify.communicate()
    assert verify.returncode == 0, out.decode()
    report = out.decode()
    for service in ("zoning", "licensing", "monitoring", "reporting"):
        assert service in report, report
    with sqlite3.connect(demo_lode.data_dir / "licensing.db") as db:
        suspensions = db.execute(
            "SELECT roles, request_id, subject FROM audit_entry WHERE action = "
            "'POST /licensing/v1/licences/{licence_no}/{action}' AND actor = 'officer-emb'"
        ).fetchall()
    assert len(suspensions) == 2, suspensions  # the suspension and the resumption
    for roles, request_id, subject in suspensions:
        assert roles == "licensing_officer", roles
        assert request_id, "no request id"
        assert licence["licence_no"] in json.dumps(json.loads(subject), ensure_ascii=False)
