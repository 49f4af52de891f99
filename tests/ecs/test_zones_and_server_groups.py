"""Availability zones and server groups through Nova and the native API."""

import openstack.exceptions
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    CreateServerGroupOption,
    CreateServerGroupRequest,
    CreateServerGroupRequestBody,
    DeleteServerGroupRequest,
    ListServerAzInfoRequest,
    ListServerGroupsRequest,
    NovaListAvailabilityZonesRequest,
    ShowServerGroupRequest,
)

from tests.ecs.conftest import set_quotas


def test_zones_of_the_region_through_every_client(flexemu, conn, ecs, cli):
    assert [zone.name for zone in conn.compute.availability_zones()] == [
        "eu-west-0a",
        "eu-west-0b",
        "eu-west-0c",
    ]
    nova_zones = ecs.nova_list_availability_zones(NovaListAvailabilityZonesRequest())
    assert all(zone.zone_state.available for zone in nova_zones.availability_zone_info)
    native = ecs.list_server_az_info(ListServerAzInfoRequest()).availability_zones
    assert [zone.availability_zone_id for zone in native] == [
        "eu-west-0a",
        "eu-west-0b",
        "eu-west-0c",
    ]
    rows = cli("availability", "zone", "list", "--compute")
    assert {row["Zone Name"] for row in rows} == {"eu-west-0a", "eu-west-0b", "eu-west-0c"}
    amsterdam = flexemu.openstack(project="eu-west-1")
    assert [z.name for z in amsterdam.compute.availability_zones()][0] == "eu-west-1a"


def test_zone_details_are_for_operators(nova):
    assert nova.get("/os-availability-zone/detail").status_code == 403


def test_server_group_created_natively_is_seen_by_nova_and_back(conn, ecs):
    body = CreateServerGroupRequestBody(
        server_group=CreateServerGroupOption(name="native", policies=["anti-affinity"])
    )
    native = ecs.create_server_group(CreateServerGroupRequest(body=body)).server_group
    nova = conn.compute.get_server_group(native.id)
    assert (nova.name, nova.policies, nova.member_ids) == ("native", ["anti-affinity"], [])
    made_by_nova = conn.compute.create_server_group(name="nova", policies=["affinity"])
    listed = ecs.list_server_groups(ListServerGroupsRequest()).server_groups
    assert [group.name for group in listed] == ["native", "nova"]
    shown = ecs.show_server_group(ShowServerGroupRequest(server_group_id=made_by_nova.id))
    assert shown.server_group.policies == ["affinity"]
    ecs.delete_server_group(DeleteServerGroupRequest(server_group_id=made_by_nova.id))
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_server_group(made_by_nova.id)


def test_native_server_groups_page_by_marker(ecs, conn):
    ids = [
        conn.compute.create_server_group(name=f"g{i}", policies=["anti-affinity"]).id
        for i in range(3)
    ]
    first = ecs.list_server_groups(ListServerGroupsRequest(limit=2))
    assert [group.id for group in first.server_groups] == ids[:2]
    assert first.page_info.next_marker == ids[1]
    rest = ecs.list_server_groups(ListServerGroupsRequest(limit=2, marker=ids[1]))
    assert [group.id for group in rest.server_groups] == ids[2:]


@pytest.mark.parametrize(
    "group",
    [
        {"name": "g", "policies": ["spread-out"]},
        {"name": "g", "policies": ["affinity", "anti-affinity"]},
        {"name": "", "policies": ["affinity"]},
        {"policies": ["affinity"]},
    ],
)
def test_bad_server_groups_are_400(nova, group):
    response = nova.post("/os-server-groups", json={"server_group": group})
    assert response.status_code == 400
    assert response.json()["badRequest"]["code"] == 400


def test_server_group_quota(flexemu, conn, ecs, project_id):
    set_quotas(flexemu, project_id, server_groups=1)
    conn.compute.create_server_group(name="one", policies=["anti-affinity"])
    with pytest.raises(openstack.exceptions.ForbiddenException, match="too many server groups"):
        conn.compute.create_server_group(name="two", policies=["anti-affinity"])
    body = CreateServerGroupRequestBody(
        server_group=CreateServerGroupOption(name="two", policies=["anti-affinity"])
    )
    with pytest.raises(ClientRequestException) as error:
        ecs.create_server_group(CreateServerGroupRequest(body=body))
    assert error.value.status_code == 400


def test_another_projects_group_is_404(flexemu, conn):
    group = conn.compute.create_server_group(name="mine", policies=["anti-affinity"])
    amsterdam = flexemu.openstack(project="eu-west-1")
    with pytest.raises(openstack.exceptions.NotFoundException):
        amsterdam.compute.get_server_group(group.id)


def test_server_group_owner_fields_from_2_13(nova):
    group = nova.post(
        "/os-server-groups",
        version="2.13",
        json={"server_group": {"name": "g", "policies": ["anti-affinity"]}},
    ).json()["server_group"]
    assert group["project_id"] and group["user_id"]
    plain = nova.get(f"/os-server-groups/{group['id']}").json()["server_group"]
    assert "project_id" not in plain


def test_servers_join_a_group_through_scheduler_hints(flexemu, conn, nova, network, image_id):
    group = conn.compute.create_server_group(name="spread", policies=["anti-affinity"])
    body = {
        "server": {
            "name": "member",
            "imageRef": image_id,
            "flavorRef": "s3.large.2",
            "networks": [{"uuid": network["subnet_id"]}],
        },
        "os:scheduler_hints": {"group": group.id},
    }
    server_id = nova.post("/servers", json=body).json()["server"]["id"]
    assert conn.compute.get_server_group(group.id).member_ids == [server_id]
    conn.compute.delete_server(server_id)
    flexemu.advance("PT1M")
    assert conn.compute.get_server_group(group.id).member_ids == []
    body["os:scheduler_hints"] = {"group": "0" * 36}
    assert nova.post("/servers", json=body).status_code == 400


def test_group_member_quota_and_native_membership_actions(
    flexemu, conn, ecs, boot, project_id, api
):
    set_quotas(flexemu, project_id, server_group_members=1)
    group = conn.compute.create_server_group(name="pair", policies=["anti-affinity"])
    first, second = boot("one"), boot("two")
    path = f"/v1/{{pid}}/cloudservers/os-server-groups/{group.id}/action"
    joined = api("POST", path, json={"add_member": {"instance_uuid": first.id}})
    assert joined.status_code == 204
    refused = api("POST", path, json={"add_member": {"instance_uuid": second.id}})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "Ecs.0005"
    shown = ecs.show_server_group(ShowServerGroupRequest(server_group_id=group.id))
    assert shown.server_group.members == [first.id]
    left = api("POST", path, json={"remove_member": {"instance_uuid": first.id}})
    assert left.status_code == 204
    assert conn.compute.get_server_group(group.id).member_ids == []
