"""Zoning's container: built and attached by ``bootstrap.build``, the plan from settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from lode_common.api_keys import ReplicaKeyLookup
from lode_common.plan.data import PINGQUAN_PLAN_ID
from lode_common.testing.apps import ServiceUnderTest, service_under_test
from lode_zoning.adapters.spatial_index import IndexHolder
from lode_zoning.bootstrap import build
from lode_zoning.container import Zoning
from lode_zoning.settings import ZoningSettings


async def test_the_container_holds_what_zoning_built(zoning: ServiceUnderTest) -> None:
    parts = Zoning.of(zoning.runtime)
    assert parts.runtime is zoning.runtime
    assert isinstance(parts.settings, ZoningSettings)
    assert parts.settings.plan_id == PINGQUAN_PLAN_ID
    assert isinstance(parts.spatial_index, IndexHolder)
    assert isinstance(parts.api_keys, ReplicaKeyLookup)
    assert zoning.runtime.inbox.after_commit.count(parts.api_keys.on_committed) == 1
    index = await parts.spatial_index.current()
    assert await parts.spatial_index.current() is index  # one index, kept


async def test_a_container_is_attached_once(zoning: ServiceUnderTest) -> None:
    parts = Zoning.of(zoning.runtime)
    with pytest.raises(RuntimeError, match="already has a container"):
        Zoning(
            zoning.runtime,
            settings=parts.settings,
            api_keys=parts.api_keys,
            spatial_index=parts.spatial_index,
        ).attach()


async def test_a_deployment_of_another_plan_does_not_get_the_bundled_one(tmp_path: Path) -> None:
    async with service_under_test(
        build, ZoningSettings, backend="sqlite", tmp_path=tmp_path, plan_id="other-plan", demo=True
    ) as z:
        plans = await z.client.get("/zoning/v1/plans", headers=z.auth("viewer"))
        zones = await z.client.get("/zoning/v1/zones", headers=z.auth("viewer"))
    assert plans.status_code == 200, plans.text
    assert plans.json() == {"items": [], "total": 0}
    assert zones.json()["features"] == []  # no demo zones without their plan
