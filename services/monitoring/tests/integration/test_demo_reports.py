"""LODE_DEMO=1 across zoning, licensing and monitoring: the demo reports are filed through
the mines' own path and the findings tell the intended story."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from lode_common.testing import eventually
from lode_common.testing.apps import services_under_test
from lode_licensing.bootstrap import build as build_licensing
from lode_licensing.settings import LicensingSettings
from lode_monitoring.bootstrap import build as build_monitoring
from lode_monitoring.settings import MonitoringSettings
from lode_zoning.bootstrap import build as build_zoning
from lode_zoning.settings import ZoningSettings

pytestmark = pytest.mark.timeout(240)


async def test_demo_reports_tell_the_story(tmp_path: Path) -> None:
    def wiring(apps: dict[str, FastAPI]) -> dict[str, dict[str, Any]]:
        if "zoning" not in apps:
            return {}
        return {"licensing": {"zoning_http": httpx.ASGITransport(app=apps["zoning"])}}

    async with services_under_test(
        {
            "zoning": (build_zoning, ZoningSettings),
            "licensing": (build_licensing, LicensingSettings),
            "monitoring": (build_monitoring, MonitoringSettings),
        },
        backend="sqlite",
        tmp_path=tmp_path,
        wiring=wiring,
        demo=True,
    ) as services:
        m = services["monitoring"]
        inspector = m.auth("inspector")

        async def loaded() -> tuple[int, dict[str, Any]]:
            total = (
                await m.client.get("/monitoring/v1/reports?limit=1", headers=inspector)
            ).json()["total"]
            progress = (
                await m.client.get(
                    "/monitoring/v1/projects/geochem_survey/progress", headers=inspector
                )
            ).json()
            missing = (
                await m.client.get(
                    "/monitoring/v1/findings?status=open&limit=1000", headers=inspector
                )
            ).json()
            deadline_checked = any(f["code"] == "annual_report_missing" for f in missing["items"])
            assert total >= 232, f"{total} reports so far"
            assert progress["total"], progress
            assert deadline_checked, "the deadline job has not run yet"
            return total, progress

        total, progress = await eventually(
            loaded, timeout_s=120, interval_s=0.1, what="the demo reports and the deadline job"
        )
        assert total == 232
        findings = (
            await m.client.get("/monitoring/v1/findings?limit=1000", headers=inspector)
        ).json()["items"]
        codes = Counter(f["code"] for f in findings if f["year"] and f["year"] <= 2024)
        assert 3 <= codes["three_rates_below_standard"] <= 5
        assert codes["over_capacity"] == 1
        assert codes["annual_report_missing"] == 1
        # the reserves reports (储量年报) of the same mine-years, and their story
        reserves = (
            await m.client.get("/monitoring/v1/reserves-reports?limit=1", headers=inspector)
        ).json()
        assert reserves["total"] == 232
        assert reserves["items"][0]["illustrative"] is True
        assert codes["reserves_report_missing"] == 1
        assert codes["reserves_discontinuity"] == 1
        assert codes["recovery_implied_low"] == 2
        assert 1 <= codes["service_years_short"] <= 4
        assert codes["extraction_mismatch"] == 0
        assert sum(i["completed_sheets"] for i in progress["items"]) == 5
