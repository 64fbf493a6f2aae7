"""What the licensing API answers: applications and licences as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lode_common.jsonable import jsonable
from lode_licensing.adapters.tables import Application, ApplicationStep, Licence
from lode_licensing.domain import workflow
from lode_licensing.handlers.applications import state_of
from lode_licensing.handlers.licences import state


def _at(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def application(row: Application, steps: list[ApplicationStep] | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "verdict": row.verdict,
        "right_type": row.right_type,
        "kind": row.kind,
        "applicant": {"name": row.applicant_name, "credit_code": row.applicant_credit_code},
        "mineral": row.mineral,
        "licence_no": row.licence_no,
        "checks": row.checks,
        "plan_id": row.plan_id,
        "plan_version": row.plan_version,
        "review": {"outcome": row.review_outcome, "reason": row.review_reason}
        if row.review_outcome
        else None,
        "decision": {
            "decision": row.decision,
            "reason": row.decision_reason,
            "licence_no": row.issued_licence_no,
        }
        if row.decision
        else None,
        "forward": {
            "acknowledged": row.forward_acknowledged,
            "province_reference": row.province_reference,
        }
        if row.status == "forwarded" or row.forward_key
        else None,
        "attempts": row.attempts,
        "next_attempt_at": _at(row.next_attempt_at)
        if row.status in ("pending_checks", "forwarded")
        else None,
        "last_error": row.last_error,
        "allowed_actions": list(workflow.allowed_actions(state_of(row))),
        "submitted_by": row.submitted_by,
        "submitted_at": _at(row.submitted_at),
        "updated_at": _at(row.updated_at),
    }
    if steps is not None:
        view["steps"] = [
            {
                "action": s.action,
                "from": s.from_status or None,
                "to": s.to_status,
                "actor": s.actor,
                "role": s.role,
                "at": _at(s.at),
                "note": s.note,
            }
            for s in steps
        ]
    return view


def licence(row: Licence) -> dict[str, Any]:
    view: dict[str, Any] = jsonable(state(row))
    view["application_id"] = row.application_id
    view["issued_at"] = _at(row.issued_at)
    view["updated_at"] = _at(row.updated_at)
    return view
