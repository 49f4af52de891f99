"""Backup policies through the native API: CRUD and validation codes, volumes associated and
disassociated, runs on the virtual clock (a week of a daily policy: 7 backups, queued, pruned by
retention, the month's first kept if asked), runs now, and skipped volumes recorded."""

from datetime import datetime, timedelta

import pytest

from tests.backup.conftest import available_volumes, drain, set_quotas, vbs_for

DAILY = {"start_time": "02:00", "frequency": 1, "rentention_num": 3, "status": "ON"}


def create_policy(vbs, name: str = "daily", **scheduled) -> str:
    body = {"backup_policy_name": name, "scheduled_policy": {**DAILY, **scheduled}}
    return vbs.ok("POST", "/v2/{pid}/backuppolicy", json=body)["backup_policy_id"]


def associate(vbs, policy_id: str, *volume_ids: str):
    resources = [{"resource_id": v, "resource_type": "volume"} for v in volume_ids]
    body = {"backup_policy_id": policy_id, "resources": resources}
    return vbs.ok("POST", "/v2/{pid}/backuppolicyresources", json=body)


def tasks(vbs, policy_id: str) -> list[dict]:
    """The policy's tasks, oldest first."""
    path = f"/v2/{{pid}}/backuppolicy/{policy_id}/backuptasks?sort_dir=asc&limit=100"
    found = vbs.ok("GET", path)
    assert found["count"] == len(found["tasks"])
    return found["tasks"]


def to_next_month_start(flexemu) -> None:
    """Move the clock to 00:30 UTC on the 1st of next month: runs then fall on known days."""
    now = datetime.fromisoformat(flexemu.admin("GET", "/clock").json()["now"].replace("Z", ""))
    first = (now.replace(day=28) + timedelta(days=4)).replace(day=1, hour=0, minute=30, second=0)
    flexemu.advance(f"PT{int((first - now).total_seconds()) + 1}S")


def signed_in(flexemu):
    """A fresh connection and VBS client: tokens last 24 h of the virtual clock."""
    conn = flexemu.openstack()
    return conn, vbs_for(flexemu, conn=conn)


