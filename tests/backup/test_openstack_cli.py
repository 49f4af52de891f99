"""`openstack volume backup …` (python-openstackclient) against the emulator."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.backup.conftest import available_volumes, drain

OPENSTACK = str(Path(sys.executable).with_name("openstack"))


@pytest.fixture
def cli(flexemu):
    env = {
        **os.environ,
        "OS_AUTH_URL": flexemu.auth_url,
        "OS_USERNAME": flexemu.username,
        "OS_PASSWORD": flexemu.password,
        "OS_USER_DOMAIN_NAME": flexemu.domain,
        "OS_PROJECT_NAME": "eu-west-0",
        "OS_PROJECT_DOMAIN_NAME": flexemu.domain,
        "OS_REGION_NAME": "eu-west-0",
        "OS_IDENTITY_API_VERSION": "3",
    }

    def run(*args: str, output: bool = True) -> object:
        command = [OPENSTACK, *args, *(["-f", "json"] if output else [])]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout) if output else None

    return run


def test_backup_create_list_restore_delete(flexemu, conn, cli):
    source, target = available_volumes(flexemu, conn, 2)
    created = cli("volume", "backup", "create", "--name", "nightly", source.id)
    drain(flexemu)
    listed = cli("volume", "backup", "list")
    assert [(b["ID"], b["Name"], b["Status"]) for b in listed] == [
        (created["id"], "nightly", "available")
    ]
    restored = cli("volume", "backup", "restore", "--force", created["id"], target.id)
    assert restored["volume_id"] == target.id
    drain(flexemu)
    cli("volume", "backup", "delete", created["id"], output=False)
    drain(flexemu)
    assert list(conn.block_storage.backups()) == []
