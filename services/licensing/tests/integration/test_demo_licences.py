"""LODE_DEMO=1: the 63 illustrative licences of the 2020 baseline and the 3 quarries granted
since are registered once, through the same path as real ones; those past their term are
then expired."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest

from .conftest import open_system

pytestmark = pytest.mark.timeout(120)


async def _licences(lic: ServiceUnderTest) -> dict[str, Any]:
    r = await lic.client.get("/licensing/v1/licences?limit=1000", headers=lic.auth("viewer"))
    body: dict[str, Any] = r.json()
    return body


async def test_demo_licences_reproduce_the_baseline_and_lapse_by_date(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    today = date.today()
    async with open_system(request, tmp_path, "sqlite", demo=True) as system:
        lic, z = system.licensing, system.zoning

        async def loaded_and_expired() -> bool:
            listed = await _licences(lic)
            lapsed_active = [
                i
                for i in listed["items"]
                if i["status"] == "active" and date.fromisoformat(i["valid_to"]) < today
            ]
            return bool(listed["total"] == 66 and not lapsed_active)

        await eventually(
            loaded_and_expired, timeout_s=60, what="the demo licences to load and expire"
        )
        items = (await _licences(lic))["items"]
        assert all(i["illustrative"] for i in items)
        assert Counter(i["scale"] for i in items) == {"small": 55, "medium": 8, "large": 3}
        assert Counter(i["mineral"] for i in items)["铁矿"] == 19
        for item in items:
            lapsed = date.fromisoformat(item["valid_to"]) < today
            assert item["status"] == ("expired" if lapsed else "active"), item["licence_no"]
        issued = [t for t in await lic.types_published() if t.endswith("licence.issued.v1")]
        assert len(issued) == 66
        first = next(i for i in items if i["status"] == "active")

        async def zoning_has_the_footprint() -> bool:
            r = await z.client.post(
                "/zoning/v1/analysis", headers=z.auth("viewer"), json={"geometry": first["area"]}
            )
            return first["licence_no"] in {hit["licence_no"] for hit in r.json()["licences"]}

        await eventually(zoning_has_the_footprint, what="zoning to have the demo footprint")