def test_policy_crud(vbs):
    policy_id = create_policy(vbs, week_frequency=["MON", "THU"], frequency=None)
    [listed] = vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"]
    assert listed == {
        "backup_policy_id": policy_id,
        "backup_policy_name": "daily",
        "scheduled_policy": {
            "start_time": "02:00",
            "status": "ON",
            "remain_first_backup_of_curMonth": "N",
            "week_frequency": ["MON", "THU"],
            "rentention_num": 3,
        },
        "policy_resource_count": 0,
    }
    changed = vbs.ok(
        "PUT",
        f"/v2/{{pid}}/backuppolicy/{policy_id}",
        json={"backup_policy_name": "nightly", "scheduled_policy": {"status": "OFF"}},
    )
    assert (changed["backup_policy_name"], changed["scheduled_policy"]["status"]) == (
        "nightly",
        "OFF",
    )
    assert vbs("DELETE", f"/v2/{{pid}}/backuppolicy/{policy_id}").status_code == 204
    assert vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"] == []
    missing = vbs("DELETE", f"/v2/{{pid}}/backuppolicy/{policy_id}")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "AutoBackup.0205")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"start_time": "12:30"}, "AutoBackup.0103"),
        ({"start_time": "25:00"}, "AutoBackup.0103"),
        ({"rentention_num": 0}, "AutoBackup.0107"),
        ({"rentention_num": 100}, "AutoBackup.0107"),
        ({"rentention_num": None, "rentention_day": 1}, "AutoBackup.0107"),
        ({"frequency": 0}, "AutoBackup.0106"),
        ({"frequency": None, "week_frequency": ["MON", "FUNDAY"]}, "AutoBackup.0106"),
        ({"frequency": None}, "AutoBackup.0106"),
        ({"status": "MAYBE"}, "AutoBackup.0104"),
        ({"remain_first_backup_of_curMonth": "yes"}, "AutoBackup.0105"),
    ],
)
def test_malformed_policies_are_refused_with_the_native_code(vbs, change, code):
    body = {"backup_policy_name": "p", "scheduled_policy": {**DAILY, **change}}
    response = vbs("POST", "/v2/{pid}/backuppolicy", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"] == []


def test_policy_names_and_the_ten_policies_limit(vbs):
    for name, code in (("default_p", "AutoBackup.0102"), ("x" * 65, "AutoBackup.0101")):
        body = {"backup_policy_name": name, "scheduled_policy": DAILY}
        response = vbs("POST", "/v2/{pid}/backuppolicy", json=body)
        assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    for index in range(10):
        create_policy(vbs, name=f"p{index}")
    body = {"backup_policy_name": "p10", "scheduled_policy": DAILY}
    response = vbs("POST", "/v2/{pid}/backuppolicy", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "AutoBackup.0203")


def test_associate_and_disassociate_volumes(flexemu, conn, vbs):
    first, second = available_volumes(flexemu, conn, 2)
    policy_id = create_policy(vbs)
    result = associate(vbs, policy_id, first.id, second.id, "unknown")
    assert [r["resource_id"] for r in result["success_resources"]] == [first.id, second.id]
    assert result["success_resources"][0]["availability_zone"] == "eu-west-0a"
    assert [(r["resource_id"], r["error_code"]) for r in result["fail_resources"]] == [
        ("unknown", "AutoBackup.1400")
    ]
    [listed] = vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"]
    assert listed["policy_resource_count"] == 2
    removed = vbs.ok(
        "POST",
        f"/v2/{{pid}}/backuppolicyresources/{policy_id}/deleted_resources",
        json={"resources": [{"resource_id": first.id}]},
    )
    assert removed == {"success_resources": [{"resource_id": first.id}], "fail_resources": []}
    [listed] = vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"]
    assert listed["policy_resource_count"] == 1


@pytest.mark.parametrize(("keep_first", "kept_days"), [("N", [5, 6, 7]), ("Y", [1, 5, 6, 7])])
def test_a_week_of_a_daily_policy_makes_seven_backups_pruned_by_retention(
    flexemu, keep_first, kept_days
):
    to_next_month_start(flexemu)
    conn, vbs = signed_in(flexemu)
    [volume] = available_volumes(flexemu, conn, 1)
    policy_id = create_policy(vbs, remain_first_backup_of_curMonth=keep_first)
    associate(vbs, policy_id, volume.id)
    flexemu.advance("P7D")
    conn, vbs = signed_in(flexemu)
    ran = tasks(vbs, policy_id)
    assert [task["status"] for task in ran] == ["EXECUTE_SUCCESS"] * 7
    kept = conn.block_storage.backups(volume_id=volume.id)
    days = sorted(datetime.fromisoformat(b.created_at.replace("Z", "")).day for b in kept)
    assert days == kept_days
    assert all(b.status == "available" for b in conn.block_storage.backups())


def test_a_weekly_policy_runs_on_its_days_only(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    policy_id = create_policy(vbs, frequency=None, week_frequency=["WED"])
    associate(vbs, policy_id, volume.id)
    flexemu.advance("P14D")
    conn, vbs = signed_in(flexemu)
    made = conn.block_storage.backups(volume_id=volume.id)
    weekdays = {datetime.fromisoformat(b.created_at.replace("Z", "")).weekday() for b in made}
    assert (len(tasks(vbs, policy_id)), weekdays) == (2, {2})


def test_an_off_policy_does_not_run(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    associate(vbs, create_policy(vbs, status="OFF"), volume.id)
    flexemu.advance("P3D")
    conn, _ = signed_in(flexemu)
    assert list(conn.block_storage.backups()) == []


def test_run_now_queues_by_the_five_at_once_rule(flexemu, conn, vbs):
    volumes = available_volumes(flexemu, conn, 6)
    policy_id = create_policy(vbs)
    associate(vbs, policy_id, *[v.id for v in volumes])
    assert vbs("POST", f"/v2/{{pid}}/backuppolicy/{policy_id}/action").status_code == 204
    assert sorted(t["status"] for t in tasks(vbs, policy_id)) == ["RUNNING"] * 5 + ["WAITING"]
    drain(flexemu, operations=2)
    assert [t["status"] for t in tasks(vbs, policy_id)] == ["EXECUTE_SUCCESS"] * 6
    names = {b.name for b in conn.block_storage.backups()}
    assert names == {t["backup_name"] for t in tasks(vbs, policy_id)}
    assert {name[:7] for name in names} == {"autobk_"}


def test_a_run_past_a_limit_skips_the_volume_and_records_why(flexemu, conn, vbs, pid):
    [volume] = available_volumes(flexemu, conn, 1)
    policy_id = create_policy(vbs)
    associate(vbs, policy_id, volume.id)
    set_quotas(flexemu, pid, backups=0)
    vbs.ok("POST", f"/v2/{{pid}}/backuppolicy/{policy_id}/action")
    [task] = tasks(vbs, policy_id)
    assert (task["status"], task["code"]) == ("EXECUTE_FAIL", "VolumeBackup.0080")
    assert list(conn.block_storage.backups()) == []
    assert conn.block_storage.get_volume(volume).status == "available"


def test_policy_tags(vbs):
    policy_id = create_policy(vbs)
    tag = {"tag": {"key": "env", "value": "prod"}}
    assert vbs("POST", f"/v2/{{pid}}/backuppolicy/{policy_id}/tags", json=tag).status_code == 204
    listed = vbs.ok("GET", f"/v2/{{pid}}/backuppolicy/{policy_id}/tags")
    assert listed == {"tags": [{"key": "env", "value": "prod"}]}
    assert vbs("DELETE", f"/v2/{{pid}}/backuppolicy/{policy_id}/tags/env").status_code == 204
    assert vbs("DELETE", f"/v2/{{pid}}/backuppolicy/{policy_id}/tags/env").status_code == 404


def test_a_deleted_volume_leaves_its_policy_and_keeps_its_backups(flexemu, conn, vbs):
    [volume] = available_volumes(flexemu, conn, 1)
    policy_id = create_policy(vbs)
    associate(vbs, policy_id, volume.id)
    vbs.ok("POST", f"/v2/{{pid}}/backuppolicy/{policy_id}/action")
    drain(flexemu)
    conn.block_storage.delete_volume(volume)
    flexemu.advance("PT1M")
    vbs.ok("POST", f"/v2/{{pid}}/backuppolicy/{policy_id}/action")
    [listed] = vbs.ok("GET", "/v2/{pid}/backuppolicy")["backup_policies"]
    assert listed["policy_resource_count"] == 0
    assert [t["status"] for t in tasks(vbs, policy_id)] == ["EXECUTE_SUCCESS"]
    assert [b.status for b in conn.block_storage.backups()] == ["available"]
