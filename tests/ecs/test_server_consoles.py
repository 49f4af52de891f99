"""A server's console log through openstacksdk, the CLI, huaweicloudsdkecs and raw Nova."""

import openstack.exceptions
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import ShowServerConsoleOutputRequest


def test_console_log_tells_the_boot_of_this_server(flexemu, conn, boot):
    server = boot("web")
    flexemu.advance("PT1M")
    address = conn.compute.get_server(server.id).addresses
    ((_, (fixed, *_)),) = address.items()
    output = conn.compute.get_server_console_output(server)["output"]
    assert "Ubuntu 22.04 server 64bit web ttyS0" in output
    assert fixed["addr"] in output and fixed["OS-EXT-IPS-MAC:mac_addr"] in output
    assert "Set hostname to <web>" in output
    assert output.endswith("web login: \n")


def test_length_keeps_the_tail_as_nova_cuts_it(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    everything = conn.compute.get_server_console_output(server)["output"].splitlines()
    last = conn.compute.get_server_console_output(server, length=3)["output"]
    # Nova keeps the last 3 pieces of the log split at "\n": the empty one after the final
    # newline is one of them (tempest counts 3 pieces in the answer).
    assert last == "".join(f"{line}\n" for line in everything[-2:])
    assert len(last.split("\n")) == 3
    for length in (-1, None, "-1"):
        response = nova.post(
            f"/servers/{server.id}/action", json={"os-getConsoleOutput": {"length": length}}
        )
        assert response.status_code == 200
        assert response.json()["output"].splitlines() == everything
    response = nova.post(f"/servers/{server.id}/action", json={"os-getConsoleOutput": {}})
    assert response.json()["output"].splitlines() == everything
    response = nova.post(
        f"/servers/{server.id}/action", json={"os-getConsoleOutput": {"length": "2"}}
    )
    assert response.json()["output"].splitlines() == everything[-1:]


def test_a_stopped_server_logs_its_power_down(flexemu, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    output = conn.compute.get_server_console_output(server, length=2)["output"]
    assert output == "reboot: Power down\n"


@pytest.mark.parametrize(
    ("argument", "reason"),
    [
        ({"length": "ten"}, "does not match"),
        ({"length": -2}, "less than the minimum of -1"),
        ({"length": True}, "is not of type"),
        ({"lines": 3}, "Additional properties are not allowed"),
        (None, "is not of type 'object'"),
    ],
)
def test_bad_length_is_400(flexemu, boot, nova, argument, reason):
    server = boot()
    flexemu.advance("PT1M")
    response = nova.post(f"/servers/{server.id}/action", json={"os-getConsoleOutput": argument})
    assert response.status_code == 400
    assert reason in response.json()["badRequest"]["message"]


def test_no_console_while_building_is_409(conn, boot, nova):
    server = boot()
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.get_server_console_output(server)
    response = nova.post(f"/servers/{server.id}/action", json={"os-getConsoleOutput": {}})
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (
        f"Instance {server.id} is not ready"
    )


def test_openstack_console_log_show(flexemu, boot, cli_text):
    server = boot("db")
    flexemu.advance("PT1M")
    assert cli_text("console", "log", "show", "--lines", "2", server.id) == "db login: \n"
    assert "Set hostname to <db>" in cli_text("console", "log", "show", server.id)


def test_native_console_output(flexemu, ecs, boot):
    server = boot("app")
    request = ShowServerConsoleOutputRequest(server_id=server.id)
    with pytest.raises(ClientRequestException) as error:
        ecs.show_server_console_output(request)
    assert (error.value.status_code, error.value.error_code) == (409, "Ecs.0005")
    flexemu.advance("PT1M")
    request.length = 2
    assert ecs.show_server_console_output(request).output == "app login: \n"
