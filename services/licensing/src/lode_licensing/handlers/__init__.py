"""Commands and event consumers of the licensing service."""

from __future__ import annotations

from lode_common import api_keys
from lode_common.messaging.consumers import Consumers
from lode_common.messaging.inbox import EventHandler
from lode_common.plan import replica
from lode_licensing.handlers import (
    applicant_standing,
    conflicts,
    mine_reports,
    rectifications,
    replicas,
)

CONSUMES: tuple[str, ...] = (replica.TOPIC, api_keys.TOPIC)
"""Zoning's topic (the plan, the block holders) and monitoring's, for mines' API keys,
their output and reserves reports and the supervision lists bidders are on (the rest of
it is skipped before any database work)."""

CONSUMERS = Consumers()
for _handlers in (
    replicas.consumers.handlers,
    mine_reports.consumers.handlers,
    conflicts.consumers.handlers,
    applicant_standing.consumers.handlers,  # the lists (监管名录): bidders', applicants' standing
    rectifications.consumers.handlers,  # rectification orders (责令限期整改), from monitoring
    conflicts.PLAN_HANDLERS,  # the plan's replica, and a sweep of the licences in force
    api_keys.REPLICA_HANDLERS,
):
    CONSUMERS.include(_handlers)

HANDLERS: dict[str, EventHandler] = CONSUMERS.handlers
"""Every consumer of the service by base event type: the block holders, the mines'
output and reserves reports and the enterprises listed (typed), the plan in force and
mines' API keys (the shared replicas); a plan version or a zone change also requests a
sweep of the licences in force for conflicts (:mod:`.conflicts`)."""
