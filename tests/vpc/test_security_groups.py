"""Security groups and rules: one object in both dialects, validated rules, real in-use rules."""

import openstack.exceptions
import pytest
from huaweicloudsdkvpc.v2 import (
    CreateSecurityGroupOption,
    CreateSecurityGroupRequest,
    CreateSecurityGroupRequestBody,
    CreateSecurityGroupRuleOption,
    CreateSecurityGroupRuleRequest,
    CreateSecurityGroupRuleRequestBody,
    ShowSecurityGroupRequest,
)


def test_every_vpc_gets_a_default_group(native_vpc, api):
    vpc = native_vpc()["vpc"]
    groups = api("GET", "/v1/{pid}/security-groups").json()["security_groups"]
    default = [g for g in groups if g["vpc_id"] == vpc["id"]]
    assert [g["name"] for g in default] == ["default"]
    rules = {
        (r["direction"], r["ethertype"], r["remote_group_id"])
        for r in default[0]["security_group_rules"]
    }
    own = default[0]["id"]
    assert rules == {
        ("egress", "IPv4", None),
        ("egress", "IPv6", None),
        ("ingress", "IPv4", own),
        ("ingress", "IPv6", own),
    }


def test_a_native_group_is_the_neutron_group(vpc_client, conn):
    option = CreateSecurityGroupOption(name="web")
    group = vpc_client.create_security_group(
        CreateSecurityGroupRequest(body=CreateSecurityGroupRequestBody(option))
    ).security_group
    rule = conn.network.create_security_group_rule(
        security_group_id=group.id,
        direction="ingress",
        protocol="tcp",
        port_range_min=443,
        port_range_max=443,
        remote_ip_prefix="0.0.0.0/0",
    )
    shown = vpc_client.show_security_group(
        ShowSecurityGroupRequest(security_group_id=group.id)
    ).security_group
    assert rule.id in [r.id for r in shown.security_group_rules]
    assert conn.network.get_security_group(group.id).name == "web"


def test_neutron_group_answers_201_and_native_rule_200(api):
    created = api("POST", "/v2.0/security-groups", json={"security_group": {"name": "g"}})
    assert created.status_code == 201
    group = created.json()["security_group"]
    assert {r["direction"] for r in group["security_group_rules"]} == {"egress"}
    rule = api(
        "POST",
        "/v1/{pid}/security-group-rules",
        json={
            "security_group_rule": {
                "security_group_id": group["id"],
                "direction": "ingress",
                "protocol": "icmp",
                "port_range_min": 8,
                "port_range_max": 0,
            }
        },
    )
    assert rule.status_code == 200
    assert rule.json()["security_group_rule"]["protocol"] == "icmp"


@pytest.mark.parametrize(
    ("fields", "neutron_type"),
    [
        (
            {"protocol": "tcp", "port_range_min": 90, "port_range_max": 80},
            "SecurityGroupInvalidPortRange",
        ),
        ({"protocol": "tcp", "port_range_max": 6}, "SecurityGroupInvalidPortRange"),
        (
            {"protocol": "udp", "port_range_min": 0, "port_range_max": 80},
            "SecurityGroupInvalidPortValue",
        ),
        ({"protocol": "tcp", "port_range_min": 1, "port_range_max": 70000}, "InvalidInput"),
        (
            {"protocol": 47, "port_range_min": 1, "port_range_max": 2},
            "SecurityGroupInvalidProtocolForPort",
        ),
        ({"protocol": "256"}, "SecurityGroupRuleInvalidProtocol"),
        ({"protocol": "icmp", "port_range_min": 300}, "SecurityGroupInvalidIcmpValue"),
        ({"protocol": "icmp", "port_range_max": 0}, "SecurityGroupMissingIcmpType"),
        ({"port_range_min": 22, "port_range_max": 22}, "SecurityGroupProtocolRequiredWithPorts"),
        ({"protocol": "gre"}, "SecurityGroupRuleInvalidProtocol"),
        (
            {"remote_ip_prefix": "10.0.0.0/8", "ethertype": "IPv6"},
            "SecurityGroupRuleParameterConflict",
        ),
    ],
)
def test_invalid_rules_are_refused(api, fields, neutron_type):
    group = api("POST", "/v2.0/security-groups", json={"security_group": {"name": "g"}}).json()
    group_id = group["security_group"]["id"]
    response = api(
        "POST",
        "/v2.0/security-group-rules",
        json={
            "security_group_rule": {"security_group_id": group_id, "direction": "ingress", **fields}
        },
    )
    assert response.status_code == 400
    assert response.json()["NeutronError"]["type"] == neutron_type
    rules = api("GET", f"/v2.0/security-group-rules?security_group_id={group_id}").json()
    assert len(rules["security_group_rules"]) == 2


