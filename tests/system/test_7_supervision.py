"""Issue 17 across the processes (PostgreSQL, the Kafka-protocol broker, four services as
processes): a draw, an inspection with a discrepancy, an order, its overdue and the
suspension that cites it, the abnormal list and ``applicant_standing``
(:mod:`.supervision_flow`)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from lode_common.cst import cst_today
from lode_common.testing.examples import square

from .conftest import System
from .flows import licensed_site
from .supervision_flow import run_supervision
from .test_6_granting import SystemLode

pytestmark = [pytest.mark.system, pytest.mark.timeout(300)]


async def test_a_draw_an_inspection_an_order_its_overdue_and_the_suspension(
    system: System, http: httpx.AsyncClient
) -> None:
    # in force for 60 days: no annual report is due yet, so only the story lists the holder
    since = (cst_today() - timedelta(days=60)).isoformat()
    site, licence_no = await licensed_site(http, system, since=since)
    shown = await http.get(
        f"{system.url('licensing')}/licensing/v1/licences/{licence_no}",
        headers=system.topology.auth("licensing_officer"),
    )
    assert shown.status_code == 200, shown.text
    area = square(site.lon + 0.012, site.lat + 0.012, 0.003)
    await run_supervision(http, SystemLode(system), shown.json(), tag=f"sys{site.n}", area=area)
