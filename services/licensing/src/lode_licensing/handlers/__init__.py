"""Commands and event consumers of the licensing service."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler
from lode_licensing.handlers import replicas

HANDLERS: dict[str, EventHandler] = {
    "lode.zoning.plan.published": replicas.on_plan_published,
    "lode.zoning.block.holder_assigned": replicas.on_holder_assigned,
    "lode.zoning.block.holder_released": replicas.on_holder_released,
}
