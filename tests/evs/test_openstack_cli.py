"""`openstack volume …` (python-openstackclient) against the emulator."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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

    def run(*args: str) -> object:
        done = subprocess.run(
            [OPENSTACK, *args, "-f", "json"], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return run


def test_volume_create_show_list(flexemu, cli):
    created = cli(
        "volume",
        "create",
        "--size",
        "10",
        "--type",
        "SSD",
        "--availability-zone",
        "eu-west-0c",
        "cli-disk",
    )
    assert (created["size"], created["type"], created["status"]) == (10, "SSD", "creating")
    flexemu.advance("PT1M")
    shown = cli("volume", "show", "cli-disk")
    assert (shown["status"], shown["availability_zone"]) == ("available", "eu-west-0c")
    assert [v["Name"] for v in cli("volume", "list")] == ["cli-disk"]


def test_volume_type_list(cli):
    assert {t["Name"] for t in cli("volume", "type", "list")} == {"SATA", "SAS", "SSD"}


def test_image_list(cli):
    images = {image["Name"]: image for image in cli("image", "list", "--long")}
    assert {"OBS Ubuntu 18.04", "OBS Windows Server 2019 Standard"} <= set(images)
    assert images["OBS CentOS 7.9"]["Visibility"] == "public"
