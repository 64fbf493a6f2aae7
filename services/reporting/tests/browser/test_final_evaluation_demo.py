"""The 2021–2025 final evaluation (终期评估) produced from the demo data, over HTTP (no
browser): the embedded system with its demo mines, which report 2021–2024."""

from __future__ import annotations

import time
from io import BytesIO

import httpx
from openpyxl import load_workbook

from services.reporting.tests.browser.conftest import Lode

PATH = "/reporting/v1/final-evaluation/pingquan-2021-2025"


def test_the_final_evaluation_from_the_demo_data_in_every_format(lode: Lode) -> None:
    headers = {"Authorization": f"Bearer {lode.viewer_token}"}
    deadline = time.monotonic() + 90
    while True:  # the demo mines' reports reach reporting through the other services
        body = httpx.get(
            f"{lode.url}{PATH}", params={"format": "json"}, headers=headers, timeout=60
        )
        assert body.status_code == 200, body.text
        evaluation = body.json()
        if {c["year"]: c for c in evaluation["coverage"]}[2024]["reporting"] > 0:
            break
        assert time.monotonic() < deadline, "the demo reports did not reach reporting"
        time.sleep(0.5)
    assert evaluation["illustrative"] is True
    assert len(evaluation["indicators"]) == 12
    for row in evaluation["indicators"]:
        assert row["outcome"] in ("achieved", "not_achieved", "no_data")
        assert row["why_zh"]
        assert [point["year"] for point in row["trend"]] == [2021, 2022, 2023, 2024, 2025]
    reported = {c["year"]: c for c in evaluation["coverage"]}
    assert reported[2022]["reporting"] > 0  # the demo mines report 2021–2024

    html = httpx.get(f"{lode.url}{PATH}", headers=headers, timeout=60)
    assert "终期评估报告" in html.text
    assert "示意数据" in html.text
    xlsx = httpx.get(f"{lode.url}{PATH}", params={"format": "xlsx"}, headers=headers, timeout=60)
    assert load_workbook(BytesIO(xlsx.content)).sheetnames[:2] == ["说明", "指标评估"]
    pdf = httpx.get(f"{lode.url}{PATH}", params={"format": "pdf"}, headers=headers, timeout=120)
    assert pdf.content.startswith(b"%PDF-")
