"""Event consumers of the licensing service, by base event type (no version suffix)."""

from __future__ import annotations

from lode_common.messaging.inbox import EventHandler

HANDLERS: dict[str, EventHandler] = {}
