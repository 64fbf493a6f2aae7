"""Supervision events (issue 17) as monitoring publishes them, and audit anchors as every
service does, each at a chosen time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from lode_common.events import catalog
from lode_common.events.envelope import Envelope
from lode_common.events.registry import EventPayload
from lode_common.events.supervision import AUDIT_ANCHORED


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def _sent(payload: EventPayload, subject: str, time: datetime) -> Envelope:
    return payload.envelope(subject).model_copy(update={"time": time})


def drawn(
    draw_id: str, population: list[str], chosen: list[str], *, year: int = 2024, on: date
) -> Envelope:
    return _sent(
        catalog.InspectionDrawn(
            draw_id=draw_id,
            year=year,
            ratio_pct=40.0,
            seed=f"seed-{draw_id}",
            algorithm="sha256-rank-v1",
            population=population,
            drawn=chosen,
            drawn_on=on,
        ),
        draw_id,
        _at(on),
    )


def item(name: str, ok: bool = True, *, false_filing: bool = False, **figures: Any) -> Any:
    return catalog.InspectionItem(item=name, ok=ok, false_filing=false_filing, **figures)


def recorded(
    inspection_id: str,
    licence_no: str,
    credit_code: str,
    *,
    on: date,
    items: list[Any],
    draw_id: str | None = None,
    finding_id: str | None = None,
) -> Envelope:
    result = "compliant" if all(i.ok for i in items) else "non_compliant"
    return _sent(
        catalog.InspectionRecorded(
            inspection_id=inspection_id,
            licence_no=licence_no,
            credit_code=credit_code,
            holder_name=f"示意矿业 {credit_code[-4:]}",
            draw_id=draw_id,
            year=on.year,
            inspected_on=on,
            result=result,
            items=items,
            finding_id=finding_id,
        ),
        licence_no,
        _at(on),
    )


def order(
    kind: str,
    order_id: str,
    licence_no: str,
    credit_code: str,
    *,
    ordered_on: date,
    due: date,
    on: date | None = None,
    outcome: str = "done",
) -> Envelope:
    """``ordered``, ``verified`` (``outcome``, on ``on``) or ``overdue`` (on ``on``)."""
    fields: dict[str, Any] = {
        "order_id": order_id,
        "licence_no": licence_no,
        "credit_code": credit_code,
        "holder_name": f"示意矿业 {credit_code[-4:]}",
        "finding_ids": [f"f-{order_id}"],
        "requirement": "限期补报真实数据并整改越界开采",
        "ordered_on": ordered_on,
        "due": due,
    }
    when = on or ordered_on
    if kind == "ordered":
        payload: EventPayload = catalog.RectificationOrdered(**fields)
    elif kind == "verified":
        payload = catalog.RectificationVerified(**fields, outcome=outcome, verified_on=when)
    else:
        payload = catalog.RectificationOverdue(**fields, overdue_on=when)
    return _sent(payload, order_id, _at(when))


def listed(
    listing_id: str,
    credit_code: str,
    *,
    on: date,
    kind: str = "abnormal",
    until: date | None = None,
) -> Envelope:
    return _sent(
        catalog.EnterpriseListed(
            listing_id=listing_id,
            credit_code=credit_code,
            name=f"示意矿业 {credit_code[-4:]}",
            list=kind,
            reason="年度报告逾期未报" if kind == "abnormal" else "虚假填报，情节严重",
            listed_on=on,
            until=until,
        ),
        credit_code,
        _at(on),
    )


def released(listing_id: str, credit_code: str, *, on: date, kind: str = "abnormal") -> Envelope:
    return _sent(
        catalog.EnterpriseReleased(
            listing_id=listing_id,
            credit_code=credit_code,
            name=f"示意矿业 {credit_code[-4:]}",
            list=kind,
            reason="已补报年度报告",
            released_on=on,
        ),
        credit_code,
        _at(on),
    )


def anchored(
    service: str, day: date, seq: int, entry_hash: str, *, at: datetime | None = None
) -> Envelope:
    moment = at or datetime(day.year, day.month, day.day, 16, 5, tzinfo=UTC)
    return _sent(
        AUDIT_ANCHORED[service](
            service=service,
            day=day,
            seq=seq,
            entry_hash=entry_hash,
            algorithm="sha256",
            anchored_at=moment,
        ),
        service,
        moment,
    )
