"""Issue 15 across the processes (PostgreSQL, the Kafka-protocol broker, four services as
processes): a proposal adding a 禁采区 over a licence in force and an open application, its
impact, separation of duties, approval as version n+1, the conflict under enforcement and
the application re-checked as the impact said (:mod:`.adjustment_flow`)."""

from __future__ import annotations

import httpx
import pytest

from .adjustment_flow import Subjects, run_adjustment
from .conftest import System
from .flows import PLAN, Site, create_block, licensed_site, submit

pytestmark = [pytest.mark.system, pytest.mark.timeout(300)]


class SystemLode:
    def __init__(self, system: System) -> None:
        self.system = system

    def url(self, service: str) -> str:
        return self.system.url(service)

    def auth(self, *roles: str, user: str) -> dict[str, str]:
        return self.system.topology.auth(*roles, user=user)


async def test_a_new_forbidden_zone_is_proposed_weighed_approved_and_enforced(
    system: System, http: httpx.AsyncClient
) -> None:
    site, licence_no = await licensed_site(http, system, since="2022-01-01")
    pending = Site()
    await create_block(http, system, pending)
    view = await submit(http, system, pending)
    assert view["verdict"] == "needs_review", view  # open: the 协议出让 basis unconfirmed
    await run_adjustment(
        http,
        SystemLode(system),
        Subjects(
            plan_id=PLAN,
            licence_no=licence_no,
            licence_area=site.application()["area"]["geometry"],
            application_id=view["id"],
            application_area=pending.application()["area"]["geometry"],
        ),
    )
