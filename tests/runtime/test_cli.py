"""The image's entry command (`flexemu serve`, as docker/Dockerfile runs it), run directly."""

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

DOCKERFILE = Path(__file__).parents[2] / "docker" / "Dockerfile"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def without_database_url() -> dict[str, str]:
    """The environment of this run, less a database URL the suite may be running against."""
    return {k: v for k, v in os.environ.items() if k != "FLEXEMU_DATABASE_URL"}


def image_entrypoint_and_env() -> tuple[list[str], dict[str, str]]:
    text = DOCKERFILE.read_text()
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
    env_block = re.search(r"^ENV (.*?)(?=^\S)", text, re.M | re.S).group(1)
    env = dict(re.findall(r"(\w+)=(\S+)", env_block.replace("\\\n", " ")))
    return entrypoint, env


def test_entry_command_serves_health_with_the_image_environment(tmp_path):
    entrypoint, image_env = image_entrypoint_and_env()
    assert entrypoint[:2] == ["flexemu", "serve"]
    port = free_port()
    env = {
        **without_database_url(),
        **image_env,
        "FLEXEMU_HOST": "127.0.0.1",
        "FLEXEMU_PORT": str(port),
        "FLEXEMU_STATE_DIR": str(tmp_path / "data"),
    }
    command = [str(Path(sys.executable).with_name(entrypoint[0])), *entrypoint[1:]]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "no health answer in 20 s"
                time.sleep(0.05)
        assert response.json()["status"] == "ok"
        while httpx.get(f"http://127.0.0.1:{port}/_emulator/ready").status_code != 200:
            assert time.monotonic() < deadline, "not ready in 20 s"
            time.sleep(0.05)
        assert (tmp_path / "data" / "flexemu.db").exists()
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"listening on http://127.0.0.1:{port}" in output
    assert "FLEXEMUACCESSKEY0001" in output and "eu-west-0 = " in output


def test_flags_override_the_environment(tmp_path):
    port = free_port()
    env = {**without_database_url(), "FLEXEMU_PORT": "1", "FLEXEMU_BOOTSTRAP_USER": "root"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("flexemu")),
            "serve",
            "--ephemeral",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_emulator/ready").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert "user root" in output and "in memory" in output
