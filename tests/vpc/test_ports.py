"""Ports and IP address management, on both sides of the one network."""

import openstack.exceptions
import pytest
from huaweicloudsdkvpc.v2 import ListPortsRequest


@pytest.fixture
def small_subnet(conn):
    """A /29: hosts .1-.6; .1 is the gateway, .5 and .6 are kept by the cloud."""
    network = conn.network.create_network(name="small")
    subnet = conn.network.create_subnet(network_id=network.id, cidr="192.168.50.0/29", ip_version=4)
    return network, subnet


def test_ports_get_free_addresses_and_unique_macs(conn, small_subnet):
    network, subnet = small_subnet
    made = [conn.network.create_port(network_id=network.id) for _ in range(3)]
    assert [p.fixed_ips[0]["ip_address"] for p in made] == [
        "192.168.50.2",
        "192.168.50.3",
        "192.168.50.4",
    ]
    macs = {p.mac_address for p in made}
    assert len(macs) == 3
    assert all(mac.startswith("fa:16:3e:") for mac in macs)


def test_a_full_subnet_is_refused_and_leaves_nothing_behind(api, conn, small_subnet):
    network, _ = small_subnet
    for _ in range(3):
        conn.network.create_port(network_id=network.id)
    response = api("POST", "/v2.0/ports", json={"port": {"network_id": network.id}})
    assert response.status_code == 409
    assert response.json()["NeutronError"]["type"] == "IpAddressGenerationFailure"
    assert len(list(conn.network.ports(network_id=network.id))) == 3


def test_a_taken_address_is_refused_and_no_ip_is_held(api, conn, small_subnet):
    network, subnet = small_subnet
    conn.network.create_port(
        network_id=network.id, fixed_ips=[{"subnet_id": subnet.id, "ip_address": "192.168.50.3"}]
    )
    taken = api(
        "POST",
        "/v2.0/ports",
        json={
            "port": {
                "network_id": network.id,
                "fixed_ips": [{"subnet_id": subnet.id, "ip_address": "192.168.50.3"}],
            }
        },
    )
    assert taken.status_code == 409
    assert taken.json()["NeutronError"]["type"] == "IpAddressAlreadyAllocated"
    # The failed creation held no address: the next port gets the first free one.
    assert conn.network.create_port(network_id=network.id).fixed_ips[0]["ip_address"] == (
        "192.168.50.2"
    )


@pytest.mark.parametrize("address", ["192.168.50.1", "192.168.50.0", "192.168.50.7", "10.0.0.4"])
def test_gateway_network_broadcast_and_foreign_addresses_are_refused(api, small_subnet, address):
    network, subnet = small_subnet
    response = api(
        "POST",
        "/v2.0/ports",
        json={
            "port": {
                "network_id": network.id,
                "fixed_ips": [{"subnet_id": subnet.id, "ip_address": address}],
            }
        },
    )
    assert response.status_code == 400


def test_native_port_creation_reports_an_address_in_use(api, native_vpc):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    body = {
        "port": {
            "network_id": subnet["id"],
            "fixed_ips": [{"subnet_id": subnet["neutron_subnet_id"], "ip_address": "10.0.1.10"}],
        }
    }
    first = api("POST", "/v1/{pid}/ports", json=body)
    assert first.status_code == 200
    again = api("POST", "/v1/{pid}/ports", json=body)
    assert again.status_code == 409
    assert again.json()["code"] == "VPC.0701"


def test_a_port_made_on_one_side_is_listed_on_the_other(conn, vpc_client, native_vpc, api):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    neutron_port = conn.network.create_port(network_id=subnet["id"], name="from-neutron")
    native_port = api(
        "POST",
        "/v1/{pid}/ports",
        json={"port": {"network_id": subnet["id"], "name": "from-native"}},
    ).json()["port"]
    listed = vpc_client.list_ports(ListPortsRequest(network_id=subnet["id"])).ports
    assert {neutron_port.id, native_port["id"]} <= {p.id for p in listed}
    assert conn.network.get_port(native_port["id"]).name == "from-native"


