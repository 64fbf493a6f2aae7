"""Staff passwords, stored as argon2id hashes (memory-hard: RFC 9106), never as themselves.

Hashing and verifying are deliberately slow (tens of milliseconds and 64 MiB each with
argon2-cffi's defaults, RFC 9106's second recommended option), so they run in a worker
thread, a few at a time: a burst of sign-in attempts waits its turn instead of stopping the
event loop or exhausting memory.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

CONCURRENT_HASHES = 2
"""Hashes computed at once (the service's machine has two cores; each takes 64 MiB)."""


@dataclass(frozen=True)
class Checked:
    """The outcome of a password check: right or not, and whether the stored hash should be
    replaced (its parameters are older than the hasher's)."""

    ok: bool
    rehash: bool = False


class Passwords:
    """Hashes and checks passwords with one argon2id hasher."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(CONCURRENT_HASHES)
        self._dummy: str | None = None

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    async def check(self, stored: str | None, password: str) -> Checked:
        """Whether ``password`` matches the ``stored`` hash. With no hash (an unknown
        username, an account signing in through OIDC only) one verification is spent all
        the same, against a fixed dummy hash, so the time taken does not tell which
        usernames exist."""
        target = stored or await self._dummy_hash()
        async with self._slots:
            ok = await asyncio.to_thread(self._verify, target, password)
        if not ok or stored is None:
            return Checked(ok=False)
        return Checked(ok=True, rehash=self._hasher.check_needs_rehash(stored))

    def _verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = await self.hash(secrets.token_urlsafe(32))
        return self._dummy
