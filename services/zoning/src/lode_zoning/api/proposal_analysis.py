"""The index ``POST /zoning/v1/analysis`` answers from under a proposal (``proposal_id``):
the zones as they would be if the proposal were approved (``adapters.proposal_index``)."""

from __future__ import annotations

from lode_common import auth
from lode_common.auth import Principal
from lode_common.errors import Forbidden, InvalidInput, NotFound
from lode_zoning.adapters.proposal_index import Overlay, ProposedZone
from lode_zoning.adapters.spatial_index import SpatialIndex, index_sources
from lode_zoning.api.proposal_zones import read_zone_changes
from lode_zoning.container import Zoning
from lode_zoning.handlers import plans, proposals

OPEN = ("draft", "submitted")
"""The proposals an analysis may be made under: those not decided yet."""


async def index_under(
    parts: Zoning, proposal_id: str, principal: Principal
) -> tuple[SpatialIndex, str]:
    """The overlay index of ``proposal_id`` and the plan it proposes. Raises a problem
    naming ``proposal_id`` when there is no such open proposal."""
    if not principal.has(auth.PLANNER, auth.APPROVER, auth.VIEWER):
        raise Forbidden(
            "proposal_id: analysing under a proposal is for the bureau's staff "
            "(planner, approver, viewer)",
            errors=[{"field": "proposal_id", "message": "staff only"}],
        )
    plain = await parts.spatial_index.current()
    async with parts.runtime.sessions() as session:
        proposal = await proposals.find(session, proposal_id)
        if proposal is None:
            message = "no such proposal; GET /zoning/v1/plans/{plan_id}/proposals lists them"
            raise NotFound(
                f"proposal_id: {message}", errors=[{"field": "proposal_id", "message": message}]
            )
        if proposal.status not in OPEN:
            raise InvalidInput.field(
                "proposal_id",
                f"the proposal is {proposal.status}; analyse under a draft or submitted one, "
                "or without proposal_id for the plan in force",
            )
        key = (proposal.id, proposal.updated_at, plain.generation)
        if (kept := parts.overlays.get(key)) is not None:
            return kept, proposal.proposed_plan_id
        base = await plans.current_version(session, proposal.plan_id)
        if base is None:  # pragma: no cover - a proposal is made against a published plan
            raise InvalidInput.field("proposal_id", "its plan is not published")
        changes = await read_zone_changes(
            session,
            parts.boundaries,
            proposal.zones,
            plan=base,
            proposed_plan_id=proposal.proposed_plan_id,
            document=proposal.document,
        )
        sources = await index_sources(session)
    zones = [
        ProposedZone(zone_id, z.plan_id, z.type, z.code, z.name_zh, z.properties, z.geojson)
        for zone_id, z in changes.changed.items()
    ] + [
        ProposedZone(
            f"proposed:{proposal.id}:{n}",
            z.plan_id,
            z.type,
            z.code,
            z.name_zh,
            z.properties,
            z.geojson,
        )
        for n, z in enumerate(changes.created)
    ]
    overlay = Overlay(
        plan_id=proposal.plan_id,
        proposed_plan_id=proposal.proposed_plan_id,
        extent=[float(v) for v in proposal.document["region"]["approx_extent_lonlat"]],
        zones=zones,
        removed=frozenset([*changes.changed, *changes.retired]),
    )
    return await parts.overlays.build(key, sources, overlay), proposal.proposed_plan_id
