"""Clients for the ECS tests: openstacksdk, huaweicloudsdkecs, raw Nova over httpx, the CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from huaweicloudsdkecs.v2 import EcsClient

OPENSTACK = str(Path(sys.executable).with_name("openstack"))


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def ecs(flexemu):
    return flexemu.huawei_client(EcsClient)


@pytest.fixture
def project_id(flexemu):
    return flexemu.project_ids["eu-west-0"]


@pytest.fixture
def nova(flexemu, conn, project_id):
    """Raw Nova calls: `nova.get("/flavors", version="2.55")` on /ecs/v2.1/{project_id}."""

    class Nova:
        base = f"{flexemu.url}/ecs/v2.1/{project_id}"
        token = conn.auth_token

        def request(self, method, path, version=None, headers=None, **kwargs):
            sent = {"X-Auth-Token": self.token, **(headers or {})}
            if version:
                sent["OpenStack-API-Version"] = f"compute {version}"
            return httpx.request(method, self.base + path, headers=sent, **kwargs)

        def get(self, path, **kwargs):
            return self.request("GET", path, **kwargs)

        def post(self, path, **kwargs):
            return self.request("POST", path, **kwargs)

        def delete(self, path, **kwargs):
            return self.request("DELETE", path, **kwargs)

    return Nova()


@pytest.fixture
def cli(flexemu):
    """The real `openstack` command; returns its JSON output."""
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


def set_quotas(flexemu, project_id, **values):
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": values}).raise_for_status()