def test_a_port_without_groups_joins_its_vpcs_default(conn, native_vpc):
    made = native_vpc(subnets=("10.0.1.0/24",))
    port = conn.network.create_port(network_id=made["subnets"][0]["id"])
    default = [
        g for g in conn.network.security_groups(name="default") if g.vpc_id == made["vpc"]["id"]
    ]
    assert port.security_group_ids == [default[0].id]


def test_router_interfaces_are_deleted_only_through_the_router(conn, native_vpc):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    interface = next(iter(conn.network.ports(network_id=subnet["id"])))
    assert interface.device_owner == "network:router_interface_distributed"
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.delete_port(interface)


def test_fixed_ip_filter(conn, small_subnet):
    network, _ = small_subnet
    ports = [conn.network.create_port(network_id=network.id) for _ in range(2)]
    found = list(conn.network.ports(fixed_ips=["ip_address=192.168.50.3"]))
    assert [p.id for p in found] == [ports[1].id]


def test_updating_fixed_ips_moves_the_port_and_frees_the_old_address(conn, small_subnet):
    network, subnet = small_subnet
    port = conn.network.create_port(network_id=network.id)
    moved = conn.network.update_port(
        port, fixed_ips=[{"subnet_id": subnet.id, "ip_address": "192.168.50.4"}]
    )
    assert moved.fixed_ips == [{"subnet_id": subnet.id, "ip_address": "192.168.50.4"}]
    assert conn.network.create_port(network_id=network.id).fixed_ips[0]["ip_address"] == (
        "192.168.50.2"
    )


def test_a_fixed_ip_naming_only_its_subnet_keeps_the_address(conn, small_subnet):
    network, subnet = small_subnet
    router = conn.network.create_router(name="r")
    interface = conn.network.add_interface_to_router(router, subnet=subnet.id)
    port = conn.network.create_port(network_id=network.id)
    for kept in (interface["port_id"], port.id):
        before = conn.network.get_port(kept).fixed_ips
        after = conn.network.update_port(kept, fixed_ips=[{"subnet_id": subnet.id}]).fixed_ips
        assert after == before
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.update_port(
            interface["port_id"], fixed_ips=[{"subnet_id": subnet.id, "ip_address": "192.168.50.4"}]
        )


def test_operations_for_compute_share_the_transaction(flexemu, conn, native_vpc, project_id):
    from apis.vpc import operations
    from emulator.context import ProjectRef, RequestContext

    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    emulator = flexemu.emulator
    # What ECS holds when it creates a server: its own context and transaction.
    ctx = RequestContext(
        emulator, None, ProjectRef(project_id, "eu-west-0", "", "eu-west-0"), "req"
    )
    with emulator.db.transaction() as tx:
        port = operations.create_port(tx, ctx, operations.PortSpec(network_id=subnet["id"]))
        operations.bind_device(
            tx, ctx, port.id, device_id="server-1", device_owner="compute:eu-west-0a"
        )
        eip = operations.allocate_publicip(
            tx, ctx, operations.BandwidthSpec(name="b", size=2), port_id=port.id
        )
        port_id, eip_id = port.id, eip.id
    shown = conn.network.get_port(port_id)
    assert (shown.device_id, shown.status) == ("server-1", "ACTIVE")
    assert conn.network.get_ip(eip_id).port_id == port_id


def test_private_ips_are_ports_seen_by_address(vpc_client, conn, native_vpc):
    from huaweicloudsdkvpc.v2 import (
        CreatePrivateipOption,
        CreatePrivateipRequest,
        CreatePrivateipRequestBody,
        DeletePrivateipRequest,
        ListPrivateipsRequest,
    )

    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    body = CreatePrivateipRequestBody(
        privateips=[CreatePrivateipOption(subnet_id=subnet["id"], ip_address="10.0.1.20")]
    )
    made = vpc_client.create_privateip(CreatePrivateipRequest(body=body)).privateips[0]
    assert made.ip_address == "10.0.1.20"
    assert conn.network.get_port(made.id).fixed_ips[0]["ip_address"] == "10.0.1.20"
    listed = vpc_client.list_privateips(ListPrivateipsRequest(subnet_id=subnet["id"])).privateips
    assert {"10.0.1.1", "10.0.1.20"} == {p.ip_address for p in listed}
    vpc_client.delete_privateip(DeletePrivateipRequest(privateip_id=made.id))
    assert conn.network.find_port(made.id) is None
