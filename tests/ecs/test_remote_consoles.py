"""Remote (noVNC) consoles through openstacksdk, the CLI, huaweicloudsdkecs and raw Nova."""

from urllib.parse import parse_qs, urlsplit

import openstack.exceptions
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    GetServerRemoteConsoleOption,
    ShowServerRemoteConsoleRequest,
    ShowServerRemoteConsoleRequestBody,
)


def _points_at_the_emulator(flexemu, url):
    parts = urlsplit(url)
    assert url.startswith(flexemu.url.split("://")[0] + "://")
    assert parts.path == "/_emulator/consoles/vnc_auto.html"
    (token,) = parse_qs(parts.query)["token"]
    return token


def test_remote_console_of_a_running_server(flexemu, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    console = conn.compute.create_server_remote_console(server, protocol="vnc", type="novnc")
    assert (console.protocol, console.type) == ("vnc", "novnc")
    first = _points_at_the_emulator(flexemu, console.url)
    again = conn.compute.create_console(server, "novnc")
    assert _points_at_the_emulator(flexemu, again["url"]) != first


def test_remote_console_needs_an_active_server(flexemu, conn, boot, nova):
    server = boot()
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.create_console(server, "novnc")
    flexemu.advance("PT1M")
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    response = nova.post(
        f"/servers/{server.id}/remote-consoles",
        version="2.6",
        json={"remote_console": {"protocol": "vnc", "type": "novnc"}},
    )
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (
        f"Instance {server.id} is not ready"
    )


@pytest.mark.parametrize(
    ("console", "reason"),
    [
        ({"protocol": "vnc", "type": "vnc"}, "is not one of"),
        ({"protocol": "telnet", "type": "novnc"}, "is not one of"),
        ({"protocol": "spice", "type": "spice-html5"}, "Unavailable console type spice-html5."),
        ({"protocol": "vnc", "type": "xvpvnc"}, "Unavailable console type xvpvnc."),
    ],
)
def test_other_consoles_are_400(flexemu, boot, nova, console, reason):
    server = boot()
    flexemu.advance("PT1M")
    response = nova.post(
        f"/servers/{server.id}/remote-consoles", version="2.6", json={"remote_console": console}
    )
    assert response.status_code == 400
    assert reason in response.json()["badRequest"]["message"]


def test_microversions_choose_the_resource_or_the_action(flexemu, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    body = {"remote_console": {"protocol": "vnc", "type": "novnc"}}
    response = nova.post(f"/servers/{server.id}/remote-consoles", version="2.5", json=body)
    assert response.status_code == 404
    action = {"os-getVNCConsole": {"type": "novnc"}}
    legacy = nova.post(f"/servers/{server.id}/action", version="2.1", json=action)
    assert legacy.status_code == 200
    assert legacy.json()["console"]["type"] == "novnc"
    _points_at_the_emulator(flexemu, legacy.json()["console"]["url"])
    response = nova.post(f"/servers/{server.id}/action", version="2.6", json=action)
    assert response.status_code == 404
    response = nova.post(
        f"/servers/{server.id}/action", version="2.1", json={"os-getVNCConsole": {}}
    )
    assert response.status_code == 400


def test_openstack_console_url_show(flexemu, boot, cli):
    server = boot()
    flexemu.advance("PT1M")
    shown = cli("console", "url", "show", server.id)
    assert shown["type"] == "novnc"
    _points_at_the_emulator(flexemu, shown["url"])


def test_native_remote_console(flexemu, ecs, boot):
    server = boot()
    option = GetServerRemoteConsoleOption(protocol="vnc", type="novnc")
    request = ShowServerRemoteConsoleRequest(
        server_id=server.id, body=ShowServerRemoteConsoleRequestBody(remote_console=option)
    )
    with pytest.raises(ClientRequestException) as error:
        ecs.show_server_remote_console(request)
    assert (error.value.status_code, error.value.error_code) == (409, "Ecs.0005")
    flexemu.advance("PT1M")
    console = ecs.show_server_remote_console(request).remote_console
    assert (console.protocol, console.type) == ("vnc", "novnc")
    _points_at_the_emulator(flexemu, console.url)
    option.type = "spice-html5"
    with pytest.raises(ClientRequestException) as error:
        ecs.show_server_remote_console(request)
    assert (error.value.status_code, error.value.error_code) == (400, "Ecs.0005")
