"""Nova's smaller resources of a server through openstacksdk: addresses (ips), the password,
tags (microversion 2.26)."""

import openstack.exceptions
import pytest


def test_server_ips_by_network_and_all(flexemu, conn, boot, network, nova):
    server = boot()
    flexemu.advance("PT1M")
    (ip,) = conn.compute.server_ips(server)
    assert ip.network_label == network["vpc_id"]
    assert ip.version == 4 and ip.address.startswith("10.0.1.")
    (by_network,) = conn.compute.server_ips(server, network_label=network["vpc_id"])
    assert by_network.address == ip.address
    assert nova.get(f"/servers/{server.id}/ips").json() == {
        "addresses": {network["vpc_id"]: [{"version": 4, "addr": ip.address}]}
    }
    assert nova.get(f"/servers/{server.id}/ips/other").status_code == 404


def test_server_password_is_empty_and_clears(conn, boot):
    server = boot()
    assert conn.compute.get_server_password(server) == ""
    conn.compute.clear_server_password(server)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_server_password("no-such-server")


def test_tags_add_check_replace_remove(flexemu, conn, boot, nova):
    server = conn.compute.get_server(boot().id)
    server.add_tag(conn.compute, "web")
    server.add_tag(conn.compute, "env=prod")
    assert sorted(conn.compute.get_server(server.id).tags) == ["env=prod", "web"]
    assert nova.get(f"/servers/{server.id}/tags/web", version="2.26").status_code == 204
    assert nova.get(f"/servers/{server.id}/tags/db", version="2.26").status_code == 404
    again = nova.request("PUT", f"/servers/{server.id}/tags/web", version="2.26")
    assert again.status_code == 204
    server.set_tags(conn.compute, ["a", "b"])
    assert sorted(conn.compute.get_server(server.id).tags) == ["a", "b"]
    server.remove_tag(conn.compute, "a")
    assert conn.compute.get_server(server.id).tags == ["b"]
    server.remove_all_tags(conn.compute)
    assert conn.compute.get_server(server.id).tags == []


def test_tags_limits_and_microversion(boot, nova):
    server = boot()
    path = f"/servers/{server.id}/tags"
    assert nova.get(path).status_code == 404  # before 2.26
    created = nova.request("PUT", f"{path}/new", version="2.26")
    assert created.status_code == 201 and created.headers["Location"].endswith(f"{path}/new")
    too_many = {"tags": [f"t{n}" for n in range(51)]}
    assert nova.request("PUT", path, version="2.26", json=too_many).status_code == 400
    assert nova.request("PUT", path, version="2.26", json={"tags": ["a,b"]}).status_code == 400
    assert nova.request("PUT", f"{path}/{'x' * 81}", version="2.26").status_code == 400
    assert nova.delete(f"{path}/absent", version="2.26").status_code == 404
