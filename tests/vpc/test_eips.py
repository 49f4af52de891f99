"""EIPs through huaweicloudsdkeip and Neutron floating IPs: the same objects."""

from decimal import Decimal
from ipaddress import ip_address, ip_network

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkeip.v2 import (
    AddPublicipsIntoSharedBandwidthOption,
    AddPublicipsIntoSharedBandwidthRequest,
    AddPublicipsIntoSharedBandwidthRequestBody,
    CreatePublicipBandwidthOption,
    CreatePublicipOption,
    CreatePublicipRequest,
    CreatePublicipRequestBody,
    CreateSharedBandwidhRequestBody,
    CreateSharedBandwidthOption,
    CreateSharedBandwidthRequest,
    DeletePublicipRequest,
    InsertPublicipInfo,
    ListPublicipsRequest,
    RemoveFromSharedBandwidthOption,
    RemovePublicipInfo,
    RemovePublicipsFromSharedBandwidthRequest,
    RemovePublicipsFromSharedBandwidthRequestBody,
    ShowBandwidthRequest,
    ShowPublicipRequest,
    UpdateBandwidthOption,
    UpdateBandwidthRequest,
    UpdateBandwidthRequestBody,
    UpdatePublicipOption,
    UpdatePublicipRequest,
    UpdatePublicipsRequestBody,
)
from openstack.exceptions import BadRequestException, ConflictException

from emulator import metering

EXTERNAL_ID = "0a2228f2-7f8a-45f1-8e09-9039e1d09975"


def allocate(client, size=5, share_type="PER", bandwidth_id=None):
    bandwidth = (
        CreatePublicipBandwidthOption(share_type="WHOLE", id=bandwidth_id)
        if share_type == "WHOLE"
        else CreatePublicipBandwidthOption(name="bw", size=size, share_type="PER")
    )
    body = CreatePublicipRequestBody(
        publicip=CreatePublicipOption(type="5_bgp"), bandwidth=bandwidth
    )
    return client.create_publicip(CreatePublicipRequest(body=body)).publicip


def bind(client, publicip_id, port_id):
    body = UpdatePublicipsRequestBody(publicip=UpdatePublicipOption(port_id=port_id))
    return client.update_publicip(UpdatePublicipRequest(publicip_id=publicip_id, body=body))


def show(client, publicip_id):
    return client.show_publicip(ShowPublicipRequest(publicip_id=publicip_id)).publicip


@pytest.fixture
def port(conn, native_vpc):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    return conn.network.create_port(network_id=subnet["id"])


def test_eip_lifecycle_allocate_bind_unbind_release(flexemu, eip_client, port):
    eip = allocate(eip_client)
    assert eip.status == "PENDING_CREATE"
    assert eip.bandwidth_size == 5
    assert ip_address(eip.public_ip_address) in ip_network("192.0.2.0/24")
    flexemu.advance("PT1M")
    assert show(eip_client, eip.id).status == "DOWN"
    bound = bind(eip_client, eip.id, port.id).publicip
    assert (bound.status, bound.port_id) == ("ACTIVE", port.id)
    assert bound.private_ip_address == port.fixed_ips[0]["ip_address"]
    # huaweicloudsdkeip sends {"publicip": {}} to unbind.
    unbound = bind(eip_client, eip.id, None).publicip
    assert (unbound.status, unbound.port_id) == ("DOWN", None)
    eip_client.delete_publicip(DeletePublicipRequest(publicip_id=eip.id))
    assert eip_client.list_publicips(ListPublicipsRequest()).publicips == []


def test_unbind_with_null_port_id(flexemu, api, eip_client, port):
    eip = allocate(eip_client)
    bind(eip_client, eip.id, port.id)
    response = api("PUT", f"/v1/{{pid}}/publicips/{eip.id}", json={"publicip": {"port_id": None}})
    assert response.status_code == 200
    assert response.json()["publicip"]["port_id"] is None


def test_native_eip_create_answers_200(api):
    response = api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp"},
            "bandwidth": {"name": "bw", "size": 10, "share_type": "PER"},
        },
    )
    assert response.status_code == 200
    assert set(response.json()["publicip"]) >= {
        "id",
        "status",
        "public_ip_address",
        "bandwidth_size",
        "create_time",
        "tenant_id",
    }


@pytest.mark.parametrize("size", [0, 1001])
def test_bandwidth_outside_1_to_1000_is_refused(api, size):
    response = api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp"},
            "bandwidth": {"name": "bw", "size": size, "share_type": "PER"},
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "VPC.0301"
    assert api("GET", "/v1/{pid}/publicips").json()["publicips"] == []


