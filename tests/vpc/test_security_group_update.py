"""Updating a security group: the VPC v3 API (huaweicloudsdkvpc `UpdateSecurityGroup`) and
Neutron's `PUT /v2.0/security-groups/{id}` change one object."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkvpc.v3 import (
    ShowSecurityGroupRequest,
    UpdateSecurityGroupOption,
    UpdateSecurityGroupRequest,
    UpdateSecurityGroupRequestBody,
    VpcClient,
)


@pytest.fixture
def vpc3(flexemu):
    return flexemu.huawei_client(VpcClient)


def update(vpc3, group_id, **fields):
    return vpc3.update_security_group(
        UpdateSecurityGroupRequest(
            security_group_id=group_id,
            body=UpdateSecurityGroupRequestBody(security_group=UpdateSecurityGroupOption(**fields)),
        )
    )


def test_sdk_update_is_seen_by_neutron_and_v1(vpc3, conn, api):
    group = conn.network.create_security_group(name="web", description="old")
    answer = update(vpc3, group.id, name="web-2", description="new")
    assert answer.request_id
    assert (answer.security_group.id, answer.security_group.name) == (group.id, "web-2")
    assert answer.security_group.description == "new"
    assert {r.direction for r in answer.security_group.security_group_rules} == {"egress"}
    assert conn.network.get_security_group(group.id).name == "web-2"
    v1 = api("GET", f"/v1/{{pid}}/security-groups/{group.id}").json()["security_group"]
    assert (v1["name"], v1["description"]) == ("web-2", "new")
    shown = vpc3.show_security_group(ShowSecurityGroupRequest(security_group_id=group.id))
    assert shown.security_group.name == "web-2"


def test_only_the_given_fields_change(vpc3, conn):
    group = conn.network.create_security_group(name="db", description="keep me")
    update(vpc3, group.id, name="db-2")
    assert conn.network.get_security_group(group.id).description == "keep me"
    conn.network.update_security_group(group, description="via neutron")
    shown = vpc3.show_security_group(ShowSecurityGroupRequest(security_group_id=group.id))
    assert (shown.security_group.name, shown.security_group.description) == ("db-2", "via neutron")


def test_wire_body_errors_and_dry_run(api, conn):
    group = conn.network.create_security_group(name="sg")
    path = f"/v3/{{pid}}/vpc/security-groups/{group.id}"
    answer = api("PUT", path, json={"security_group": {"name": "renamed"}})
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"request_id", "security_group"}
    assert set(body["security_group"]) >= {
        "id",
        "name",
        "description",
        "project_id",
        "created_at",
        "updated_at",
        "enterprise_project_id",
        "tags",
        "security_group_rules",
    }
    rule = body["security_group"]["security_group_rules"][0]
    assert (rule["action"], rule["priority"]) == ("allow", 1)

    dry = api("PUT", path, json={"dry_run": True, "security_group": {"name": "dry"}})
    assert dry.status_code == 202
    assert dry.json()["error_code"] == "DryRunOperation"
    assert conn.network.get_security_group(group.id).name == "renamed"

    bad = api("PUT", path, json={"security_group": {"name": "no spaces <>"}})
    assert bad.status_code == 400
    assert set(bad.json()) == {"request_id", "error_code", "error_msg"}

    missing = api(
        "PUT",
        "/v3/{pid}/vpc/security-groups/00000000-0000-0000-0000-000000000000",
        json={"security_group": {"name": "x"}},
    )
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "VPC.0602"


def test_sdk_sees_a_missing_group_as_404(vpc3):
    with pytest.raises(ClientRequestException) as raised:
        update(vpc3, "00000000-0000-0000-0000-000000000000", name="x")
    assert raised.value.status_code == 404
    assert raised.value.error_code == "VPC.0602"
