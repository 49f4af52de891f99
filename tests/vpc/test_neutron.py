"""Neutron through openstacksdk, the `openstack` CLI and raw calls: networks, subnets, routers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import openstack.exceptions
import pytest

EXTERNAL_ID = "0a2228f2-7f8a-45f1-8e09-9039e1d09975"


def network_with_subnet(conn, cidr="192.168.10.0/24", name="net"):
    network = conn.network.create_network(name=name)
    subnet = conn.network.create_subnet(
        network_id=network.id, cidr=cidr, ip_version=4, name=f"{name}-subnet"
    )
    return network, subnet


def test_network_create_answers_201_with_neutron_body(api):
    response = api(
        "POST", "/v2.0/networks", json={"network": {"name": "n", "admin_state_up": True}}
    )
    assert response.status_code == 201
    network = response.json()["network"]
    assert network["status"] == "ACTIVE"
    assert network["router:external"] is False
    assert network["subnets"] == []
    assert network["project_id"] == api.project_id
    assert response.headers["X-Openstack-Request-Id"].startswith("req-")


def test_external_network_is_visible_to_every_tenant(conn, other_tenant_api):
    external = conn.network.find_network("admin_external_net")
    assert external.id == EXTERNAL_ID
    assert external.is_router_external is True
    listed = other_tenant_api("GET", "/v2.0/networks?router:external=true").json()["networks"]
    assert [n["id"] for n in listed] == [EXTERNAL_ID]


def test_subnet_gets_default_pools_without_the_clouds_reserved_addresses(conn):
    _, subnet = network_with_subnet(conn)
    assert subnet.gateway_ip == "192.168.10.1"
    assert subnet.allocation_pools == [{"start": "192.168.10.2", "end": "192.168.10.252"}]


def test_subnet_errors_are_neutron_errors(api):
    network_id = api("POST", "/v2.0/networks", json={"network": {}}).json()["network"]["id"]
    for cidr, version in (("8.8.8.0/24", 4), ("not-a-cidr", 4), ("fd00::/64", 6)):
        response = api(
            "POST",
            "/v2.0/subnets",
            json={"subnet": {"network_id": network_id, "cidr": cidr, "ip_version": version}},
        )
        assert response.status_code == 400, cidr
        assert response.json()["NeutronError"]["type"] == "InvalidInput"
    assert api("GET", "/v2.0/subnets").json()["subnets"] == []


def test_unknown_attribute_and_wrong_type_are_400(api):
    unknown = api("POST", "/v2.0/networks", json={"network": {"colour": "blue"}})
    assert unknown.status_code == 400
    assert unknown.json()["NeutronError"]["type"] == "BadRequest"
    wrong = api("POST", "/v2.0/networks", json={"network": {"admin_state_up": "maybe"}})
    assert wrong.status_code == 400


def test_unknown_ids_are_404_in_neutron_body(api):
    response = api("GET", "/v2.0/networks/6f1e9b0c-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "NetworkNotFound"


def test_network_with_a_port_is_in_use_and_goes_with_its_subnets(conn, api):
    network, subnet = network_with_subnet(conn)
    port = conn.network.create_port(network_id=network.id)
    busy = api("DELETE", f"/v2.0/networks/{network.id}")
    assert busy.status_code == 409
    assert busy.json()["NeutronError"]["type"] == "NetworkInUse"
    conn.network.delete_port(port)
    conn.network.delete_network(network)
    assert conn.network.find_network(network.id) is None
    assert conn.network.find_subnet(subnet.id) is None


def test_router_with_interface_and_static_route(conn):
    _, subnet = network_with_subnet(conn)
    router = conn.network.create_router(name="r", external_gateway_info={"network_id": EXTERNAL_ID})
    interface = conn.network.add_interface_to_router(router, subnet=subnet.id)
    port = conn.network.get_port(interface["port_id"])
    assert port.fixed_ips == [{"subnet_id": subnet.id, "ip_address": "192.168.10.1"}]
    routed = conn.network.update_router(
        router, routes=[{"destination": "10.20.0.0/16", "nexthop": "192.168.10.9"}]
    )
    assert routed.routes == [{"destination": "10.20.0.0/16", "nexthop": "192.168.10.9"}]
    with pytest.raises(openstack.exceptions.BadRequestException):
        conn.network.update_router(
            router, routes=[{"destination": "10.30.0.0/16", "nexthop": "172.16.0.9"}]
        )
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.delete_router(router)
    conn.network.remove_interface_from_router(router, subnet=subnet.id)
    conn.network.delete_router(router)
    assert conn.network.find_router(router.id) is None


def test_an_empty_external_gateway_is_no_gateway(conn):
    router = conn.network.create_router(name="r", external_gateway_info={})
    assert router.external_gateway_info is None
    gateway = {"network_id": EXTERNAL_ID}
    assert conn.network.update_router(router, external_gateway_info=gateway).external_gateway_info
    cleared = conn.network.update_router(router, external_gateway_info={})
    assert cleared.external_gateway_info is None


def test_subnet_with_an_interface_is_in_use(conn):
    _, subnet = network_with_subnet(conn)
    router = conn.network.create_router(name="r")
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.delete_subnet(subnet)


def test_lists_filter_and_page(conn):
    made = [conn.network.create_network(name=f"n{i}").id for i in range(5)]
    assert [n.id for n in conn.network.networks(name="n3")] == [made[3]]
    paged = [n.id for n in conn.network.networks(limit=2, is_router_external=False)]
    assert paged == made


def test_links_point_to_the_next_page(api):
    for i in range(3):
        api("POST", "/v2.0/networks", json={"network": {"name": f"n{i}"}})
    first = api("GET", "/v2.0/networks?limit=2").json()
    assert len(first["networks"]) == 2
    href = first["networks_links"][0]["href"]
    second = api("GET", href[len(api.base_url) :]).json()
    # admin_external_net and n0 came first.
    assert [n["name"] for n in second["networks"]] == ["n1", "n2"]
    assert "networks_links" not in second


def test_quota_show_through_the_cli(flexemu, conn, tmp_path: Path):
    network_with_subnet(conn)
    env = {
        **os.environ,
        "OS_AUTH_URL": flexemu.auth_url,
        "OS_USERNAME": flexemu.username,
        "OS_PASSWORD": flexemu.password,
        "OS_USER_DOMAIN_NAME": flexemu.domain,
        "OS_PROJECT_NAME": "eu-west-0",
        "OS_PROJECT_DOMAIN_NAME": flexemu.domain,
        "OS_REGION_NAME": "eu-west-0",
        "OS_IDENTITY_API_VERSION": "3",
        "HOME": str(tmp_path),
    }
    cli = Path(sys.executable).parent / "openstack"

    def run(*args: str) -> object:
        done = subprocess.run(
            [str(cli), *args, "-f", "json"], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    quota = run("quota", "show", "--network")
    by_resource = {row["Resource"]: row["Limit"] for row in quota}
    assert by_resource["networks"] == 100
    networks = run("network", "list")
    assert {"admin_external_net", "net"} <= {n["Name"] for n in networks}


def test_subnet_pools_and_gateway_can_change(conn, api):
    _, subnet = network_with_subnet(conn)
    updated = conn.network.update_subnet(
        subnet, allocation_pools=[{"start": "192.168.10.100", "end": "192.168.10.110"}]
    )
    assert updated.allocation_pools == [{"start": "192.168.10.100", "end": "192.168.10.110"}]
    clash = api(
        "PUT", f"/v2.0/subnets/{subnet.id}", json={"subnet": {"gateway_ip": "192.168.10.105"}}
    )
    assert clash.status_code == 400
    moved = conn.network.update_subnet(subnet, gateway_ip="192.168.10.250")
    assert moved.gateway_ip == "192.168.10.250"


def test_floating_ip_for_a_port_outside_any_router_is_404(api, conn):
    network, _ = network_with_subnet(conn)
    port = conn.network.create_port(network_id=network.id)
    response = api(
        "POST",
        "/v2.0/floatingips",
        json={"floatingip": {"floating_network_id": EXTERNAL_ID, "port_id": port.id}},
    )
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "ExternalGatewayForFloatingIPNotFound"
    assert api("GET", "/v2.0/floatingips").json()["floatingips"] == []


def test_huawei_sdk_reaches_neutron_with_aksk(vpc_client, conn):
    from huaweicloudsdkvpc.v2 import NeutronListNetworksRequest

    network = conn.network.create_network(name="seen-by-aksk")
    listed = vpc_client.neutron_list_networks(NeutronListNetworksRequest(name="seen-by-aksk"))
    assert [n.id for n in listed.networks] == [network.id]


def test_interface_needed_by_a_floating_ip_cannot_be_removed(conn, api):
    network, subnet = network_with_subnet(conn)
    router = conn.network.create_router(name="r")
    conn.network.add_interface_to_router(router, subnet=subnet.id)
    port = conn.network.create_port(network_id=network.id)
    conn.network.create_ip(floating_network_id=EXTERNAL_ID, port_id=port.id)
    response = api(
        "PUT", f"/v2.0/routers/{router.id}/remove_router_interface", json={"subnet_id": subnet.id}
    )
    assert response.status_code == 409
    assert response.json()["NeutronError"]["type"] == "RouterInterfaceInUseByFloatingIP"


def test_subnet_cidr_with_host_bits_is_kept_as_its_network(conn):
    network = conn.network.create_network(name="net")
    subnet = conn.network.create_subnet(network_id=network.id, cidr="10.99.99.0/16", ip_version=4)
    assert subnet.cidr == "10.99.0.0/16"
    assert subnet.gateway_ip == "10.99.0.1"
    assert conn.network.get_subnet(subnet.id).cidr == "10.99.0.0/16"


def test_given_pools_may_hold_the_addresses_left_out_of_the_default_ones(conn):
    network = conn.network.create_network(name="net")
    pools = [{"start": "10.100.0.2", "end": "10.100.0.254"}]
    subnet = conn.network.create_subnet(
        network_id=network.id, cidr="10.100.0.0/24", ip_version=4, allocation_pools=pools
    )
    assert conn.network.get_subnet(subnet.id).allocation_pools == pools


def test_pools_beyond_the_subnet_or_over_the_gateway_are_refused(api):
    network_id = api("POST", "/v2.0/networks", json={"network": {}}).json()["network"]["id"]
    for pool, error in (
        ({"start": "10.100.0.2", "end": "10.100.0.255"}, "OutOfBoundsAllocationPool"),
        ({"start": "10.100.0.1", "end": "10.100.0.9"}, "InvalidInput"),
    ):
        subnet = {"network_id": network_id, "cidr": "10.100.0.0/24", "allocation_pools": [pool]}
        response = api("POST", "/v2.0/subnets", json={"subnet": {"ip_version": 4, **subnet}})
        assert response.status_code == 400, pool
        assert response.json()["NeutronError"]["type"] == error


def test_extensions_carry_neutrons_names(conn):
    extension = conn.network.find_extension("external-net")
    assert extension.name == "Neutron external network"
    assert extension.description == "Adds external network attribute to network resource."
    names = {e.alias: e.name for e in conn.network.extensions()}
    assert names["router"] == "Neutron L3 Router"
    assert names["security-group"] == "security-group"


@pytest.mark.parametrize("attribute", ["shared", "router:external"])
def test_shared_or_external_networks_are_for_the_clouds_admins(api, attribute):
    created = api("POST", "/v2.0/networks", json={"network": {"name": "n", attribute: True}})
    assert created.status_code == 403
    assert created.json()["NeutronError"] == {
        "type": "PolicyNotAuthorized",
        "message": f"(rule:create_network and rule:create_network:{attribute}) "
        "is disallowed by policy",
        "detail": "",
    }
    network = api("POST", "/v2.0/networks", json={"network": {attribute: False}}).json()
    network_id = network["network"]["id"]
    updated = api("PUT", f"/v2.0/networks/{network_id}", json={"network": {attribute: True}})
    assert updated.status_code == 403
    assert api("GET", f"/v2.0/networks/{network_id}").json()["network"][attribute] is False
    assert len(api("GET", "/v2.0/networks").json()["networks"]) == 2  # and the external one


def test_a_body_may_name_only_the_callers_own_project(api):
    own = api("POST", "/v2.0/networks", json={"network": {"project_id": api.project_id}})
    assert own.status_code == 201
    for body in (
        {"network": {"name": "n", "project_id": "1"}},
        {"network": {"name": "n", "tenant_id": "1"}},
        {"network": {"tenant_id": api.project_id, "project_id": "1"}},
    ):
        response = api("POST", "/v2.0/networks", json=body)
        assert response.status_code == 400, body
        assert response.json()["NeutronError"]["type"] == "HTTPBadRequest"
    group = api("POST", "/v2.0/security-groups", json={"security_group": {"project_id": "1"}})
    assert group.status_code == 400
    assert [n["id"] for n in api("GET", "/v2.0/networks").json()["networks"]][1:] == [
        own.json()["network"]["id"]
    ]


def test_the_external_networks_name_is_reserved(conn, api):
    taken = api("POST", "/v2.0/networks", json={"network": {"name": "admin_external_net"}})
    assert taken.status_code == 400
    assert taken.json()["NeutronError"]["type"] == "InvalidInput"
    network = conn.network.create_network(name="mine")
    with pytest.raises(openstack.exceptions.BadRequestException):
        conn.network.update_network(network, name="admin_external_net")
    assert conn.network.find_network("admin_external_net").id == EXTERNAL_ID


def test_tenants_may_ask_for_a_geneve_network_and_no_other_type(api):
    geneve = {"name": "g", "provider:network_type": "geneve"}
    created = api("POST", "/v2.0/networks", json={"network": geneve})
    assert created.status_code == 201
    assert "provider:network_type" not in created.json()["network"]  # an administrator's
    vlan = api("POST", "/v2.0/networks", json={"network": {"provider:network_type": "vlan"}})
    assert vlan.status_code == 403
    assert vlan.json()["NeutronError"]["type"] == "PolicyNotAuthorized"
    network_id = created.json()["network"]["id"]
    change = {"network": {"provider:network_type": "vxlan"}}
    assert api("PUT", f"/v2.0/networks/{network_id}", json=change).status_code == 403


def test_lists_sort_by_key_and_direction_then_page(api):
    for name in ("b", "c", "a"):
        api("POST", "/v2.0/networks", json={"network": {"name": name, "admin_state_up": True}})

    def names(query):
        response = api("GET", f"/v2.0/networks?router:external=false&{query}")
        assert response.status_code == 200, response.text
        return [n["name"] for n in response.json()["networks"]]

    assert names("sort_key=name&sort_dir=asc") == ["a", "b", "c"]
    assert names("sort_key=name&sort_dir=desc") == ["c", "b", "a"]
    assert names("sort_key=status&sort_dir=asc&sort_key=name&sort_dir=desc") == ["c", "b", "a"]
    first = api("GET", "/v2.0/networks?router:external=false&sort_key=name&sort_dir=asc&limit=2")
    assert [n["name"] for n in first.json()["networks"]] == ["a", "b"]
    following = first.json()["networks_links"][0]["href"]
    rest = httpx.get(following, headers={"X-Auth-Token": api.token}).json()["networks"]
    assert [n["name"] for n in rest] == ["c"]
    for query in ("sort_key=name", "sort_key=name&sort_dir=up", "sort_key=colour&sort_dir=asc"):
        response = api("GET", f"/v2.0/networks?{query}")
        assert response.status_code == 400, query
        assert response.json()["NeutronError"]["type"] == "HTTPBadRequest"


def test_show_answers_only_the_fields_asked_for(api, conn):
    network, subnet = network_with_subnet(conn)
    port = conn.network.create_port(network_id=network.id)
    for collection, item in (("networks", network), ("subnets", subnet), ("ports", port)):
        shown = api("GET", f"/v2.0/{collection}/{item.id}?fields=id&fields=name").json()
        assert shown == {collection[:-1]: {"id": item.id, "name": item.name}}


def test_a_gateway_or_floating_ip_on_an_unknown_network_is_404_on_an_internal_one_400(api):
    internal = api("POST", "/v2.0/networks", json={"network": {"name": "n"}}).json()["network"]
    unknown = "6f1e9b0c-0000-4000-8000-000000000000"
    for network_id, status, kind in (
        (unknown, 404, "NetworkNotFound"),
        (internal["id"], 400, "BadRequest"),
    ):
        gateway = {"network_id": network_id}
        router = api("POST", "/v2.0/routers", json={"router": {"external_gateway_info": gateway}})
        floatingip = api(
            "POST", "/v2.0/floatingips", json={"floatingip": {"floating_network_id": network_id}}
        )
        for response in (router, floatingip):
            assert response.status_code == status
            assert response.json()["NeutronError"]["type"] == kind


def test_bulk_creates_make_all_or_nothing(api, conn):
    made = api("POST", "/v2.0/networks", json={"networks": [{"name": "a"}, {"name": "b"}]})
    assert made.status_code == 201
    networks = made.json()["networks"]
    assert [n["name"] for n in networks] == ["a", "b"]
    subnets = [
        {"network_id": n["id"], "cidr": f"192.168.{i}.0/24", "ip_version": 4}
        for i, n in enumerate(networks)
    ]
    assert api("POST", "/v2.0/subnets", json={"subnets": subnets}).status_code == 201
    ports = conn.network.create_ports([{"network_id": networks[0]["id"]}] * 2)
    assert len({p.fixed_ips[0]["ip_address"] for p in ports}) == 2
    group = conn.network.create_security_group(name="g")
    rules = conn.network.create_security_group_rules(
        [
            {"security_group_id": group.id, "direction": "ingress", "protocol": protocol}
            for protocol in ("tcp", "udp")
        ]
    )
    assert [r.protocol for r in rules] == ["tcp", "udp"]
    refused = api(
        "POST",
        "/v2.0/ports",
        json={"ports": [{"network_id": networks[1]["id"]}, {"network_id": "nowhere"}]},
    )
    assert refused.status_code == 404
    assert list(conn.network.ports(network_id=networks[1]["id"])) == []
    unknown = api("POST", "/v2.0/networks", json={"networks": [{"colour": "blue"}]})
    assert unknown.status_code == 400
    assert "networks.0.colour" in unknown.json()["NeutronError"]["message"]
