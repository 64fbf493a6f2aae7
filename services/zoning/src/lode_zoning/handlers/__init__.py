"""Commands and event consumers of the zoning service."""

from __future__ import annotations

from lode_common import api_keys
from lode_common.messaging.consumers import Consumers
from lode_zoning.handlers import licences

CONSUMERS = Consumers()
"""Every event zoning consumes: licensing's licences and monitoring's API keys."""
CONSUMERS.include(licences.consumers.handlers)
CONSUMERS.include(api_keys.REPLICA_HANDLERS)
