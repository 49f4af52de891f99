"""Nova's lock through openstacksdk, the CLI and raw calls; the native API honours it too."""

import openstack.exceptions
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    BatchStopServersOption,
    BatchStopServersRequest,
    BatchStopServersRequestBody,
    DeleteServersRequest,
    DeleteServersRequestBody,
    ServerId,
    ShowServerRequest,
)


def test_lock_is_shown_and_refuses_actions_and_delete(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.lock_server(server)
    assert conn.compute.get_server(server.id).is_locked is True
    assert nova.get(f"/servers/{server.id}", version="2.8").json()["server"].get("locked") is None
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.stop_server(server)
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.change_server_password(server, "secret")
    response = nova.delete(f"/servers/{server.id}")
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (f"Instance {server.id} is locked")
    response = nova.post(f"/servers/{server.id}/action", json={"reboot": {"type": "SOFT"}})
    assert response.json()["conflictingRequest"]["message"] == (f"Instance {server.id} is locked")
    assert conn.compute.get_server_console_output(server, length=2)["output"]
    conn.compute.unlock_server(server)
    assert conn.compute.get_server(server.id).is_locked is False
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    assert conn.compute.get_server(server.id).status == "SHUTOFF"


def test_lock_and_unlock_answer_202_in_any_state(boot, nova):
    server = boot()
    for action in ({"lock": None}, {"lock": None}, {"unlock": None}, {"unlock": None}):
        response = nova.post(f"/servers/{server.id}/action", json=action)
        assert (response.status_code, response.content) == (202, b"")


def test_openstack_server_lock(flexemu, boot, cli, cli_text):
    server = boot()
    flexemu.advance("PT1M")
    assert cli_text("server", "lock", server.id) == ""
    assert cli("server", "show", server.id)["locked"] is True
    cli_text("server", "unlock", server.id)
    assert cli("server", "show", server.id)["locked"] is False


def test_native_api_shows_and_honours_the_lock(flexemu, conn, ecs, boot):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.lock_server(server)
    assert ecs.show_server(ShowServerRequest(server_id=server.id)).server.locked is True
    option = BatchStopServersOption(servers=[ServerId(id=server.id)])
    with pytest.raises(ClientRequestException) as error:
        ecs.batch_stop_servers(
            BatchStopServersRequest(body=BatchStopServersRequestBody(os_stop=option))
        )
    assert (error.value.status_code, error.value.error_code) == (409, "Ecs.0005")
    body = DeleteServersRequestBody(servers=[ServerId(id=server.id)])
    with pytest.raises(ClientRequestException):
        ecs.delete_servers(DeleteServersRequest(body=body))
    assert conn.compute.get_server(server.id).status == "ACTIVE"
