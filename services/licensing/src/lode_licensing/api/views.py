"""What the licensing API answers: applications and licences as JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lode_common.auth import Principal
from lode_common.jsonable import jsonable
from lode_licensing.adapters.tables import Application, ApplicationStep, Licence
from lode_licensing.domain import workflow
from lode_licensing.domain.checks.context import ClosureFacts
from lode_licensing.handlers.applications import state_of
from lode_licensing.handlers.licences import state


def _at(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


ANOTHER_HOLDER = "另一主体 (another holder)"
"""How a mine's view names the holder of a planning block that is not itself."""


def _for_applicant(checks: list[dict[str, Any]], enterprise: str | None) -> list[dict[str, Any]]:
    """The checks as an applicant sees them: another enterprise holding a planning block is
    said to exist, not named (zoning's analysis tells a mine which licences it overlaps, not
    whose)."""
    shown: list[dict[str, Any]] = []
    for check in checks:
        raw = check.get("details")
        details: dict[str, Any] = raw if isinstance(raw, dict) else {}
        blocks = [b for b in details.get("blocks") or () if isinstance(b, dict)]
        others = {b.get("holder") for b in blocks} - {None, enterprise}
        if not others:
            shown.append(check)
            continue
        hidden = dict(check)
        for key in ("message", "message_zh", "message_en"):
            text = hidden.get(key)
            if isinstance(text, str):
                for code in others:
                    text = text.replace(str(code), ANOTHER_HOLDER)
                hidden[key] = text
        hidden["details"] = {
            **details,
            "blocks": [
                {**b, "holder": ANOTHER_HOLDER if b.get("holder") in others else b.get("holder")}
                for b in blocks
            ],
        }
        shown.append(hidden)
    return shown


def application(
    row: Application,
    steps: list[ApplicationStep] | None = None,
    *,
    viewer: Principal | None = None,
) -> dict[str, Any]:
    """An application as ``viewer`` may see it: staff see everything; an applicant sees its
    own application without other enterprises' codes or the service's internal errors."""
    applicant = viewer is not None and not viewer.is_staff
    view: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "verdict": row.verdict,
        "right_type": row.right_type,
        "kind": row.kind,
        "applicant": {"name": row.applicant_name, "credit_code": row.applicant_credit_code},
        "mineral": row.mineral,
        "licence_no": row.licence_no,
        "grant_id": row.grant_id,
        "checks": _for_applicant(row.checks, viewer.enterprise)
        if applicant and viewer is not None
        else row.checks,
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
        "last_error": (
            "the checks wait for the spatial analysis and run again by themselves"
            if applicant and row.last_error
            else row.last_error
        ),
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


def closure(facts: ClosureFacts) -> dict[str, Any]:
    """The closure facts recorded for a licence (闭坑: report received, restoration accepted)."""
    report, accepted = facts.closure_report, facts.restoration_acceptance
    return {
        "licence_no": facts.licence_no,
        "closure_report": report.as_dict() if report else None,
        "restoration_acceptance": accepted.as_dict() if accepted else None,
    }
