"""Clients of block storage pointed at the emulator: openstacksdk, huaweicloudsdkevs, httpx."""

from typing import Any

import httpx
import pytest
from huaweicloudsdkevs.v2 import (
    CreateVolumeOption,
    CreateVolumeRequest,
    CreateVolumeRequestBody,
    EvsClient,
    ShowJobRequest,
)


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def pid(flexemu):
    return flexemu.project_ids["eu-west-0"]


@pytest.fixture
def evs(flexemu):
    return flexemu.huawei_client(EvsClient)


class Api:
    """Raw HTTP with a project-scoped token, for wire details clients hide."""

    def __init__(self, url: str, token: str, project_id: str):
        self.url, self.token, self.project_id = url, token, project_id

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        path = path.replace("{pid}", self.project_id)
        headers = {"X-Auth-Token": self.token, **kwargs.pop("headers", {})}
        return httpx.request(method, self.url + path, headers=headers, **kwargs)


@pytest.fixture
def api(flexemu, conn, pid):
    return Api(flexemu.url, conn.auth_token, pid)


def create_native(evs, **option: Any) -> Any:
    """CreateVolume through huaweicloudsdkevs; returns the response (job_id, volume_ids)."""
    defaults = {"availability_zone": "eu-west-0a", "volume_type": "SATA", "size": 10}
    body = CreateVolumeRequestBody(volume=CreateVolumeOption(**{**defaults, **option}))
    return evs.create_volume(CreateVolumeRequest(body=body))


def job_status(evs, job_id: str) -> Any:
    return evs.show_job(ShowJobRequest(job_id=job_id))


def set_quotas(flexemu, pid: str, **values: int) -> None:
    flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": values}).raise_for_status()
