"""Start-up to the first 200 and idle RSS: flexemu beside a bare FastAPI/uvicorn app."""

import statistics
import time

from tests.bench.common import bare_command, flexemu_command, free_port, rss_mib, start, stop

RUNS = 5


def measure(command_for, path="/_emulator/health") -> tuple[float, float]:
    startups, memory = [], []
    for _ in range(RUNS):
        port = free_port()
        process, seconds = start(command_for(port), f"http://127.0.0.1:{port}{path}")
        time.sleep(0.5)
        memory.append(rss_mib(process.pid))
        stop(process)
        startups.append(seconds)
    return statistics.median(startups), statistics.median(memory)


def run() -> list[str]:
    bare_start, bare_rss = measure(bare_command)
    emu_start, emu_rss = measure(flexemu_command)
    emu_ready, _ = measure(flexemu_command, "/_emulator/ready")
    return [
        f"start-up to first 200  bare FastAPI {bare_start * 1000:7.0f} ms   "
        f"flexemu {emu_start * 1000:7.0f} ms   ratio {emu_start / bare_start:4.2f} (target <= 1.3)",
        f"start-up to ready (state open, bootstrap account)  flexemu {emu_ready * 1000:7.0f} ms",
        f"idle RSS               bare FastAPI {bare_rss:7.1f} MiB  "
        f"flexemu {emu_rss:7.1f} MiB  (target < 80 MiB)",
    ]
