"""How a plan adjustment proposal is shown: in a list, and whole (steps, document, the
readable diff against its base version)."""

from __future__ import annotations

from typing import Any

from lode_common.plan.diff import plan_changes
from lode_zoning.adapters.tables import PlanProposal, PlanVersion, ProposalStep
from lode_zoning.domain.proposals import allowed_actions


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    text: str = value.isoformat()
    if hasattr(value, "tzinfo") and getattr(value, "hour", None) is not None and not value.tzinfo:
        text += "+00:00"
    return text


def summary(p: PlanProposal) -> dict[str, Any]:
    """The proposal without its document and steps (a list's item)."""
    return {
        "id": p.id,
        "plan_id": p.plan_id,
        "proposed_plan_id": p.proposed_plan_id,
        "kind": "succession" if p.proposed_plan_id != p.plan_id else "adjustment",
        "base_version": p.base_version,
        "status": p.status,
        "allowed_actions": list(allowed_actions(p.status)),  # type: ignore[arg-type]
        "grounds": p.grounds,
        "reason": p.reason,
        "proposed_by": p.proposed_by,
        "created_at": _iso(p.created_at),
        "updated_at": _iso(p.updated_at),
        "zone_changes": dict(p.zone_summary),
        "zones_carried_over": int(p.zone_summary.get("zones_carried_over", 0)),
        "approval_ref": p.approval_ref,
        "approved_on": _iso(p.approved_on),
        "published_version": p.published_version,
        "rejection_reason": p.rejection_reason,
    }


def step(s: ProposalStep) -> dict[str, Any]:
    return {
        "seq": s.seq,
        "action": s.action,
        "from": s.from_status,
        "to": s.to_status,
        "by": s.actor,
        "role": s.role,
        "at": _iso(s.at),
        "note": s.note,
    }


def change(c: Any) -> dict[str, Any]:
    return {
        "section": c.section,
        "section_zh": c.section_zh,
        "path": c.path,
        "key": c.key,
        "kind": c.kind,
        "before": c.before,
        "after": c.after,
        "label_zh": c.label_zh,
    }


def whole(p: PlanProposal, steps: list[ProposalStep], base: PlanVersion | None) -> dict[str, Any]:
    """The proposal with its steps, its document, its zone features and what its document
    changes against its base version (``lode_common.plan.diff``)."""
    changes = plan_changes(base.document, p.document) if base is not None else []
    return {
        **summary(p),
        "steps": [step(s) for s in steps],
        "document": p.document,
        "zones": p.zones,
        "changes": [change(c) for c in changes],
    }
