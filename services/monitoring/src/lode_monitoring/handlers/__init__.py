"""Commands and event consumers of the monitoring service."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler
from lode_monitoring.handlers import replicas

LICENCE_ACTIONS = (
    "issued",
    "renewed",
    "changed",
    "transferred",
    "suspended",
    "revoked",
    "expired",
    "cancelled",
)

HANDLERS: dict[str, EventHandler] = {
    "lode.zoning.plan.published": replicas.on_plan_published,
    **{f"lode.licensing.licence.{a}": replicas.on_licence_event for a in LICENCE_ACTIONS},
}
