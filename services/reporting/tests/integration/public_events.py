"""Licensing's application events as it publishes them (issue 18's public decisions), each at
a chosen time."""

from __future__ import annotations

from datetime import datetime

from lode_common.events import catalog
from lode_common.events.envelope import Envelope


def submitted(
    application_id: str,
    *,
    at: datetime,
    name: str = "平泉示意矿业有限公司",
    credit_code: str = "91130881MA0A000007",
    kind: str = "new",
    right_type: str = "mining",
    mineral: str = "铁矿",
    licence_no: str | None = None,
) -> Envelope:
    payload = catalog.ApplicationSubmitted.model_validate(
        {
            "application_id": application_id,
            "right_type": right_type,
            "kind": kind,
            "applicant": {"name": name, "credit_code": credit_code},
            "mineral": mineral,
            "licence_no": licence_no,
        }
    )
    return payload.envelope(application_id).model_copy(update={"time": at})


def checked(application_id: str, *, at: datetime) -> Envelope:
    """The plan checks (规划审查), which reporting does not take: nothing of them is public."""
    payload = catalog.ApplicationChecked(
        application_id=application_id,
        verdict="ineligible",
        checks=[
            catalog.Check(
                rule_id="forbidden-zone-overlap",
                outcome="fail",
                message="与禁止开采区重叠 0.42 公顷（内部审查意见）",
                clause="第五章第二节",
            )
        ],
        plan_id="pingquan-2021-2025",
        plan_version=1,
    )
    return payload.envelope(application_id).model_copy(update={"time": at})


def decided(
    application_id: str,
    decision: str,
    *,
    at: datetime,
    reason: str | None = None,
    licence_no: str | None = None,
) -> Envelope:
    payload = catalog.ApplicationDecided.model_validate(
        {
            "application_id": application_id,
            "decision": decision,
            "reason": reason,
            "licence_no": licence_no,
        }
    )
    return payload.envelope(application_id).model_copy(update={"time": at})