def test_eip_is_the_floating_ip(flexemu, conn, eip_client, port):
    eip = allocate(eip_client)
    bind(eip_client, eip.id, port.id)
    floating = conn.network.get_ip(eip.id)
    assert floating.floating_ip_address == eip.public_ip_address
    assert (floating.port_id, floating.status) == (port.id, "ACTIVE")
    assert floating.floating_network_id == EXTERNAL_ID
    made_by_neutron = conn.network.create_ip(floating_network_id=EXTERNAL_ID)
    flexemu.advance("PT1M")
    assert show(eip_client, made_by_neutron.id).status == "DOWN"


def test_floating_ip_bind_and_unbind_through_neutron(conn, port):
    floating = conn.network.create_ip(floating_network_id=EXTERNAL_ID)
    assert floating.status == "DOWN"
    bound = conn.network.update_ip(floating, port_id=port.id)
    assert bound.fixed_ip_address == port.fixed_ips[0]["ip_address"]
    assert bound.router_id is not None
    assert conn.network.update_ip(floating, port_id=None).port_id is None


def test_neutron_moves_a_bound_floating_ip_the_eip_api_wants_it_unbound(conn, eip_client, port):
    other = conn.network.create_port(network_id=port.network_id)
    floating = conn.network.create_ip(floating_network_id=EXTERNAL_ID, port_id=port.id)
    moved = conn.network.update_ip(floating, port_id=other.id)
    assert (moved.port_id, moved.fixed_ip_address) == (other.id, other.fixed_ips[0]["ip_address"])
    with pytest.raises(ClientRequestException) as refused:
        bind(eip_client, floating.id, port.id)
    assert refused.value.status_code == 409


@pytest.fixture
def two_address_port(conn, port):
    return conn.network.create_port(
        network_id=port.network_id,
        fixed_ips=[{"ip_address": "10.0.1.10"}, {"ip_address": "10.0.1.20"}],
    )


def test_floating_ip_at_a_chosen_address_of_a_port_both_apis_show(
    conn, eip_client, two_address_port
):
    port_id = two_address_port.id
    floating = conn.network.create_ip(
        floating_network_id=EXTERNAL_ID, port_id=port_id, fixed_ip_address="10.0.1.20"
    )
    assert floating.fixed_ip_address == "10.0.1.20"
    assert show(eip_client, floating.id).private_ip_address == "10.0.1.20"
    # By id, so that openstacksdk sends the unchanged port_id too, as Neutron needs.
    moved = conn.network.update_ip(floating.id, port_id=port_id, fixed_ip_address="10.0.1.10")
    assert (moved.port_id, moved.fixed_ip_address) == (port_id, "10.0.1.10")
    assert show(eip_client, floating.id).private_ip_address == "10.0.1.10"
    other = conn.network.create_ip(
        floating_network_id=EXTERNAL_ID, port_id=port_id, fixed_ip_address="10.0.1.20"
    )
    assert conn.network.get_ip(other.id).fixed_ip_address == "10.0.1.20"
    with pytest.raises(ConflictException, match="using fixed IP 10.0.1.10"):
        conn.network.create_ip(
            floating_network_id=EXTERNAL_ID, port_id=port_id, fixed_ip_address="10.0.1.10"
        )


@pytest.mark.parametrize(
    ("binding", "message"),
    [
        ({}, "has multiple fixed IPv4 addresses"),
        ({"fixed_ip_address": "10.0.1.30"}, "does not have fixed ip 10.0.1.30"),
        ({"port_id": None, "fixed_ip_address": "10.0.1.10"}, "without a port_id"),
    ],
)
def test_floating_ip_address_must_be_one_of_the_port(conn, two_address_port, binding, message):
    floating = conn.network.create_ip(floating_network_id=EXTERNAL_ID)
    with pytest.raises(BadRequestException, match=message):
        conn.network.update_ip(floating, **{"port_id": two_address_port.id, **binding})
    assert conn.network.get_ip(floating.id).port_id is None


def test_deleting_a_bound_port_leaves_the_eip_allocated(flexemu, conn, eip_client, port):
    eip = allocate(eip_client)
    flexemu.advance("PT1M")
    bind(eip_client, eip.id, port.id)
    conn.network.delete_port(port)
    left = show(eip_client, eip.id)
    assert (left.status, left.port_id) == ("DOWN", None)


def test_addresses_are_never_handed_out_twice(eip_client):
    addresses = [allocate(eip_client).public_ip_address for _ in range(5)]
    assert len(set(addresses)) == 5


