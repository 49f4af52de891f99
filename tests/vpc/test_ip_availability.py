"""`/v2.0/network-ip-availabilities`: addresses of the allocation pools, used and total, per
network and subnet, counted from the real allocations (the cloud's reserved addresses in
neither count, as the VPC API reference says)."""

from huaweicloudsdkvpc.v2 import ShowNetworkIpAvailabilitiesRequest


def test_show_counts_pool_addresses_and_allocations(conn):
    network = conn.network.create_network(name="app")
    first = conn.network.create_subnet(
        network_id=network.id, cidr="192.168.10.0/24", ip_version=4, name="a"
    )
    second = conn.network.create_subnet(
        network_id=network.id, cidr="192.168.20.0/28", ip_version=4, name="b"
    )
    conn.network.create_port(network_id=network.id, fixed_ips=[{"subnet_id": first.id}])
    conn.network.create_port(network_id=network.id, fixed_ips=[{"subnet_id": first.id}])
    conn.network.create_port(network_id=network.id, fixed_ips=[{"subnet_id": second.id}])
    router = conn.network.create_router(name="r")
    conn.network.add_interface_to_router(router, subnet=first.id)  # takes the gateway

    availability = conn.network.get_network_ip_availability(network.id)
    assert availability.network_name == "app"
    by_subnet = {s["subnet_id"]: s for s in availability.subnet_ip_availability}
    assert by_subnet[first.id] == {
        "subnet_id": first.id,
        "subnet_name": "a",
        "cidr": "192.168.10.0/24",
        "ip_version": 4,
        "used_ips": 2,
        "total_ips": 251,  # .2 to .252
    }
    assert (by_subnet[second.id]["used_ips"], by_subnet[second.id]["total_ips"]) == (1, 11)
    assert (availability.used_ips, availability.total_ips) == (3, 262)


def test_list_has_every_network_of_the_project_and_filters(conn, api):
    network = conn.network.create_network(name="one")
    conn.network.create_subnet(network_id=network.id, cidr="192.168.1.0/24", ip_version=4)
    conn.network.create_network(name="empty")
    listed = {a.network_name: a for a in conn.network.network_ip_availabilities()}
    assert set(listed) == {"one", "empty"}
    assert (listed["one"].used_ips, listed["one"].total_ips) == (0, 251)
    assert listed["empty"].subnet_ip_availability == []
    response = api("GET", "/v2.0/network-ip-availabilities?network_name=one&ip_version=4")
    assert response.status_code == 200
    (only,) = response.json()["network_ip_availabilities"]
    assert only["network_id"] == network.id
    assert only["tenant_id"] == only["project_id"] == api.project_id


def test_huawei_sdk_reads_a_native_subnet(vpc_client, native_vpc):
    subnet = native_vpc("10.0.0.0/16", ["10.0.1.0/24"])["subnets"][0]
    answer = vpc_client.show_network_ip_availabilities(
        ShowNetworkIpAvailabilitiesRequest(network_id=subnet["id"])
    ).network_ip_availability
    assert answer.network_id == subnet["id"]
    assert [(s.cidr, s.total_ips) for s in answer.subnet_ip_availability] == [("10.0.1.0/24", 251)]


def test_cli_lists_and_shows(cli, conn):
    network = conn.network.create_network(name="cli-net")
    conn.network.create_subnet(network_id=network.id, cidr="192.168.3.0/24", ip_version=4)
    rows = cli("ip", "availability", "list")
    assert [(r["Network Name"], r["Total IPs"], r["Used IPs"]) for r in rows] == [
        ("cli-net", 251, 0)
    ]
    shown = cli("ip", "availability", "show", "cli-net")
    assert shown["total_ips"] == 251


def test_another_tenants_network_is_404(conn, other_tenant_api):
    network = conn.network.create_network(name="mine")
    response = other_tenant_api("GET", f"/v2.0/network-ip-availabilities/{network.id}")
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "NetworkNotFound"
