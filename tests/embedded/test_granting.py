"""Issue 16 on the embedded runtime (SQLite, the in-process bus, the demo data, no province
platform: the officer enters the decision): the same story as the system test
(:mod:`tests.system.grant_flow`), in a free corner of the demo's Pingquan."""

from __future__ import annotations

import httpx
import pytest

from tests.system.grant_flow import GrantSite, run_granting

from .demo import EmbeddedLode, demo_licence, free_site

pytestmark = pytest.mark.timeout(420)


async def test_a_grant_goes_from_its_plan_to_a_contract_and_a_licence(
    demo_lode: EmbeddedLode,
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        await demo_licence(http, demo_lode)  # the demo has loaded
        lon, lat = await free_site(http, demo_lode)
        site = GrantSite(lon, lat, code="EMB-G01")
        licence_no = await run_granting(http, demo_lode, site, decide_locally=True)
    assert licence_no.startswith("C130881")
