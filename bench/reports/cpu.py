"""CPU spent, by process, from /proc: the server, PostgreSQL, the broker, this client and
the rest of the machine."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.proc import TICK, machine_ticks, postgres_cpu_s, process_cpu_s


@dataclass
class CpuSample:
    server: float
    postgres: dict[int, float]
    broker: float
    client: float
    machine: tuple[int, int]

    @classmethod
    def take(cls, server_pid: int | None, broker_pid: int) -> CpuSample:
        return cls(
            process_cpu_s(server_pid) if server_pid else 0.0,
            postgres_cpu_s(),
            process_cpu_s(broker_pid),
            time.process_time(),
            machine_ticks(),
        )

    def used_since(self, before: CpuSample, n: int) -> dict[str, float]:
        """µs of CPU per report by process, and how busy the machine was (%)."""
        pg = sum(v - before.postgres.get(pid, 0.0) for pid, v in self.postgres.items())
        server = self.server - before.server
        client = self.client - before.client
        broker = self.broker - before.broker
        busy = self.machine[0] - before.machine[0]
        total = self.machine[1] - before.machine[1]
        others = max(0.0, busy / TICK - server - pg - client - broker)
        return {
            "server_us": round(server / n * 1e6),
            "postgres_us": round(pg / n * 1e6),
            "client_us": round(client / n * 1e6),
            "broker_us": round(broker / n * 1e6),
            "others_us": round(others / n * 1e6),
            "machine_busy_pct": round(100 * busy / total, 1) if total else float("nan"),
        }
