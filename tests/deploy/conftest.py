"""Fixtures shared by the deployment tests."""

from .test_compose import built  # noqa: F401  (a service's app built from the compose environment)
