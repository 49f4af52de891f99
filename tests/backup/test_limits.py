"""The VBS limits at their boundaries: 20 backups per disk, 360 and 200 TB per tenant (refused
with the real codes, nothing written), and 5 operations at once per tenant (the surplus waits,
first come first served, and never holds another tenant back)."""

from tests.backup.conftest import (
    BACKUP_SECONDS,
    Vbs,
    available_volumes,
    drain,
    fill,
    set_quotas,
)

PER_DISK, PER_TENANT, TENANT_GB = 20, 360, 200 * 1024


def backup_count(vbs: Vbs) -> int:
    return len(vbs.ok("GET", "/v2/{pid}/backups")["backups"])


def usage(flexemu, pid: str) -> dict[str, int]:
    quotas = flexemu.admin("GET", f"/quotas/{pid}").json()["quotas"]
    return {key: quotas[key]["in_use"] for key in ("backups", "backup_gigabytes")}


def test_the_twentieth_backup_of_a_disk_is_accepted_the_twenty_first_refused(
    flexemu, conn, vbs, pid
):
    [volume] = available_volumes(flexemu, conn, 1)
    fill(flexemu, pid, [volume.id], PER_DISK - 1)
    assert vbs.job(vbs.backup(volume.id, name="twentieth"))["status"] == "RUNNING"
    drain(flexemu)
    assert backup_count(vbs) == PER_DISK
    refused = vbs(
        "POST", "/v2/{pid}/cloudbackups", json={"backup": {"volume_id": volume.id, "name": "x"}}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "VolumeBackup.0040"
    cinder = vbs("POST", "/v3/{pid}/backups", json={"backup": {"volume_id": volume.id}})
    assert (cinder.status_code, list(cinder.json())) == (400, ["badRequest"])
    assert backup_count(vbs) == PER_DISK
    assert usage(flexemu, pid) == {"backups": PER_DISK, "backup_gigabytes": PER_DISK * 10}


def test_the_360th_backup_of_a_tenant_is_accepted_the_361st_refused(flexemu, conn, vbs, pid):
    disks = available_volumes(flexemu, conn, PER_TENANT // PER_DISK + 1, size=10)
    full, spare = disks[:-1], disks[-1]
    fill(flexemu, pid, [volume.id for volume in full[1:]], PER_DISK)
    fill(flexemu, pid, [full[0].id], PER_DISK - 1)
    assert vbs.job(vbs.backup(full[0].id, name="last"))["status"] == "RUNNING"
    drain(flexemu)
    assert usage(flexemu, pid) == {"backups": PER_TENANT, "backup_gigabytes": PER_TENANT * 10}
    refused = vbs("POST", "/v3/{pid}/backups", json={"backup": {"volume_id": spare.id}})
    assert refused.status_code == 413
    assert refused.json()["overLimit"]["message"] == (
        "BackupLimitExceeded: Maximum number of backups allowed (360) exceeded"
    )
    native = vbs(
        "POST", "/v2/{pid}/cloudbackups", json={"backup": {"volume_id": spare.id, "name": "x"}}
    )
    assert (native.status_code, native.json()["error"]["code"]) == (400, "VolumeBackup.0080")
    assert conn.block_storage.get_volume(spare).status == "available"
    assert usage(flexemu, pid)["backups"] == PER_TENANT


def test_200_tb_of_backups_per_tenant(flexemu, conn, vbs, pid):
    set_quotas(flexemu, pid, gigabytes=-1, per_volume_gigabytes=-1)
    [big] = available_volumes(flexemu, conn, 1, size=32768)
    [small] = available_volumes(flexemu, conn, 1, size=TENANT_GB - 6 * 32768)
    fill(flexemu, pid, [big.id], 6)
    vbs.backup(small.id)  # exactly 200 TB: accepted
    drain(flexemu)
    assert usage(flexemu, pid) == {"backups": 7, "backup_gigabytes": TENANT_GB}
    refused = vbs("POST", "/v3/{pid}/backups", json={"backup": {"volume_id": big.id}})
    assert refused.status_code == 413
    assert refused.json()["overLimit"]["message"].startswith(
        "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup "
        f"gigabytes quota. Requested 32768G, quota is {TENANT_GB}G"
    )
    native = vbs(
        "POST", "/v2/{pid}/cloudbackups", json={"backup": {"volume_id": big.id, "name": "x"}}
    )
    assert (native.status_code, native.json()["error"]["code"]) == (400, "VolumeBackup.0081")
    assert backup_count(vbs) == 7


def statuses(vbs: Vbs, job_ids: list[str]) -> list[str]:
    return [vbs.job(job_id)["status"] for job_id in job_ids]


def test_the_sixth_operation_waits_for_a_slot_then_runs(flexemu, conn, vbs):
    volumes = available_volumes(flexemu, conn, 6)
    job_ids = [vbs.backup(volume.id) for volume in volumes]
    assert statuses(vbs, job_ids) == ["RUNNING"] * 5 + ["INIT"]
    sixth = vbs.job(job_ids[5])["entities"]["backup_id"]
    assert conn.block_storage.get_backup(sixth).status == "creating"
    drain(flexemu)
    assert statuses(vbs, job_ids) == ["SUCCESS"] * 5 + ["RUNNING"]
    assert conn.block_storage.get_backup(sixth).status == "creating"
    drain(flexemu)
    assert statuses(vbs, job_ids) == ["SUCCESS"] * 6
    assert conn.block_storage.get_backup(sixth).status == "available"


def test_waiting_operations_start_first_come_first_served(flexemu, conn, vbs):
    volumes = available_volumes(flexemu, conn, 7)
    early = vbs.backup(volumes[0].id)
    # The clock is real time plus an offset: the later backups start 4 virtual seconds after
    # the early one, a margin for the real seconds a loaded machine spends creating them.
    flexemu.advance("PT4S")
    job_ids = [early] + [vbs.backup(volume.id) for volume in volumes[1:]]
    assert statuses(vbs, job_ids[5:]) == ["INIT", "INIT"]
    flexemu.advance(f"PT{BACKUP_SECONDS - 4}S")  # only the early one has ended
    assert statuses(vbs, job_ids) == ["SUCCESS"] + ["RUNNING"] * 5 + ["INIT"]


def test_deletes_and_restores_take_slots_too(flexemu, conn, vbs):
    volumes = available_volumes(flexemu, conn, 6)
    first = conn.block_storage.create_backup(volume_id=volumes[0].id)
    drain(flexemu)
    for volume in volumes[1:]:
        vbs.backup(volume.id)
    conn.block_storage.delete_backup(first)
    drain(flexemu)
    assert conn.block_storage.get_backup(first).status == "deleting"
    drain(flexemu)
    assert [b.id for b in conn.block_storage.backups() if b.id == first.id] == []


def second_tenant(flexemu) -> Vbs:
    account = {"domain": "OCB0000002", "user": "bob", "password": "Bob-Passw0rd!"}
    created = flexemu.admin("POST", "/accounts", json=account)
    assert created.status_code == 201, created.text
    conn = flexemu.openstack(
        "eu-west-0",
        username="bob",
        password=account["password"],
        user_domain_name="OCB0000002",
        project_domain_name="OCB0000002",
    )
    project_id = next(p["id"] for p in created.json()["projects"] if p["name"] == "eu-west-0")
    vbs = Vbs(flexemu.url, conn.auth_token, project_id)
    vbs.conn = conn  # type: ignore[attr-defined]
    return vbs


def test_a_busy_tenant_never_holds_another_back(flexemu, conn, vbs):
    other = second_tenant(flexemu)
    [volume] = available_volumes(flexemu, other.conn, 1)  # type: ignore[attr-defined]
    busy = [vbs.backup(volume.id) for volume in available_volumes(flexemu, conn, 7)]
    assert statuses(vbs, busy) == ["RUNNING"] * 5 + ["INIT"] * 2
    assert other.job(other.backup(volume.id))["status"] == "RUNNING"


def test_the_defaults_are_the_real_limits_and_cinder_shows_them(vbs, pid):
    quota_set = vbs.ok("GET", f"/v3/{{pid}}/os-quota-sets/{pid}?usage=True")["quota_set"]
    assert quota_set["backups"]["limit"] == PER_TENANT
    assert quota_set["backup_gigabytes"]["limit"] == TENANT_GB
    assert "backup_operations" not in quota_set


def test_cinder_absolute_limits_count_the_backups(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1, size=20)
    conn.block_storage.create_backup(volume_id=volume.id)
    drain(flexemu)
    limits = conn.block_storage.get_limits().absolute
    assert (limits.max_total_backups, limits.total_backups_used) == (PER_TENANT, 1)
    assert (limits.max_total_backup_gigabytes, limits.total_backup_gigabytes_used) == (
        TENANT_GB,
        20,
    )
