"""Builders for the staff sign-in tests: a clock the test moves, a cheap password hasher,
an account made through the admin API, and a browser of its own (its own cookie jar)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from argon2 import PasswordHasher
from sqlalchemy import select

from lode_common.audit.recording import AUDIT_ENTRY
from lode_common.testing.apps import ServiceUnderTest
from lode_reporting.accounts.passwords import Passwords
from lode_reporting.accounts.signin import StaffSignIn
from lode_reporting.container import Reporting

PASSWORD = "correct horse battery"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
"""argon2id with small figures: the tests sign in hundreds of times."""


class Clock:
    """The sign-in clock, moved on by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def move(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def parts(service: ServiceUnderTest) -> StaffSignIn:
    return Reporting.of(service.runtime).sign_in


def quick(service: ServiceUnderTest) -> Clock:
    """Cheap hashes and a movable clock for ``service``'s sign-in."""
    parts(service).passwords = Passwords(CHEAP)
    clock = Clock()
    parts(service).clock = clock
    return clock


async def create_account(
    service: ServiceUnderTest,
    username: str,
    *roles: str,
    password: str | None = PASSWORD,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"username": username, "roles": list(roles), **extra}
    if password is not None:
        body["password"] = password
    answer = await service.client.post(
        "/reporting/v1/accounts", json=body, headers=service.auth("admin-token")
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


@asynccontextmanager
async def browser(
    service: ServiceUnderTest, base_url: str = "http://lode.test"
) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a cookie jar of its own: one officer's browser."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.app), base_url=base_url
    ) as client:
        yield client


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/reporting/v1/session", json={"username": username, "password": password}
    )


def bearer(answer: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def audit_entries(service: ServiceUnderTest) -> list[dict[str, Any]]:
    async with service.runtime.sessions() as session:
        rows = await session.execute(select(AUDIT_ENTRY).order_by(AUDIT_ENTRY.c.recorded_at))
        return [dict(row) for row in rows.mappings()]
