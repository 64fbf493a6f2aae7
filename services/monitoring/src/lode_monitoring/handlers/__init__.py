"""Commands and event consumers of the monitoring service."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler
from lode_common.plan.replica import REPLICA_HANDLERS
from lode_monitoring.handlers.replicas import consumers

consumers.include(REPLICA_HANDLERS)

HANDLERS: dict[str, EventHandler] = consumers.handlers
"""Every consumer of the service: the licences (mines) and the plan in force."""
