"""The rows a new report writes, read back on both backends: the report (version 1), the
findings it opens, and the outbox rows of its events exactly as ``emit`` stages them
(relayed and published); the write is all or nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from lode_common.events.envelope import Envelope, topic_of
from lode_common.events.registry import payload_class
from lode_common.testing.apps import ServiceUnderTest
from lode_monitoring.adapters.tables import Finding, Report

from .test_reports import IRON, post, ready, report

pytestmark = pytest.mark.timeout(120)


async def _rows(m: ServiceUnderTest) -> tuple[list[Report], list[Finding], list[Any]]:
    outbox = m.runtime.tables.outbox
    async with m.runtime.sessions() as session:
        reports = list(
            (await session.execute(select(Report).order_by(col(Report.row_id)))).scalars()
        )
        findings = list((await session.execute(select(Finding))).scalars())
        events = list((await session.execute(select(outbox).order_by(outbox.c.seq))).all())
    return reports, findings, events


async def test_a_report_with_findings_writes_these_rows(
    monitoring_both: ServiceUnderTest,
) -> None:
    m = monitoring_both
    keys = await ready(m)
    _, _, before = await _rows(m)
    body = report(year=2024, mining_recovery_pct=74.99, ore_mined_10kt=31.0)
    r = await post(m, keys["a"], body, idem="2024-annual")
    assert r.status_code == 201, r.text
    answer = r.json()

    (row,), findings, events = await _rows(m)
    assert row.id == answer["id"]
    assert (row.version, row.is_current, row.licence_no, row.year, row.period) == (
        1,
        True,
        IRON,
        2024,
        "annual",
    )
    assert row.body == body
    assert row.ore_mined_10kt == Decimal("31")
    assert row.reason is None
    assert row.submitted_by.startswith("key:")
    assert row.illustrative is False

    assert sorted(f.code for f in findings) == ["over_capacity", "three_rates_below_standard"]
    by_key = {f["key"]: f for f in answer["findings"]}
    for f in findings:
        assert (f.status, f.report_id, f.licence_no, f.year) == ("open", row.id, IRON, 2024)
        assert f.message == by_key[f.key]["message"]
        assert f.standard == by_key[f.key]["standard"]
        assert f.details == by_key[f.key]["details"]
        assert f.closed_at is None

    new = events[len(before) :]
    assert [e.type for e in new] == [
        "lode.monitoring.output.reported.v1",
        "lode.monitoring.finding.opened.v1",
        "lode.monitoring.finding.opened.v1",
    ]
    opened_ids = set()
    for e in new:
        envelope = Envelope.from_json(e.envelope)
        assert (e.event_id, e.type, e.key, e.topic) == (
            envelope.id,
            envelope.type,
            envelope.subject,
            topic_of(envelope.type),
        )
        assert envelope.subject == IRON
        assert e.sent_at is not None or e.created_at is not None
        payload = payload_class(envelope.type)
        assert payload is not None
        assert payload.model_validate(envelope.data).model_dump(mode="json") == envelope.data
        if envelope.type.endswith("finding.opened.v1"):
            opened_ids.add(envelope.data["finding_id"])
        else:
            assert envelope.data["report_id"] == row.id
            assert envelope.data["ore_mined_10kt"] == 31
            assert envelope.data["mining_recovery_pct"] == 74.99
    assert opened_ids == {f.id for f in findings}
    published = [e.id for e in await m.published()]
    assert [e.event_id for e in new] == published[-3:]

    again = await post(m, keys["a"], body, idem="2024-annual")  # the first answer again
    assert again.json() == answer
    taken = await post(m, keys["a"], body)  # the period is reported: nothing more written
    assert taken.status_code == 409
    assert answer["id"] in taken.json()["detail"]
    reports, findings_after, events_after = await _rows(m)
    assert (len(reports), len(findings_after), len(events_after)) == (1, 2, len(events))
