"""Integration events: the CloudEvents envelope and the versioned payloads other systems consume."""

from lode_common.events.envelope import Envelope, new_envelope
from lode_common.events.registry import EventPayload, payload_class, registered_types

__all__ = ["Envelope", "EventPayload", "new_envelope", "payload_class", "registered_types"]
