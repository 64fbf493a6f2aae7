"""Output value and reserves carried from monitoring's events to reporting: summed by mineral
and year (a correction replaces its report's figures), served as JSON, shown in the annual
report in its three formats, and refused to a caller without a staff role."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from lode_common.testing import eventually
from lode_common.testing.apps import ServiceUnderTest
from lode_common.testing.plugin import missing
from services.reporting.tests.integration.events import (
    api_key_issued,
    licence,
    output,
    plan_published,
    reserves,
    send,
)

C1 = "C1308812018019900000001"
C2 = "C1308812018019900000002"
C3 = "C1308812018019900000003"
C4 = "C1308812018019900000004"
ENTERPRISE = "91130881MA0A000007"  # the holder of the licences the builders issue


async def _story(service: ServiceUnderTest) -> None:
    """Three iron mines, a building-stone mine and a gold mine; 2022's reports, some without
    an output value; reserves of two iron mines and the stone mine (one corrected); the gold
    mine reports no reserves."""
    await send(
        service,
        plan_published(),
        licence(C1),
        licence(C2),
        licence(C3, mineral="建筑石料"),
        licence(C4, mineral="金矿"),
        output("o1", C1, ore="100", value="6800"),
        output("o2", C2, ore="40", value="1200.5"),
        output("o3", C3, ore="55", concentrate="0", value=None),
        reserves("s1", C1, opening="1000", extracted="100", lost="10"),
        reserves("s2", C2, opening="500", extracted="40", lost="4", new_proven="30"),
        reserves("s3", C3, mineral="建筑石料", opening="300", extracted="55", lost="0"),
    )
    await send(
        service,
        output("o2", C2, version=2, ore="40", value="1500"),  # corrected: replaces 1200.5
        reserves("s2", C2, version=2, opening="500", extracted="40", lost="4", recalculated="-6"),
    )


async def test_output_value_is_summed_by_mineral_and_a_correction_replaces_it(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    await _story(service)
    r = await service.client.get(
        "/reporting/v1/output", params={"year": 2022}, headers=service.auth("viewer")
    )
    assert r.status_code == 200, r.text
    body = r.json()
    minerals = {m["mineral"]: m for m in body["minerals"]}
    assert minerals["铁矿"]["output_value_cny_10k"] == 8300  # 6800 + 1500 (corrected)
    assert minerals["铁矿"]["mines_without_value"] == 0
    assert minerals["建筑石料"]["output_value_cny_10k"] is None  # 未报, not 0
    assert minerals["建筑石料"]["mines_without_value"] == 1
    assert body["total_output_value_cny_10k"] == 8300
    assert body["total_output_value_cny_100m"] == 0.83
    assert body["mines_without_value"] == 1
    assert body["baseline"] == {
        "year": 2020,
        "value_cny_100m": 18.9,
        "clause": "第一章第二节 专栏1",
    }

    other = await service.client.get(
        "/reporting/v1/output", params={"year": 2023}, headers=service.auth("viewer")
    )
    assert other.json()["total_output_value_cny_10k"] is None
    assert other.json()["minerals"] == []


async def test_reserves_are_held_used_and_new_by_mineral_with_the_mines_not_reporting(
    reporting_both: ServiceUnderTest,
) -> None:
    service = reporting_both
    await _story(service)
    r = await service.client.get(
        "/reporting/v1/reserves", params={"year": 2022}, headers=service.auth("planner")
    )
    assert r.status_code == 200, r.text
    body = r.json()
    rows = {m["mineral"]: m for m in body["minerals"]}
    iron = rows["铁矿"]
    # s1: 1000 − 100 − 10 = 890; s2 corrected: 500 − 40 − 4 − 6 = 450 (its 新增 30 withdrawn)
    assert iron["closing_10kt"] == 1340
    assert iron["used_10kt"] == 154
    assert (iron["extracted_10kt"], iron["lost_10kt"]) == (140, 14)
    assert iron["new_proven_10kt"] == 0
    assert iron["recalculated_10kt"] == -6
    assert iron["mines_reporting"] == 2
    assert len(iron["event_ids"]) == 2
    assert rows["建筑石料"]["closing_10kt"] == 245
    gold = rows["金矿"]
    assert (gold["mines_reporting"], gold["mines_not_reporting"]) == (0, 1)
    assert gold["closing_10kt"] is None  # 未报
    assert (body["mines_reporting"], body["mines_not_reporting"]) == (3, 1)
    assert [m["mineral"] for m in body["minerals"]] == ["铁矿", "建筑石料", "金矿"]
    assert body["as_of_position"] > 0

    later = await service.client.get(
        "/reporting/v1/reserves", params={"year": 2023}, headers=service.auth("planner")
    )
    assert {m["mineral"]: m["closing_10kt"] for m in later.json()["minerals"]} == {
        "铁矿": None,
        "建筑石料": None,
        "金矿": None,
    }


async def test_a_late_old_version_of_a_reserves_report_changes_nothing(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published(), licence(C1))
    await send(reporting, reserves("s1", C1, version=2, opening="800", extracted="20", lost="0"))
    late = reserves("s1", C1, version=1, opening="1000", extracted="100", lost="10")
    await send(reporting, late)  # another copy of version 1, with its own event id
    r = await reporting.client.get(
        "/reporting/v1/reserves", params={"year": 2022}, headers=reporting.auth("viewer")
    )
    [iron] = r.json()["minerals"]
    assert (iron["closing_10kt"], iron["used_10kt"]) == (780, 20)  # version 2's figures
    assert late.id not in iron["event_ids"]


@pytest.mark.parametrize("path", ["/reporting/v1/reserves", "/reporting/v1/output"])
async def test_a_year_outside_the_plan_or_a_missing_plan_is_a_problem_naming_the_field(
    reporting: ServiceUnderTest, path: str
) -> None:
    viewer = reporting.auth("viewer")
    before = await reporting.client.get(path, params={"year": 2022}, headers=viewer)
    assert before.status_code == 404
    assert before.json()["detail"].startswith("plan_id:")
    await send(reporting, plan_published())
    for year in ("2019", "2026", "nonsense"):
        r = await reporting.client.get(path, params={"year": year}, headers=viewer)
        assert r.status_code == 422, year
        assert r.headers["content-type"] == "application/problem+json"
        assert "year" in r.text
    missing = await reporting.client.get(path, headers=viewer)
    assert missing.status_code == 422
    assert "year" in missing.text


async def test_reserves_are_refused_without_a_token_to_a_mine_and_to_a_mines_key(
    reporting: ServiceUnderTest,
) -> None:
    await send(reporting, plan_published())
    path, year = "/reporting/v1/reserves", {"year": 2022}
    anonymous = await reporting.client.get(path, params=year)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    mine = await reporting.client.get(
        path, params=year, headers=reporting.auth("mine", enterprise=ENTERPRISE)
    )
    assert mine.status_code == 403
    assert mine.headers["content-type"] == "application/problem+json"

    issued, key = api_key_issued(ENTERPRISE)
    await send(reporting, issued, expect_new=0)  # a key's event is not journaled
    by_key = {"Authorization": f"Bearer {key}"}

    async def refused_by_role() -> None:
        r = await reporting.client.get(path, params=year, headers=by_key)
        assert r.status_code == 403, r.text  # known (not 401), but a mine's key

    await eventually(refused_by_role, interval_s=0.05, what="the key to reach reporting")
    staff = await reporting.client.get(path, params=year, headers=reporting.auth("inspector"))
    assert staff.status_code == 200


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return re.sub(r"\s+", "", extracted)


def _sheet(content: bytes, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(BytesIO(content))[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_the_annual_report_shows_output_value_reserves_and_box_1_in_three_formats(
    reporting_both: ServiceUnderTest, tmp_path: Path
) -> None:
    service = reporting_both
    await _story(service)
    viewer = service.auth("viewer")
    url = "/reporting/v1/annual-report/2022"

    html = (await service.client.get(url, headers=viewer)).text
    assert '<td class="num">8300</td>' in html
    assert "2022年产值合计 8300 万元（0.83 亿元）；2020年基期 18.9 亿元，第一章第二节 专栏1" in html
    assert '<td class="num">1340</td>' in html  # 保有 of iron
    assert '<td class="num">154</td>' in html  # 动用 of iron
    assert "未报" in html
    assert "矿山企业三率达标率" in html  # 专栏1

    xlsx = (await service.client.get(url, params={"format": "xlsx"}, headers=viewer)).content
    output_rows = {row["矿种"]: row for row in _sheet(xlsx, "开发利用")}
    assert output_rows["铁矿"]["产值（万元）"] == 8300
    assert output_rows["建筑石料"]["产值（万元）"] == "未报"
    assert output_rows["合计"]["产值（万元）"] == 8300
    reserves_rows = {row["矿种"]: row for row in _sheet(xlsx, "储量")}
    assert reserves_rows["铁矿"]["保有（万吨）"] == 1340
    assert reserves_rows["铁矿"]["动用（万吨）"] == 154
    assert reserves_rows["金矿"]["保有（万吨）"] == "未报"
    assert len(_sheet(xlsx, "上轮规划完成情况")) == 14

    pdf = (await service.client.get(url, params={"format": "pdf"}, headers=viewer)).content
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        missing("pdftotext", "poppler-utils not installed: the PDF's text is not read")
    text = _pdf_text(pdf, tmp_path)
    for expected in (
        "2022年产值合计8300万元（0.83亿元）；2020年基期18.9亿元",
        "2022年矿产资源储量",
        "1340",
        "154",
        "未报",
        "六、规划基期：上轮规划主要指标完成情况",
    ):
        assert expected in text, expected
