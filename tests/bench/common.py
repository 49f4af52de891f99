"""Helpers shared by the benchmarks: free ports, processes, timing, resident memory."""

import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], health_url: str) -> tuple[subprocess.Popen[bytes], float]:
    """Start a server; return it and the seconds until its first 200."""
    began = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while True:
        try:
            if httpx.get(health_url, timeout=1).status_code == 200:
                return process, time.perf_counter() - began
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.perf_counter() - began > 30:
            raise RuntimeError(f"{command} did not start")
        time.sleep(0.002)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def per_call_ms(action: Callable[[], object], repeat: int) -> float:
    for _ in range(min(20, repeat)):
        action()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples) * 1000


def flexemu_command(port: int) -> list[str]:
    return [str(BIN / "flexemu"), "serve", "--ephemeral", "--port", str(port)]


def bare_command(port: int) -> list[str]:
    return [
        str(BIN / "python"),
        "-m",
        "uvicorn",
        "tests.bench.bare_app:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
