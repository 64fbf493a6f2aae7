"""Commands and event consumers of the zoning service."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler
from lode_zoning.handlers import licences

HANDLERS: dict[str, EventHandler] = {
    f"lode.licensing.licence.{action}": licences.on_licence_event
    for action in licences.LICENCE_ACTIONS
}
