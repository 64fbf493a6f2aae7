"""The annual report's data assembled from the read models agrees with the indicators."""

from __future__ import annotations

from datetime import date

import pytest

from lode_common.plan.replica import PlanNotLoaded
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.container import Reporting
from lode_reporting.queries.annual import annual_report
from lode_reporting.report.model import IndicatorStatus
from services.reporting.tests.integration.events import (
    at,
    finding,
    licence,
    output,
    plan_published,
    progress,
    send,
)

C1 = "C1308812018019900000001"
C2 = "C1308812022019900000002"


async def test_the_years_report_has_indicators_licences_findings_and_restoration(
    reporting: ServiceUnderTest,
) -> None:
    service = Reporting.of(reporting.runtime)
    with pytest.raises(PlanNotLoaded):
        await annual_report(service, "pingquan-2021-2025", 2022)
    await send(reporting, plan_published())
    await send(
        reporting,
        licence(C1, scale="medium", restoration_plan=[{"year": 2022, "restored_area_ha": 3}]),
        licence(C2, valid_from=date(2022, 2, 1), green_mine=True),
        output("r1", C1, disturbed="4", restored="2.5"),
        progress("p1", "abandoned_mine_restoration", 2021, restored_area_ha=8.5),
        progress("p2", "abandoned_mine_restoration", 2022, restored_area_ha=12, site="示意"),
        finding("f1", C1),
    )
    await send(reporting, licence(C1, "revoked", status="revoked", time=at(2022, 9)))
    report = await annual_report(service, "pingquan-2021-2025", 2022)
    assert report.title_zh == "平泉市矿产资源总体规划2022年度实施情况报告"
    rows = {row.id: row for row in report.indicators}
    assert len(rows) == 12
    assert rows["iron_concentrate_output"].actual == 30
    assert rows["iron_concentrate_output"].target == "200±"
    assert rows["historical_restoration_area"].actual == 12  # the year's own
    assert rows["historical_restoration_area"].cumulative == 20.5
    assert rows["new_mines_green"].status is IndicatorStatus.MET
    assert [(c.licence_no, c.change) for c in report.licences_issued] == [(C2, "issued")]
    assert [(c.licence_no, c.change, c.reason) for c in report.licences_closed] == [
        (C1, "revoked", "测试")
    ]
    assert report.restoration.restored_cumulative_ha == 20.5
    assert report.restoration.target_ha == 150
    [mine] = report.restoration.mines
    assert (mine.disturbed_area_ha, mine.restored_area_ha, mine.planned_restored_ha) == (4, 2.5, 3)
    assert [(m.mineral_zh, m.ore_mined_10kt) for m in report.output_by_mineral] == [("铁矿", 100)]
    assert report.illustrative
    assert [(c.code, c.opened, c.closed) for c in report.findings.counts] == [
        ("three_rates_below_standard", 1, 0)  # about 2022, whenever it was opened
    ]


async def test_the_report_downloads_in_three_formats_with_its_chinese_file_name(
    reporting_both: ServiceUnderTest,
) -> None:
    reporting = reporting_both
    viewer = reporting.auth("viewer")
    before = await reporting.client.get("/reporting/v1/annual-report/2022", headers=viewer)
    assert before.status_code == 404
    assert before.json()["detail"].startswith("plan_id:")
    await send(reporting, plan_published())
    await send(reporting, licence(C1, scale="medium"), output("r1", C1), finding("f1", C1))

    html = await reporting.client.get("/reporting/v1/annual-report/2022", headers=viewer)
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.headers["content-disposition"].startswith("inline;")
    assert "平泉市矿产资源总体规划2022年度实施情况报告" in html.text
    assert C1 in html.text

    xlsx = await reporting.client.get(
        "/reporting/v1/annual-report/2022", params={"format": "xlsx"}, headers=viewer
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert "filename*=UTF-8''" in xlsx.headers["content-disposition"]
    assert (
        'filename="pingquan-2021-2025-annual-report-2022.xlsx"'
        in (xlsx.headers["content-disposition"])
    )

    pdf = await reporting.client.get(
        "/reporting/v1/annual-report/2022", params={"format": "pdf"}, headers=viewer
    )
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/reporting/v1/annual-report/2019", "year"),
        ("/reporting/v1/annual-report/2031", "year"),
        ("/reporting/v1/annual-report/2022?format=docx", "format"),
    ],
)
async def test_a_year_outside_the_plan_or_an_unknown_format_is_refused_naming_the_field(
    reporting: ServiceUnderTest, path: str, field: str
) -> None:
    await send(reporting, plan_published())
    r = await reporting.client.get(path, headers=reporting.auth("planner"))
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert field in r.text


async def test_a_mine_cannot_download_the_report(reporting: ServiceUnderTest) -> None:
    await send(reporting, plan_published())
    r = await reporting.client.get(
        "/reporting/v1/annual-report/2022",
        headers=reporting.auth("mine", enterprise="91130881MA0A000007"),
    )
    assert r.status_code == 403