def test_a_duplicate_rule_is_refused(conn, vpc_client):
    group = conn.network.create_security_group(name="g")
    option = CreateSecurityGroupRuleOption(
        security_group_id=group.id,
        direction="ingress",
        protocol="tcp",
        port_range_min=22,
        port_range_max=22,
    )
    request = CreateSecurityGroupRuleRequest(body=CreateSecurityGroupRuleRequestBody(option))
    vpc_client.create_security_group_rule(request)
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.network.create_security_group_rule(
            security_group_id=group.id,
            direction="ingress",
            protocol="tcp",
            port_range_min=22,
            port_range_max=22,
        )


def test_a_group_in_use_cannot_be_deleted(conn, api, native_vpc):
    subnet = native_vpc(subnets=("10.0.1.0/24",))["subnets"][0]
    group = conn.network.create_security_group(name="g")
    port = conn.network.create_port(network_id=subnet["id"], security_groups=[group.id])
    busy = api("DELETE", f"/v2.0/security-groups/{group.id}")
    assert busy.status_code == 409
    assert busy.json()["NeutronError"]["type"] == "SecurityGroupInUse"
    native_busy = api("DELETE", f"/v1/{{pid}}/security-groups/{group.id}")
    assert native_busy.status_code == 409
    conn.network.delete_port(port)
    conn.network.delete_security_group(group)
    assert conn.network.find_security_group(group.id) is None


def test_remote_group_must_exist(api):
    group = api("POST", "/v2.0/security-groups", json={"security_group": {"name": "g"}}).json()
    response = api(
        "POST",
        "/v2.0/security-group-rules",
        json={
            "security_group_rule": {
                "security_group_id": group["security_group"]["id"],
                "direction": "ingress",
                "remote_group_id": "d0c9e2a4-0000-4000-8000-000000000000",
            }
        },
    )
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "SecurityGroupNotFound"


def test_a_new_project_lists_its_default_group(conn, api):
    found = conn.network.find_security_group("default")
    assert found is not None
    rules = {
        (r["direction"], r["ethertype"], r["remote_group_id"]) for r in found.security_group_rules
    }
    assert ("ingress", "IPv4", found.id) in rules
    listed = api("GET", "/v2.0/security-groups").json()["security_groups"]
    assert [g["id"] for g in listed] == [found.id]


@pytest.mark.parametrize("name", ["default", "Default"])
def test_neutron_keeps_the_name_default_for_its_own_group(conn, name):
    with pytest.raises(openstack.exceptions.ConflictException, match="already exists"):
        conn.network.create_security_group(name=name)
    group = conn.network.create_security_group(name="web")
    with pytest.raises(openstack.exceptions.ConflictException, match="already exists"):
        conn.network.update_security_group(group, name=name)
    assert conn.network.get_security_group(group.id).name == "web"


def test_neutron_does_not_rename_the_default_group(conn):
    default = conn.network.find_security_group("default")
    with pytest.raises(openstack.exceptions.ConflictException, match="Updating default"):
        conn.network.update_security_group(default, name="mine")
    described = conn.network.update_security_group(default.id, description="all mine")
    assert (described.name, described.description) == ("default", "all mine")


def test_a_rule_names_its_protocol_by_number(api):
    group = api("POST", "/v2.0/security-groups", json={"security_group": {"name": "g"}}).json()
    for protocol in (17, "47"):
        rule = api(
            "POST",
            "/v2.0/security-group-rules",
            json={
                "security_group_rule": {
                    "security_group_id": group["security_group"]["id"],
                    "direction": "ingress",
                    "protocol": protocol,
                }
            },
        )
        assert rule.status_code == 201
        assert rule.json()["security_group_rule"]["protocol"] == str(protocol)