def test_requested_address_in_use_is_refused(api, eip_client):
    taken = allocate(eip_client).public_ip_address
    response = api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp", "ip_address": taken},
            "bandwidth": {"name": "bw", "size": 1, "share_type": "PER"},
        },
    )
    assert response.status_code == 409


def test_resize_bandwidth_changes_the_meter(flexemu, eip_client):
    eip = allocate(eip_client, size=5)
    bandwidth_id = show(eip_client, eip.id).bandwidth_id
    body = UpdateBandwidthRequestBody(bandwidth=UpdateBandwidthOption(size=20))
    resized = eip_client.update_bandwidth(
        UpdateBandwidthRequest(bandwidth_id=bandwidth_id, body=body)
    ).bandwidth
    assert resized.size == 20
    assert show(eip_client, eip.id).bandwidth_size == 20
    with flexemu.emulator.db.transaction() as tx:
        sizes = [
            (i.meter, i.quantity, i.ended_at is None)
            for i in metering.intervals(tx)
            if i.resource_id == bandwidth_id
        ]
        held = [i for i in metering.intervals(tx) if i.resource_id == eip.id]
    assert sizes == [
        ("vpc.bandwidth_mbit_hours", Decimal(5), False),
        ("vpc.bandwidth_mbit_hours", Decimal(20), True),
    ]
    assert [(i.meter, i.ended_at) for i in held] == [("vpc.eip_hours", None)]


def test_release_closes_the_meters(flexemu, eip_client):
    eip = allocate(eip_client)
    flexemu.advance("PT2H")
    eip_client.delete_publicip(DeletePublicipRequest(publicip_id=eip.id))
    with flexemu.emulator.db.transaction() as tx:
        intervals = [i for i in metering.intervals(tx) if i.project_id == eip.tenant_id]
    assert intervals and all(i.ended_at is not None for i in intervals)
    hours = (intervals[0].ended_at - intervals[0].started_at).total_seconds() / 3600
    assert hours >= 2


def test_shared_bandwidth_insert_and_remove(eip_client):
    body = CreateSharedBandwidhRequestBody(
        bandwidth=CreateSharedBandwidthOption(name="shared", size=50)
    )
    shared = eip_client.create_shared_bandwidth(CreateSharedBandwidthRequest(body=body)).bandwidth
    assert shared.share_type == "WHOLE"
    eip = allocate(eip_client)
    own_bandwidth = show(eip_client, eip.id).bandwidth_id
    insert = AddPublicipsIntoSharedBandwidthRequestBody(
        AddPublicipsIntoSharedBandwidthOption(
            publicip_info=[InsertPublicipInfo(publicip_id=eip.id)]
        )
    )
    eip_client.add_publicips_into_shared_bandwidth(
        AddPublicipsIntoSharedBandwidthRequest(bandwidth_id=shared.id, body=insert)
    )
    assert show(eip_client, eip.id).bandwidth_share_type == "WHOLE"
    with pytest.raises(ClientRequestException) as gone:
        eip_client.show_bandwidth(ShowBandwidthRequest(bandwidth_id=own_bandwidth))
    assert gone.value.status_code == 404
    remove = RemovePublicipsFromSharedBandwidthRequestBody(
        RemoveFromSharedBandwidthOption(
            charge_mode="bandwidth", size=3, publicip_info=[RemovePublicipInfo(publicip_id=eip.id)]
        )
    )
    eip_client.remove_publicips_from_shared_bandwidth(
        RemovePublicipsFromSharedBandwidthRequest(bandwidth_id=shared.id, body=remove)
    )
    after = show(eip_client, eip.id)
    assert (after.bandwidth_share_type, after.bandwidth_size) == ("PER", 3)


def test_eip_on_a_shared_bandwidth_at_creation(eip_client):
    body = CreateSharedBandwidhRequestBody(
        bandwidth=CreateSharedBandwidthOption(name="shared", size=100)
    )
    shared = eip_client.create_shared_bandwidth(CreateSharedBandwidthRequest(body=body)).bandwidth
    eip = allocate(eip_client, share_type="WHOLE", bandwidth_id=shared.id)
    listed = eip_client.show_bandwidth(ShowBandwidthRequest(bandwidth_id=shared.id)).bandwidth
    assert [p.publicip_id for p in listed.publicip_info] == [eip.id]


def test_unknown_eip_is_404_in_native_body(api):
    response = api("GET", "/v1/{pid}/publicips/3c0e7d49-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["code"] == "VPC.0504"
