"""The embedded system (no demo data) served by uvicorn on a free loopback port, for the tests
that speak to the services the way another system does: over HTTP, from their OpenAPI
documents (the generated clients, schemathesis).

The admin token and JWT key are the test ones, so ``ServiceUnderTest``-style tokens work."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from lode.embedded import EmbeddedSystem
from lode.testing import served as lode_served
from lode_common.auth import issue_token
from lode_common.testing.apps import ADMIN_TOKEN, JWT_SECRET
from lode_common.testing.services import free_port

PROVINCE_SECRET = "served-province-secret-0123456789abcdef-0123"


@dataclass(frozen=True)
class Served:
    url: str
    system: EmbeddedSystem

    @property
    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def token(self, *roles: str, user: str = "tester") -> str:
        return issue_token(JWT_SECRET, user=user, roles=list(roles), enterprise=None)

    def openapi(self, service: str) -> dict[str, Any]:
        response = httpx.get(f"{self.url}/{service}/openapi.json", timeout=30)
        assert response.status_code == 200, response.text
        document: dict[str, Any] = response.json()
        return document

    def until(self, what: str, check: Any, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting until {what}")


@contextmanager
def served_system(data_dir: Path) -> Iterator[Served]:
    """The four services behind one port until the block ends; the plan has reached
    licensing (an application is answered, not 503) before it is handed out."""
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        # embedded_secrets() takes the admin token and JWT key from the environment
        env.setenv("LODE_ADMIN_TOKEN", ADMIN_TOKEN)
        env.setenv("LODE_JWT_SECRET", JWT_SECRET)
        # schemathesis sends many requests from one address: the public API's rate limit
        # (a crawler's) is not what the conformance run is about
        env.setenv("LODE_REPORTING_PUBLIC_RATE_BURST", "100000")
        system = EmbeddedSystem(
            data_dir=data_dir,
            port=port,
            demo=False,
            environment="development",
            province_url="",
            province_secret=PROVINCE_SECRET,
            log_json=False,
            log_level="WARNING",
        )
    with lode_served(system, name="lode-served") as url:
        served = Served(url, system)

        def plan_reached_licensing() -> bool:
            answer = httpx.post(
                f"{served.url}/licensing/v1/applications",
                json={},
                headers=served.admin,
                timeout=30,
            )
            return answer.status_code != 503

        served.until("the plan reaches licensing", plan_reached_licensing)
        yield served
