"""Test harness: real PostgreSQL and a real Kafka-protocol broker for the test suites, and
:func:`eventually`, the one way a test waits for something asynchronous.

Used as a pytest plugin (``pytest_plugins = ["lode_common.testing.plugin"]``).
"""

from lode_common.testing.eventually import eventually

__all__ = ["eventually"]
