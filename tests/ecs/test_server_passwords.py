"""New passwords through openstacksdk, the CLI, huaweicloudsdkecs and raw calls: Nova's
changePassword, the native reset with its complexity rules, the flag, the batch reset."""

import openstack.exceptions
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    BatchResetServersPasswordRequest,
    BatchResetServersPasswordRequestBody,
    ResetServerPasswordOption,
    ResetServerPasswordRequest,
    ResetServerPasswordRequestBody,
    ServerId,
    ShowResetPasswordFlagRequest,
)

GOOD = "Flex@emu2026"


def _reset(ecs, server_id, password, check=True):
    option = ResetServerPasswordOption(new_password=password, is_check_password=check)
    body = ResetServerPasswordRequestBody(reset_password=option)
    return ecs.reset_server_password(ResetServerPasswordRequest(server_id=server_id, body=body))


def _batch(ecs, ids, password=GOOD, dry_run=None):
    body = BatchResetServersPasswordRequestBody(
        new_password=password, dry_run=dry_run, servers=[ServerId(id=i) for i in ids]
    )
    return ecs.batch_reset_servers_password(BatchResetServersPasswordRequest(body=body))


def test_change_password_of_a_running_server(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.change_server_password(server, "anything goes")
    response = nova.post(
        f"/servers/{server.id}/action", json={"changePassword": {"adminPass": "x"}}
    )
    assert (response.status_code, response.content) == (202, b"")


def test_change_password_needs_an_active_server(flexemu, conn, boot, nova):
    server = boot()
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.change_server_password(server, "secret")
    flexemu.advance("PT1M")
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    response = nova.post(
        f"/servers/{server.id}/action", json={"changePassword": {"adminPass": "secret"}}
    )
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (
        f"Cannot 'changePassword' instance {server.id} while it is in vm_state stopped"
    )


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ({}, "'adminPass' is a required property"),
        ({"adminPass": 1234}, "is not of type 'string'"),
        ({"adminPass": "a", "user": "root"}, "Additional properties are not allowed"),
        ("secret", "is not of type 'object'"),
    ],
)
def test_change_password_bad_body_is_400(flexemu, boot, nova, argument, reason):
    server = boot()
    flexemu.advance("PT1M")
    response = nova.post(f"/servers/{server.id}/action", json={"changePassword": argument})
    assert response.status_code == 400
    assert reason in response.json()["badRequest"]["message"]


def test_openstack_server_set_password(flexemu, boot, cli_text):
    server = boot()
    flexemu.advance("PT1M")
    assert cli_text("server", "set", "--password", "secret", server.id) == ""


def test_native_reset_of_running_and_stopped_servers(flexemu, ecs, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    assert _reset(ecs, server.id, GOOD).status_code == 204
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    assert _reset(ecs, server.id, GOOD).status_code == 204
    flag = ecs.show_reset_password_flag(ShowResetPasswordFlagRequest(server_id=server.id))
    assert flag.resetpwd_flag == "True"


@pytest.mark.parametrize(
    "password",
    [
        "Sh0rt!",  # fewer than 8 characters
        "Abcdefgh1234567890!@Abcdefg",  # more than 26
        "Bad pass 123",  # a space is not allowed
        "Flex#emu2026",  # neither is #
        "flexemu2026",  # only 2 kinds of characters
        "MyRoot@2026",  # names root
        "Toor@2026xy",  # root reversed
        "Xadministrator1!",  # names Administrator
        "Strong@123min",  # 3 consecutive characters of Administrator
    ],
)
def test_native_reset_refuses_a_weak_password(flexemu, ecs, boot, password):
    server = boot()
    flexemu.advance("PT1M")
    with pytest.raises(ClientRequestException) as error:
        _reset(ecs, server.id, password)
    assert (error.value.status_code, error.value.error_code) == (400, "Ecs.0005")


def test_native_reset_without_the_check_takes_any_password(flexemu, ecs, boot):
    server = boot()
    flexemu.advance("PT1M")
    assert _reset(ecs, server.id, "weak", check=False).status_code == 204


def test_native_reset_while_building_is_refused(ecs, boot):
    server = boot()
    with pytest.raises(ClientRequestException) as error:
        _reset(ecs, server.id, GOOD)
    assert (error.value.status_code, error.value.error_code) == (409, "Ecs.0005")


def test_batch_reset(flexemu, ecs, boot):
    first, second = boot("one"), boot("two")
    flexemu.advance("PT1M")
    done = _batch(ecs, [first.id, second.id])
    assert [item.id for item in done.response] == [first.id, second.id]
    checked = _batch(ecs, [first.id], password=None, dry_run=True)
    assert [item.id for item in checked.response] == [first.id]


def test_batch_reset_refuses_all_for_one_bad_server_or_password(flexemu, ecs, boot):
    server = boot()
    flexemu.advance("PT1M")
    with pytest.raises(ClientRequestException) as error:
        _batch(ecs, [server.id, "no-such-server"])
    assert (error.value.status_code, error.value.error_code) == (404, "Ecs.0114")
    with pytest.raises(ClientRequestException) as error:
        _batch(ecs, [server.id], password="weak", dry_run=True)
    assert error.value.error_code == "Ecs.0005"
    with pytest.raises(ClientRequestException) as error:
        _batch(ecs, [server.id], password=None)
    assert error.value.status_code == 400


def test_native_reset_wire(flexemu, api, boot):
    server = boot()
    flexemu.advance("PT1M")
    path = f"/v1/{{pid}}/cloudservers/{server.id}/os-reset-password"
    response = api("PUT", path, json={"reset-password": {"new_password": GOOD}})
    assert (response.status_code, response.content) == (204, b"")
    response = api("PUT", path, json={"reset-password": {"new_password": "weak"}})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "Ecs.0005"
    response = api("PUT", path, json={"reset_password": {"new_password": GOOD}})
    assert response.status_code == 400
