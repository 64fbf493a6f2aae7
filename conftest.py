"""Root conftest: the harness fixtures (PostgreSQL, Kafka) for every test folder."""

pytest_plugins = ["lode_common.testing.plugin"]
