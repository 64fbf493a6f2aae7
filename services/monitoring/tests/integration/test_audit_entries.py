"""The report intake writes its audit entry (审计日志) in the statement of the report itself
(it bypasses the audited sessions), on both backends; the chain then seals and verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from lode_common.audit.jobs import seal_now
from lode_common.audit.recording import AUDIT_ENTRY
from lode_common.audit.verify import verify_database
from lode_common.testing.apps import ServiceUnderTest

from .test_reports import post, ready, report

pytestmark = pytest.mark.timeout(120)


async def _entries(m: ServiceUnderTest, action: str) -> list[dict[str, Any]]:
    """The entries of ``action`` (the key look-up's ``last_used_at`` bookkeeping is none)."""
    e = AUDIT_ENTRY.c
    async with m.runtime.engine.connect() as conn:
        rows = await conn.execute(
            select(AUDIT_ENTRY).where(e.action == action).order_by(e.recorded_at)
        )
        return [dict(r) for r in rows.mappings()]


async def test_each_accepted_report_is_one_entry_and_a_repeat_none(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    plain = await post(m, keys["a"], report())  # the lean statement: one event, nothing else
    assert plain.status_code == 201, plain.text
    flagged = await post(
        m, keys["a"], report(year=2024, mining_recovery_pct=74.99, ore_mined_10kt=31.0), "k-1"
    )
    assert flagged.status_code == 201, flagged.text
    again = await post(m, keys["a"], report())  # the slot is taken: nothing written
    assert again.status_code == 409, again.text

    first, second = await _entries(m, "POST /monitoring/v1/reports")
    assert json.loads(first["subject"]) == {"report": {"inserted": [plain.json()["id"]]}}
    subject = json.loads(second["subject"])
    assert subject["report"] == {"inserted": [flagged.json()["id"]]}
    assert len(subject["finding"]["inserted"]) == len(flagged.json()["findings"]) == 2
    for entry in (first, second):
        assert entry["actor"].startswith("key:")
        assert entry["roles"] == "mine"
        assert entry["request_id"]

    await seal_now(m.runtime)
    report_ = await verify_database("monitoring", m.runtime.engine)
    assert report_.verdict.ok, report_.verdict.broken
    assert report_.unsealed == 0
