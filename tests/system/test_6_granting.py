"""Issue 16 across the processes (PostgreSQL, the Kafka-protocol broker, four services as
processes, the province platform's simulator): a grant from its plan to a licence
(:mod:`.grant_flow`)."""

from __future__ import annotations

import httpx
import pytest

from .conftest import System
from .flows import Site
from .grant_flow import GrantSite, run_granting

pytestmark = [pytest.mark.system, pytest.mark.timeout(300)]


class SystemLode:
    def __init__(self, system: System) -> None:
        self.system = system

    def url(self, service: str) -> str:
        return self.system.url(service)

    def auth(self, *roles: str, user: str) -> dict[str, str]:
        return self.system.topology.auth(*roles, user=user)


async def test_a_grant_goes_from_its_plan_to_a_contract_and_a_licence(
    system: System, http: httpx.AsyncClient
) -> None:
    cell = Site()  # a grid cell of its own: no other system test's block or licence there
    site = GrantSite(cell.lon, cell.lat, code=f"SYS-G{cell.n:03d}")
    licence_no = await run_granting(http, SystemLode(system), site, decide_locally=False)
    assert licence_no.startswith("C130881")
