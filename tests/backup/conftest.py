"""Clients of volume backups pointed at the emulator: openstacksdk for Cinder `/backups`, raw
httpx with a project-scoped token for the native VBS API (the Huawei SDK has no VBS client)."""

from typing import Any

import httpx
import pytest

BACKUP_SECONDS = 5  # the default FLEXEMU_BACKUP_SECONDS of the session's emulator


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def pid(flexemu):
    return flexemu.project_ids["eu-west-0"]


class Vbs:
    """Raw HTTP with a project-scoped token: `vbs("POST", "/v2/{pid}/cloudbackups", json=...)`."""

    def __init__(self, url: str, token: str, project_id: str):
        self.project_id = project_id
        self.client = httpx.Client(base_url=url, headers={"X-Auth-Token": token})

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, path.replace("{pid}", self.project_id), **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self(method, path, **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def job(self, job_id: str) -> dict[str, Any]:
        return self.ok("GET", f"/v1/{{pid}}/jobs/{job_id}")

    def backup(self, volume_id: str, name: str = "manual", **option: Any) -> str:
        """Create through cloudbackups; returns the job id."""
        body = {"backup": {"volume_id": volume_id, "name": name, **option}}
        return self.ok("POST", "/v2/{pid}/cloudbackups", json=body)["job_id"]


def vbs_for(flexemu, project: str = "eu-west-0", conn=None) -> Vbs:
    conn = conn or flexemu.openstack(project)
    return Vbs(flexemu.url, conn.auth_token, flexemu.project_ids[project])


@pytest.fixture
def vbs(flexemu, conn):
    return vbs_for(flexemu, conn=conn)


def available_volumes(flexemu, conn, count: int, **options: Any) -> list[Any]:
    """`count` volumes of 10 GB (unless told), available."""
    made = [
        conn.block_storage.create_volume(size=options.pop("size", 10), **options)
        for _ in range(count)
    ]
    flexemu.advance("PT1M")
    return made


def drain(flexemu, operations: int = 1) -> None:
    """Let `operations` rounds of five queued backup operations run."""
    flexemu.advance(f"PT{BACKUP_SECONDS * operations + 1}S")


def fill(flexemu, project_id: str, volume_ids: list[str], rounds: int) -> None:
    """`rounds` backups of each volume through the real operation, in-process and with
    instant operations: the quick way to reach the tenant limits (360, 200 TB)."""
    from apis.backup.backups import BackupSpec, Tenant, create_backup

    emulator = flexemu.emulator
    for _ in range(rounds):
        with emulator.db.transaction() as tx:
            tenant = Tenant(project_id, "eu-west-0", emulator.clock.now(), seconds=0.0)
            for volume_id in volume_ids:
                create_backup(tx, tenant, BackupSpec(volume_id=volume_id))
        emulator.tick()


def set_quotas(flexemu, project_id: str, **values: int) -> None:
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": values}).raise_for_status()
