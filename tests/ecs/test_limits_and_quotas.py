"""Limits and quota sets: one set of numbers behind Nova, the native API and the admin API."""

import openstack.exceptions
import pytest
from huaweicloudsdkecs.v2 import ShowServerLimitsRequest

from tests.ecs.conftest import set_quotas


def test_defaults_through_openstacksdk(conn):
    absolute = conn.compute.get_limits().absolute
    assert (absolute.instances, absolute.total_cores, absolute.total_ram) == (10, 20, 51200)
    assert (absolute.keypairs, absolute.server_groups, absolute.server_meta) == (100, 10, 128)
    assert absolute.instances_used == 0


def test_admin_quota_change_shows_in_every_dialect(flexemu, conn, ecs, nova, project_id):
    set_quotas(flexemu, project_id, instances=25, cores=64)
    assert conn.compute.get_limits().absolute.instances == 25
    native = ecs.show_server_limits(ShowServerLimitsRequest()).absolute
    assert (native.max_total_instances, native.max_total_cores) == (25, 64)
    quota_set = nova.get(f"/os-quota-sets/{project_id}").json()["quota_set"]
    assert (quota_set["id"], quota_set["instances"], quota_set["cores"]) == (project_id, 25, 64)
    defaults = nova.get(f"/os-quota-sets/{project_id}/defaults").json()["quota_set"]
    assert defaults["instances"] == 10


def test_usage_counts_in_limits_and_quota_detail(conn, ecs, nova, project_id):
    conn.compute.create_server_group(name="spread", policies=["anti-affinity"])
    assert conn.compute.get_limits().absolute.server_groups_used == 1
    assert ecs.show_server_limits(ShowServerLimitsRequest()).absolute.total_server_groups_used == 1
    detail = nova.get(f"/os-quota-sets/{project_id}/detail").json()["quota_set"]
    assert detail["server_groups"] == {"limit": 10, "in_use": 1, "reserved": 0}


def test_limits_fields_follow_the_microversion(nova):
    old = nova.get("/limits").json()["limits"]
    assert old["rate"] == []
    assert {"maxPersonality", "maxSecurityGroups", "totalFloatingIpsUsed"} <= set(old["absolute"])
    middle = nova.get("/limits", version="2.36").json()["limits"]["absolute"]
    assert "maxSecurityGroups" not in middle and "maxPersonality" in middle
    new = nova.get("/limits", version="2.57").json()["limits"]["absolute"]
    assert "maxPersonality" not in new and new["maxTotalInstances"] == 10


def test_quota_set_fields_follow_the_microversion(nova, project_id):
    old = nova.get(f"/os-quota-sets/{project_id}").json()["quota_set"]
    assert old["fixed_ips"] == -1 and "injected_files" in old
    new = nova.get(f"/os-quota-sets/{project_id}", version="2.57").json()["quota_set"]
    assert "fixed_ips" not in new and "injected_files" not in new


def test_tenants_cannot_change_or_read_other_quotas(flexemu, nova, project_id):
    update = nova.request("PUT", f"/os-quota-sets/{project_id}", json={"quota_set": {"cores": 99}})
    assert update.status_code == 403
    other = flexemu.project_ids["eu-west-1"]
    assert nova.get(f"/os-quota-sets/{other}").status_code == 403
    assert nova.get("/limits", params={"tenant_id": other}).status_code == 403


def test_quota_set_through_openstacksdk(flexemu, conn, project_id):
    set_quotas(flexemu, project_id, ram=102400)
    assert conn.compute.get_quota_set(project_id).ram == 102400
    with pytest.raises(openstack.exceptions.ForbiddenException):
        conn.compute.update_quota_set(conn.compute.get_quota_set(project_id), ram=1)


def test_openstack_limits_show_absolute(flexemu, cli, project_id):
    set_quotas(flexemu, project_id, instances=42)
    values = {row["Name"]: row["Value"] for row in cli("limits", "show", "--absolute")}
    assert values["instances"] == 42
    assert values["instances_used"] == 0
    assert values["total_cores"] == 20
