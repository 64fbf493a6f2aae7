"""The province approval platform for the system tests: ``lode``'s simulator in a process of
its own, behind a switch the tests turn to put faults on it.

    python -m tests.system.province_platform --port P --secret S

``POST /_control`` with ``{"mode": "ok" | "error" | "slow", "slow_s": 12, "duplicate": true}``:
``error`` answers every forward 500 (a problem body), ``slow`` holds each forward ``slow_s``
before the simulator takes it (longer than Lode's timeout: Lode gives up, retries with the same
``Idempotency-Key``), ``duplicate`` makes the simulator call back every decision twice.
``GET /_control`` shows the switch and the forwards seen in each mode. "Down" is the process
killed (connection refused) and started again on the same port.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from collections import Counter
from typing import Any

import uvicorn
from starlette.types import Receive, Scope, Send

from lode.doubles.province_sim import SimPolicy, create_sim_app


class Switch:
    """ASGI wrapper: the control endpoint, then the faults, then the simulator."""

    def __init__(self, secret: str) -> None:
        self.sim_app = create_sim_app(
            secret=secret, policy=SimPolicy(), callback_delay_s=0.2, callback_backoff_s=0.5
        )
        self.simulator = self.sim_app.state.simulator
        self.mode = "ok"
        self.slow_s = 12.0
        self.seen: Counter[str] = Counter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/_control":
            await self._control(scope, receive, send)
            return
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == "/applications"
        ):
            self.seen[self.mode] += 1
            if self.mode == "error":
                await _json(
                    send,
                    500,
                    {"title": "Internal error", "status": 500},
                    "application/problem+json",
                )
                return
            if self.mode == "slow":
                await asyncio.sleep(self.slow_s)
        await self.sim_app(scope, receive, send)

    async def _control(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] == "POST":
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            wanted = json.loads(body or b"{}")
            self.mode = wanted.get("mode", self.mode)
            self.slow_s = float(wanted.get("slow_s", self.slow_s))
            if "duplicate" in wanted:
                self.simulator.policy = dataclasses.replace(
                    self.simulator.policy, duplicate_callbacks=bool(wanted["duplicate"])
                )
        await _json(
            send,
            200,
            {
                "mode": self.mode,
                "slow_s": self.slow_s,
                "duplicate": self.simulator.policy.duplicate_callbacks,
                "seen": dict(self.seen),
                "decisions": len(self.simulator.records),
            },
        )


async def _json(send: Send, status: int, body: Any, content_type: str = "application/json") -> None:
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type.encode()),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    uvicorn.run(Switch(args.secret), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
