"""The native VBS API through raw httpx (the Huawei SDK has no VBS client): `cloudbackups` and
jobs, terraform's flow (create, poll the job, read and delete through Cinder `/backups` on the
vbs endpoint), restore, errors, and a request signed by the SDK's own signer."""

import json

from huaweicloudsdkevs.v2 import EvsClient

from tests.backup.conftest import available_volumes, drain
from tests.evs.conftest import create_native, job_status
from tests.signing import signed


def test_terraform_flow_create_poll_read_delete(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1, size=15)
    created = vbs(
        "POST",
        "/vbs/v2/{pid}/cloudbackups",
        json={"backup": {"volume_id": volume.id, "name": "tf-backup", "description": "d"}},
    )
    assert created.status_code == 200
    job_id = created.json()["job_id"]
    job = vbs.job(job_id)
    assert (job["job_type"], job["status"]) == ("bksCreateBackup", "RUNNING")
    drain(flexemu)
    job = vbs.ok("GET", f"/vbs/v1/{{pid}}/jobs/{job_id}")
    assert job["status"] == "SUCCESS"
    backup_id = job["entities"]["backup_id"]
    assert job["entities"]["volume_id"] == volume.id
    shown = vbs.ok("GET", f"/vbs/v2/{{pid}}/backups/{backup_id}")["backup"]
    assert (shown["name"], shown["status"], shown["size"]) == ("tf-backup", "available", 15)
    assert shown["os-bak-tenant-attr:tenant_id"] == vbs.project_id
    assert vbs("DELETE", f"/vbs/v2/{{pid}}/backups/{backup_id}").status_code == 202
    assert vbs.ok("GET", f"/v2/{{pid}}/backups/{backup_id}")["backup"]["status"] == "deleting"
    drain(flexemu)
    assert vbs("GET", f"/vbs/v2/{{pid}}/backups/{backup_id}").status_code == 404


def test_native_backups_are_incremental_unless_full_is_asked(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    first = vbs.backup(volume.id)
    drain(flexemu)
    second = vbs.backup(volume.id)
    drain(flexemu)
    third = vbs.backup(volume.id, extend_param={"FullBackup": "true"})
    drain(flexemu)
    ids = [vbs.job(job)["entities"]["backup_id"] for job in (first, second, third)]
    shown = [vbs.ok("GET", f"/v2/{{pid}}/backups/{i}")["backup"] for i in ids]
    assert [b["is_incremental"] for b in shown] == [False, True, False]
    assert [b["has_dependent_backups"] for b in shown] == [True, False, False]


def test_native_restore_is_a_job(flexemu, conn, vbs):
    source, target = available_volumes(flexemu, conn, 2)
    backup_id = vbs.job(vbs.backup(source.id))["entities"]["backup_id"]
    drain(flexemu)
    restore = vbs.ok(
        "POST",
        f"/v2/{{pid}}/cloudbackups/{backup_id}/restore",
        json={"restore": {"volume_id": target.id}},
    )
    job = vbs.job(restore["job_id"])
    assert (job["job_type"], job["status"]) == ("bksRestoreBackup", "RUNNING")
    assert conn.block_storage.get_volume(target).status == "restoring-backup"
    drain(flexemu)
    assert vbs.job(restore["job_id"])["status"] == "SUCCESS"
    assert conn.block_storage.get_volume(target).status == "available"


def test_native_errors_carry_the_vbs_codes(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    cases = [
        ({"backup": {"volume_id": volume.id, "name": "autobk"}}, 400, "VolumeBackup.0005"),
        ({"backup": {"volume_id": volume.id, "name": "bad name!"}}, 400, "VolumeBackup.0004"),
        ({"backup": {"volume_id": volume.id, "name": ""}}, 400, "VolumeBackup.0007"),
        ({"backup": {"volume_id": "nope", "name": "b"}}, 404, "VolumeBackup.0021"),
        ({"backup": {"name": "b"}}, 400, "VolumeBackup.0002"),
        (
            {"backup": {"volume_id": volume.id, "name": "b", "tags": [{"key": ""}]}},
            400,
            "VolumeBackup.0049",
        ),
    ]
    for body, status, code in cases:
        response = vbs("POST", "/v2/{pid}/cloudbackups", json=body)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
    missing = vbs(
        "POST", "/v2/{pid}/cloudbackups/nope/restore", json={"restore": {"volume_id": volume.id}}
    )
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "VolumeBackup.0111")
    assert vbs.ok("GET", "/v2/{pid}/backups")["backups"] == []
    assert conn.block_storage.get_volume(volume).status == "available"


def test_a_request_signed_by_the_huawei_sdk_signer(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    body = json.dumps({"backup": {"volume_id": volume.id, "name": "signed"}}).encode()
    response = signed(
        "POST",
        f"{flexemu.url}/v2/{vbs.project_id}/cloudbackups",
        flexemu.access_key,
        flexemu.secret_key,
        headers={"Content-Type": "application/json", "X-Project-Id": vbs.project_id},
        body=body,
    )
    assert response.status_code == 200, response.text
    assert vbs.job(response.json()["job_id"])["entities"]["volume_id"] == volume.id


def test_a_native_evs_volume_created_from_a_backup(flexemu, conn, vbs):
    [source] = available_volumes(flexemu, conn, 1, size=20, volume_type="SSD")
    backup_id = vbs.job(vbs.backup(source.id))["entities"]["backup_id"]
    drain(flexemu)
    evs = flexemu.huawei_client(EvsClient)
    created = create_native(
        evs, backup_id=backup_id, size=30, availability_zone="eu-west-0c", volume_type="SSD"
    )
    [volume_id] = created.volume_ids
    volume = conn.block_storage.get_volume(volume_id)
    assert (volume.status, volume.size, volume.volume_type, volume.availability_zone) == (
        "restoring-backup",
        30,
        "SSD",
        "eu-west-0c",
    )
    drain(flexemu)
    assert job_status(evs, created.job_id).status == "SUCCESS"
    assert conn.block_storage.get_volume(volume_id).status == "available"
    too_small = vbs(
        "POST",
        "/v2/{pid}/cloudvolumes",
        json={
            "volume": {
                "backup_id": backup_id,
                "size": 10,
                "volume_type": "SSD",
                "availability_zone": "eu-west-0a",
            }
        },
    )
    assert (too_small.status_code, too_small.json()["error"]["code"]) == (
        400,
        "VolumeBackup.0209",
    )
