"""Quotas (one set of counters behind both quota APIs) and TMS tags."""

from huaweicloudsdkeip.v2 import ListQuotasRequest
from huaweicloudsdkvpc.v2 import (
    BatchCreateVpcTagsRequest,
    BatchCreateVpcTagsRequestBody,
    ResourceTag,
    ShowQuotaRequest,
    ShowVpcTagsRequest,
)


def set_quotas(flexemu, project_id, **values):
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": values}).raise_for_status()


def test_native_and_neutron_quotas_read_the_same_counters(conn, vpc_client, native_vpc, project_id):
    native_vpc(subnets=("10.0.1.0/24",))
    resources = vpc_client.show_quota(ShowQuotaRequest()).quotas.resources
    by_type = {r.type: (r.used, r.quota) for r in resources}
    assert by_type["vpc"] == (1, 5)
    assert by_type["subnet"] == (1, 100)
    assert by_type["securityGroup"] == (1, 100)
    details = conn.network.get_quota(project_id, details=True)
    assert details.routers == {"limit": 5, "used": 1, "reserved": 0}
    assert details.networks["used"] == 1


def test_eip_quota_types_filter(eip_client):
    resources = eip_client.list_quotas(ListQuotasRequest(type="publicIp")).quotas.resources
    assert [(r.type, r.used, r.quota) for r in resources] == [("publicIp", 0, 10)]


def test_vpc_quota_exceeded_in_each_dialect_writes_nothing(flexemu, api, project_id):
    set_quotas(flexemu, project_id, vpc=1)
    assert api("POST", "/v1/{pid}/vpcs", json={"vpc": {"cidr": "10.0.0.0/16"}}).status_code == 200
    native = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"cidr": "10.1.0.0/16"}})
    assert native.status_code == 409
    assert native.json() == {
        "code": "VPC.0114",
        "message": "Quota exceeded for resources: ['router'].",
    }
    neutron = api("POST", "/v2.0/routers", json={"router": {"name": "r"}})
    assert neutron.status_code == 409
    assert neutron.json()["NeutronError"]["type"] == "OverQuota"
    assert len(api("GET", "/v1/{pid}/vpcs").json()["vpcs"]) == 1
    groups = api("GET", "/v2.0/security-groups").json()["security_groups"]
    assert len(groups) == 1


def test_port_quota_exceeded_takes_no_address(flexemu, api, conn, native_vpc, project_id):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    set_quotas(flexemu, project_id, port=1)
    conn.network.create_port(network_id=subnet["id"])
    refused = api("POST", "/v2.0/ports", json={"port": {"network_id": subnet["id"]}})
    assert refused.status_code == 409
    assert refused.json()["NeutronError"]["message"] == "Quota exceeded for resources: ['port']."
    set_quotas(flexemu, project_id, port=2)
    assert conn.network.create_port(network_id=subnet["id"]).fixed_ips[0]["ip_address"] == (
        "10.0.1.3"
    )


def test_publicip_quota(flexemu, api, project_id):
    set_quotas(flexemu, project_id, publicIp=0)
    response = api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp"},
            "bandwidth": {"name": "b", "size": 1, "share_type": "PER"},
        },
    )
    assert response.status_code == 409
    assert api("GET", "/v1/{pid}/bandwidths").json()["bandwidths"] == []


def test_vpc_tags_through_the_sdk(vpc_client, native_vpc):
    vpc_id = native_vpc()["vpc"]["id"]
    body = BatchCreateVpcTagsRequestBody(
        action="create",
        tags=[ResourceTag(key="env", value="test"), ResourceTag(key="team", value="net")],
    )
    vpc_client.batch_create_vpc_tags(BatchCreateVpcTagsRequest(vpc_id=vpc_id, body=body))
    tags = vpc_client.show_vpc_tags(ShowVpcTagsRequest(vpc_id=vpc_id)).tags
    assert [(t.key, t.value) for t in tags] == [("env", "test"), ("team", "net")]


def test_tags_of_subnets_and_publicips(api, native_vpc):
    subnet_id = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]["id"]
    eip_id = api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp"},
            "bandwidth": {"name": "b", "size": 1, "share_type": "PER"},
        },
    ).json()["publicip"]["id"]
    for kind, resource_id in (("subnets", subnet_id), ("publicips", eip_id)):
        path = f"/v2.0/{{pid}}/{kind}/{resource_id}/tags"
        created = api(
            "POST",
            path + "/action",
            json={
                "action": "create",
                "tags": [{"key": "k", "value": "v"}, {"key": "drop", "value": ""}],
            },
        )
        assert created.status_code == 204
        assert api("DELETE", path + "/drop").status_code == 204
        assert api("GET", path).json() == {"tags": [{"key": "k", "value": "v"}]}
    assert api("GET", "/v2.0/{pid}/subnets/tags").json() == {
        "tags": [{"key": "k", "values": ["v"]}]
    }


def test_tags_of_an_unknown_vpc_are_404(api):
    response = api("GET", "/v2.0/{pid}/vpcs/4f2c1f4e-0000-4000-8000-000000000000/tags")
    assert response.status_code == 404
    assert response.json()["code"] == "VPC.0003"


def test_resetting_one_project_clears_its_network(flexemu, api, conn, native_vpc, project_id):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    port = conn.network.create_port(network_id=subnet["id"])
    api(
        "POST",
        "/v1/{pid}/publicips",
        json={
            "publicip": {"type": "5_bgp", "port_id": port.id},
            "bandwidth": {"name": "b", "size": 1, "share_type": "PER"},
        },
    ).raise_for_status()
    flexemu.admin("POST", f"/reset?project_id={project_id}").raise_for_status()
    assert api("GET", "/v1/{pid}/vpcs").json()["vpcs"] == []
    assert api("GET", "/v2.0/ports").json()["ports"] == []
    assert api("GET", "/v1/{pid}/publicips").json()["publicips"] == []
