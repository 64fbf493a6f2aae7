"""CPU seconds by process during the simulated year, from /proc: where the 2 cores went."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.proc import TICK, machine_ticks, postgres_cpu_s, process_cpu_s


@dataclass
class CpuSample:
    processes: dict[str, float]
    postgres: dict[int, float]
    client: float
    machine: tuple[int, int]

    @classmethod
    def take(cls, pids: dict[str, int]) -> CpuSample:
        return cls(
            {name: process_cpu_s(pid) for name, pid in pids.items()},
            postgres_cpu_s(),
            time.process_time(),
            machine_ticks(),
        )

    def since(self, before: CpuSample) -> dict[str, float]:
        """CPU seconds by process (PostgreSQL summed, this client apart), the rest of the
        machine, and how busy the machine was (% of all cores)."""
        used = {n: round(v - before.processes.get(n, 0.0), 2) for n, v in self.processes.items()}
        used["postgres"] = round(
            sum(v - before.postgres.get(pid, 0.0) for pid, v in self.postgres.items()), 2
        )
        used["client (bench)"] = round(self.client - before.client, 2)
        busy = self.machine[0] - before.machine[0]
        total = self.machine[1] - before.machine[1]
        used["others"] = round(max(0.0, busy / TICK - sum(used.values())), 2)
        used["machine_busy_pct"] = round(100 * busy / total, 1) if total else float("nan")
        return used
