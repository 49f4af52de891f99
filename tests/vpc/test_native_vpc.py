"""The native VPC API (huaweicloudsdkvpc and raw calls): VPCs, subnets, statuses, CIDR rules."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpc.v2 import (
    CreateSubnetOption,
    CreateSubnetRequest,
    CreateSubnetRequestBody,
    CreateVpcOption,
    CreateVpcRequest,
    CreateVpcRequestBody,
    DeleteSubnetRequest,
    DeleteVpcRequest,
    ListSubnetsRequest,
    ListVpcsRequest,
    ShowSubnetRequest,
    ShowVpcRequest,
    UpdateSubnetOption,
    UpdateSubnetRequest,
    UpdateSubnetRequestBody,
    UpdateVpcOption,
    UpdateVpcRequest,
    UpdateVpcRequestBody,
)


def make_vpc(client, cidr="192.168.0.0/16", name="vpc-a"):
    body = CreateVpcRequestBody(CreateVpcOption(name=name, cidr=cidr))
    return client.create_vpc(CreateVpcRequest(body=body)).vpc


def make_subnet(client, vpc_id, cidr="192.168.1.0/24", gateway="192.168.1.1", **extra):
    option = CreateSubnetOption(
        name="subnet-a", cidr=cidr, gateway_ip=gateway, vpc_id=vpc_id, **extra
    )
    return client.create_subnet(CreateSubnetRequest(body=CreateSubnetRequestBody(option))).subnet


def test_vpc_is_creating_then_ok_on_the_clock(flexemu, vpc_client):
    vpc = make_vpc(vpc_client)
    assert vpc.status == "CREATING"
    assert vpc.cidr == "192.168.0.0/16"
    flexemu.advance("PT1M")
    assert vpc_client.show_vpc(ShowVpcRequest(vpc_id=vpc.id)).vpc.status == "OK"


def test_subnet_is_unknown_then_active_with_neutron_ids(flexemu, vpc_client, conn):
    vpc = make_vpc(vpc_client)
    subnet = make_subnet(
        vpc_client, vpc.id, primary_dns="100.125.0.41", availability_zone="eu-west-0a"
    )
    assert subnet.status == "UNKNOWN"
    flexemu.advance("PT1M")
    shown = vpc_client.show_subnet(ShowSubnetRequest(subnet_id=subnet.id)).subnet
    assert shown.status == "ACTIVE"
    assert shown.primary_dns == "100.125.0.41"
    assert shown.availability_zone == "eu-west-0a"
    # The native subnet is a Neutron network plus a Neutron subnet.
    assert shown.neutron_network_id == subnet.id
    assert conn.network.get_network(subnet.id).subnet_ids == [shown.neutron_subnet_id]
    assert conn.network.get_subnet(shown.neutron_subnet_id).cidr == "192.168.1.0/24"


def test_native_creates_answer_200_and_deletes_204(api):
    created = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"name": "a", "cidr": "10.0.0.0/16"}})
    assert created.status_code == 200
    assert "X-Request-Id" in created.headers
    vpc_id = created.json()["vpc"]["id"]
    assert api("DELETE", f"/v1/{{pid}}/vpcs/{vpc_id}").status_code == 204
    gone = api("GET", f"/v1/{{pid}}/vpcs/{vpc_id}")
    assert gone.status_code == 404
    assert gone.json()["code"] == "VPC.0003"


def test_vpc_is_a_neutron_router(vpc_client, conn):
    vpc = make_vpc(vpc_client, name="shared-view")
    router = conn.network.get_router(vpc.id)
    assert router.name == "shared-view"
    made_by_neutron = conn.network.create_router(name="from-neutron")
    listed = vpc_client.list_vpcs(ListVpcsRequest()).vpcs
    assert made_by_neutron.id in [v.id for v in listed]


@pytest.mark.parametrize(
    "cidr", ["8.8.0.0/16", "172.32.0.0/16", "10.0.0.5/16", "fd00::/64", "banana"]
)
def test_vpc_cidr_outside_rfc1918_or_malformed_is_refused(api, cidr):
    response = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"name": "a", "cidr": cidr}})
    assert response.status_code == 400
    assert response.json()["code"] == "VPC.0101"
    assert api("GET", "/v1/{pid}/vpcs").json()["vpcs"] == []


def test_subnet_must_lie_in_its_vpc_and_not_overlap_a_sibling(vpc_client, api):
    vpc = make_vpc(vpc_client)
    make_subnet(vpc_client, vpc.id)
    for cidr, gateway in (("10.1.0.0/24", "10.1.0.1"), ("192.168.1.128/25", "192.168.1.129")):
        response = api(
            "POST",
            "/v1/{pid}/subnets",
            json={"subnet": {"name": "b", "cidr": cidr, "gateway_ip": gateway, "vpc_id": vpc.id}},
        )
        assert response.status_code == 400, cidr
        assert response.json()["code"] == "VPC.0201"
    assert len(api("GET", "/v1/{pid}/subnets").json()["subnets"]) == 1


def test_subnet_gateway_outside_the_subnet_is_refused(vpc_client):
    vpc = make_vpc(vpc_client)
    with pytest.raises(ClientRequestException) as error:
        make_subnet(vpc_client, vpc.id, gateway="192.168.2.1")
    assert error.value.status_code == 400


def test_subnet_in_an_unknown_vpc_is_404(api):
    response = api(
        "POST",
        "/v1/{pid}/subnets",
        json={
            "subnet": {
                "name": "b",
                "cidr": "10.0.0.0/24",
                "gateway_ip": "10.0.0.1",
                "vpc_id": "1b8e0c2c-7a8e-4f57-9bc3-4f4d7fbd3a11",
            }
        },
    )
    assert response.status_code == 404
    assert response.json()["code"] == "VPC.0003"


def test_missing_required_field_is_400_not_422(api):
    response = api("POST", "/v1/{pid}/subnets", json={"subnet": {"name": "b"}})
    assert response.status_code == 400
    assert response.json()["code"] == "VPC.0101"


def test_update_vpc_and_subnet(vpc_client):
    vpc = make_vpc(vpc_client)
    subnet = make_subnet(vpc_client, vpc.id)
    updated = vpc_client.update_vpc(
        UpdateVpcRequest(
            vpc_id=vpc.id,
            body=UpdateVpcRequestBody(UpdateVpcOption(name="renamed", description="d")),
        )
    ).vpc
    assert (updated.name, updated.description) == ("renamed", "d")
    option = UpdateSubnetOption(name="subnet-b", dns_list=["100.125.0.41", "100.126.0.41"])
    result = vpc_client.update_subnet(
        UpdateSubnetRequest(
            vpc_id=vpc.id, subnet_id=subnet.id, body=UpdateSubnetRequestBody(option)
        )
    ).subnet
    assert result.id == subnet.id
    shown = vpc_client.show_subnet(ShowSubnetRequest(subnet_id=subnet.id)).subnet
    assert (shown.name, shown.secondary_dns) == ("subnet-b", "100.126.0.41")


def test_vpc_with_subnets_cannot_be_deleted(vpc_client, api):
    vpc = make_vpc(vpc_client)
    subnet = make_subnet(vpc_client, vpc.id)
    assert api("DELETE", f"/v1/{{pid}}/vpcs/{vpc.id}").status_code == 409
    vpc_client.delete_subnet(DeleteSubnetRequest(vpc_id=vpc.id, subnet_id=subnet.id))
    assert vpc_client.list_subnets(ListSubnetsRequest(vpc_id=vpc.id)).subnets == []
    vpc_client.delete_vpc(DeleteVpcRequest(vpc_id=vpc.id))
    assert vpc_client.list_vpcs(ListVpcsRequest()).vpcs == []


def test_subnet_with_ports_in_use_is_409_then_deletable(vpc_client, conn, api):
    vpc = make_vpc(vpc_client)
    subnet = make_subnet(vpc_client, vpc.id)
    port = conn.network.create_port(network_id=subnet.id)
    path = f"/v1/{{pid}}/vpcs/{vpc.id}/subnets/{subnet.id}"
    busy = api("DELETE", path)
    assert busy.status_code == 409
    assert busy.json()["code"] == "VPC.0209"
    conn.network.delete_port(port)
    assert api("DELETE", path).status_code == 204
    assert api("GET", f"/v1/{{pid}}/subnets/{subnet.id}").status_code == 404
    assert conn.network.find_network(subnet.id) is None


def test_list_vpcs_pages_with_limit_and_marker(vpc_client):
    made = [make_vpc(vpc_client, cidr=f"10.{n}.0.0/16", name=f"v{n}").id for n in range(3)]
    first = vpc_client.list_vpcs(ListVpcsRequest(limit=2)).vpcs
    rest = vpc_client.list_vpcs(ListVpcsRequest(limit=2, marker=first[-1].id)).vpcs
    assert [v.id for v in first + rest] == made


def test_another_tenants_vpc_is_404(api, other_tenant_api):
    vpc_id = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"cidr": "10.0.0.0/16"}}).json()["vpc"]
    assert other_tenant_api("GET", f"/v1/{{pid}}/vpcs/{vpc_id['id']}").status_code == 404
    assert other_tenant_api("GET", f"/v2.0/routers/{vpc_id['id']}").status_code == 404


def test_vpc_routes_are_validated_against_its_cidr(api):
    route = {"destination": "0.0.0.0/0", "nexthop": "10.0.0.10"}
    created = api(
        "POST", "/v1/{pid}/vpcs", json={"vpc": {"cidr": "10.0.0.0/16", "routes": [route]}}
    )
    assert created.status_code == 200
    assert created.json()["vpc"]["routes"] == [route]
    outside = api(
        "PUT",
        f"/v1/{{pid}}/vpcs/{created.json()['vpc']['id']}",
        json={"vpc": {"routes": [{"destination": "0.0.0.0/0", "nexthop": "172.16.0.1"}]}},
    )
    assert outside.status_code == 400


def test_a_project_id_not_the_tokens_is_400_vpc_0007(api, flexemu):
    """VPC API reference, error codes: 400 VPC.0007 `urlTenantId is not equal tokenTenantId`."""
    other_project = flexemu.project_ids["eu-west-1"]
    for path in (
        f"/v1/{other_project}/vpcs",
        f"/v1/{other_project}/publicips",
        f"/v3/{other_project}/vpc/security-groups/{'0' * 32}",
    ):
        response = api("GET", path)
        assert response.status_code == 400, path
        body = response.json()
        assert body.get("code", body.get("error_code")) == "VPC.0007", body
        assert "urlTenantId is not equal tokenTenantId" in str(body)
