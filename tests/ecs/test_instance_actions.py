"""Nova's instance actions (os-instance-actions) through the CLI, openstacksdk and raw calls:
every dialect's actions are recorded, with the request id the emulator answered."""

from huaweicloudsdkecs.v2 import (
    BatchStopServersOption,
    BatchStopServersRequest,
    BatchStopServersRequestBody,
    ServerId,
)


def test_openstack_server_event_list_and_show(flexemu, conn, boot, cli, nova):
    server = boot()
    flexemu.advance("PT1M")
    reboot = nova.post(f"/servers/{server.id}/action", json={"reboot": {"type": "HARD"}})
    request_id = reboot.headers["X-Compute-Request-Id"]
    listed = cli("server", "event", "list", server.id)
    assert sorted(event["Action"] for event in listed) == ["create", "reboot"]
    assert listed[0]["Request ID"] == request_id  # newest first
    shown = cli("server", "event", "show", server.id, request_id)
    assert (shown["action"], shown["request_id"]) == ("reboot", request_id)
    assert shown["events"][0]["event"] == "compute_reboot_instance"
    assert shown["user_id"] == conn.current_user_id
    assert shown["project_id"] == conn.current_project_id


def test_events_from_2_51_finish_with_the_change(flexemu, boot, nova):
    server = boot()
    created = nova.get(f"/servers/{server.id}/os-instance-actions").json()["instanceActions"][0]
    path = f"/servers/{server.id}/os-instance-actions/{created['request_id']}"
    assert "events" not in nova.get(path, version="2.50").json()["instanceAction"]
    (event,) = nova.get(path, version="2.51").json()["instanceAction"]["events"]
    assert event["event"] == "compute__do_build_and_run_instance"
    assert (event["finish_time"], event["result"]) == (None, None)
    flexemu.advance("PT1M")
    (event,) = nova.get(path, version="2.51").json()["instanceAction"]["events"]
    assert event["result"] == "Success" and event["finish_time"]


def test_native_actions_are_recorded(flexemu, boot, ecs, nova):
    server = boot()
    flexemu.advance("PT1M")
    body = BatchStopServersRequestBody(
        os_stop=BatchStopServersOption(servers=[ServerId(id=server.id)], type="SOFT")
    )
    ecs.batch_stop_servers(BatchStopServersRequest(body=body))
    listed = nova.get(f"/servers/{server.id}/os-instance-actions").json()["instanceActions"]
    assert [action["action"] for action in listed] == ["stop", "create"]


def test_a_deleted_servers_actions_are_listed_from_2_21(flexemu, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    nova.delete(f"/servers/{server.id}")
    flexemu.advance("PT1M")
    path = f"/servers/{server.id}/os-instance-actions"
    assert nova.get(path, version="2.20").status_code == 404
    listed = nova.get(path, version="2.21").json()["instanceActions"]
    assert [action["action"] for action in listed] == ["delete", "create"]


def test_paging_and_changes_since_from_2_58(flexemu, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    for action in ({"lock": None}, {"unlock": None}):
        nova.post(f"/servers/{server.id}/action", json=action)
    path = f"/servers/{server.id}/os-instance-actions"
    first = nova.get(path, version="2.58", params={"limit": 2}).json()
    assert [action["action"] for action in first["instanceActions"]] == ["unlock", "lock"]
    assert all("updated_at" in action for action in first["instanceActions"])
    marker = first["instanceActions"][-1]["request_id"]
    assert f"marker={marker}" in first["links"][0]["href"]
    rest = nova.get(path, version="2.58", params={"marker": marker}).json()
    assert [action["action"] for action in rest["instanceActions"]] == ["create"]
    assert nova.get(path, version="2.58", params={"marker": "req-none"}).status_code == 400
    assert nova.get(path, version="2.58", params={"changes-since": "x"}).status_code == 400
    assert nova.get(path, version="2.58", params={"sort": "x"}).status_code == 400
    assert nova.get(path, version="2.57", params={"sort": "x"}).status_code == 200


def test_unknown_server_or_request_is_404(boot, nova):
    server = boot()
    missing = nova.get(f"/servers/{server.id}/os-instance-actions/req-none")
    assert missing.status_code == 404
    assert missing.json()["itemNotFound"]["message"] == "Action req-none not found"
    response = nova.get("/servers/00000000-0000-0000-0000-000000000000/os-instance-actions")
    assert response.status_code == 404


def test_create_image_is_recorded_and_lock_has_no_event(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.create_server_image(server, "snap")
    conn.compute.lock_server(server)
    listed = nova.get(f"/servers/{server.id}/os-instance-actions").json()["instanceActions"]
    assert [action["action"] for action in listed] == ["lock", "createImage", "create"]
    lock, snapshot = (
        nova.get(f"/servers/{server.id}/os-instance-actions/{action['request_id']}", version="2.51")
        for action in listed[:2]
    )
    assert lock.json()["instanceAction"]["events"] == []
    (event,) = snapshot.json()["instanceAction"]["events"]
    assert (event["event"], event["result"]) == ("compute_snapshot_instance", "Success")


def test_volume_attach_and_detach_are_recorded(flexemu, conn, boot, cli):
    server = boot()
    volume = conn.block_storage.create_volume(size=10, availability_zone="eu-west-0a")
    flexemu.advance("PT1M")
    conn.compute.create_volume_attachment(server, volume_id=volume.id)
    flexemu.advance("PT1M")
    conn.compute.delete_volume_attachment(server, volume.id)
    listed = cli("server", "event", "list", server.id)
    assert [event["Action"] for event in listed] == ["detach_volume", "attach_volume", "create"]
