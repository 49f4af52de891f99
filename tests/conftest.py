"""The `flexemu` fixtures come from the package's pytest plugin (entry point `flexemu`); the
fixtures here are the test suite's own."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

OPENSTACK = str(Path(sys.executable).with_name("openstack"))


@pytest.fixture
def cli(flexemu: Any, tmp_path: Path) -> Callable[..., Any]:
    """The real `openstack` command: `cli("server", "list")` -> its JSON output (None when it
    prints nothing); `output=False` -> what it prints, as text."""
    env = {**os.environ, **flexemu.openstack_env(), "HOME": str(tmp_path)}

    def run(*args: str, output: bool = True) -> Any:
        formatting = ["-f", "json"] if output else []
        done = subprocess.run(
            [OPENSTACK, *args, *formatting], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        if not output:
            return done.stdout
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


@pytest.fixture
def cli_text(cli: Callable[..., Any]) -> Callable[..., str]:
    """The real `openstack` command; returns what it prints."""
    return lambda *args: cli(*args, output=False)
