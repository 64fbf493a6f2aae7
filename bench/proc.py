"""CPU time from /proc, by process and for the whole machine: where the cores went during a
bench run (bench/reports per report, bench/load over the simulated year)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """utime + stime of one process (0 when it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def postgres_cpu_s() -> dict[int, float]:
    """CPU seconds of every PostgreSQL process (the server's and its backends)."""
    found: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    found[int(entry.name)] = process_cpu_s(int(entry.name))
    return found


def machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of every CPU since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)
