"""Test harness: real PostgreSQL and a real Kafka-protocol broker for the test suites.

Used as a pytest plugin (``pytest_plugins = ["lode_common.testing.plugin"]``).
"""
