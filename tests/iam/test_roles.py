"""Keystone roles as IAM serves them: system roles, grants to groups, role assignments, and the
roles a token carries, through openstacksdk, huaweicloudsdkiam and raw httpx."""

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkiam.v3 import (
    IamClient,
    KeystoneAssociateGroupWithDomainPermissionRequest,
    KeystoneAssociateGroupWithProjectPermissionRequest,
    KeystoneCheckDomainPermissionForGroupRequest,
    KeystoneCheckProjectPermissionForGroupRequest,
    KeystoneListAllProjectPermissionsForGroupRequest,
    KeystoneListDomainPermissionsForGroupRequest,
    KeystoneListPermissionsRequest,
    KeystoneListProjectPermissionsForGroupRequest,
    KeystoneRemoveDomainPermissionFromGroupRequest,
    KeystoneRemoveProjectPermissionFromGroupRequest,
    KeystoneShowPermissionRequest,
    UpdateDomainGroupInheritRoleRequest,
)


@pytest.fixture
def identity(flexemu):
    return flexemu.openstack().identity


@pytest.fixture
def domain_id(identity, flexemu):
    return identity.find_domain(flexemu.domain).id


def headers(flexemu, **user):
    return {"X-Auth-Token": flexemu.openstack(**user).session.get_token()}


def role_named(identity, name):
    return identity.find_role(name, ignore_missing=False)


def test_system_roles_are_listed_with_the_iam_fields(flexemu):
    response = httpx.get(f"{flexemu.url}/v3/roles", headers=headers(flexemu))
    assert response.status_code == 200
    body = response.json()
    by_display = {r["display_name"]: r for r in body["roles"]}
    assert {"Tenant Administrator", "Tenant Guest", "Security Administrator"} <= set(by_display)
    assert body["total_number"] == len(body["roles"])
    admin = by_display["Tenant Administrator"]
    assert (admin["name"], admin["catalog"], admin["type"]) == ("te_admin", "BASE", "AA")
    assert admin["domain_id"] is None and "flag" not in admin
    assert admin["links"]["self"] == f"{flexemu.url}/v3/roles/{admin['id']}"
    ecs = by_display["ECS FullAccess"]
    assert (ecs["catalog"], ecs["type"], ecs["flag"]) == ("ECS", "XA", "fine_grained")
    assert ecs["policy"]["Version"] == "1.1"
    shown = httpx.get(f"{flexemu.url}/v3/roles/{ecs['id']}", headers=headers(flexemu)).json()
    assert shown == {"role": ecs}


def test_role_ids_are_stable_across_a_reset(flexemu, identity):
    before = {r.name: r.id for r in identity.roles()}
    flexemu.reset()
    assert {r.name: r.id for r in flexemu.openstack().identity.roles()} == before


def test_role_filters_and_pages(flexemu):
    url, auth = f"{flexemu.url}/v3/roles", headers(flexemu)

    def names(**params):
        return [
            r["display_name"] for r in httpx.get(url, headers=auth, params=params).json()["roles"]
        ]

    assert "OBS ReadOnlyAccess" in names(display_name="ReadOnly")
    assert set(names(display_name="Administrator")) >= {"Tenant Administrator", "OBS Administrator"}
    assert set(names(catalog="OBS")) == {"OBS Administrator", "OBS ReadOnlyAccess"}
    assert "Server Administrator" not in names(permission_type="policy")
    assert "ECS FullAccess" not in names(permission_type="role")
    assert names(name="secu_admin") == ["Security Administrator"]
    # Custom policies of an account: none in the emulator.
    assert names(domain_id="anything") == []
    first = httpx.get(url, headers=auth, params={"page": 1, "per_page": 2}).json()
    second = httpx.get(url, headers=auth, params={"page": 2, "per_page": 2}).json()
    assert len(first["roles"]) == len(second["roles"]) == 2
    assert first["total_number"] == len(names())
    assert not {r["id"] for r in first["roles"]} & {r["id"] for r in second["roles"]}
    bad = httpx.get(url, headers=auth, params={"page": 1})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 400


def test_unknown_role_is_a_keystone_404(flexemu):
    response = httpx.get(f"{flexemu.url}/v3/roles/nope", headers=headers(flexemu))
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": 404, "title": "Not Found", "message": "Could not find role: nope."}
    }


def test_openstacksdk_grants_on_a_project_and_the_domain(flexemu, identity, domain_id):
    ops = identity.create_group(name="ops", domain_id=domain_id)
    project = identity.get_project(flexemu.project_ids["eu-west-0"])
    domain = identity.get_domain(domain_id)
    server_admin = role_named(identity, "server_adm")
    obs_admin = role_named(identity, "obs_adm")
    identity.assign_project_role_to_group(project, ops, server_admin)
    identity.assign_project_role_to_group(project, ops, server_admin)  # idempotent
    identity.assign_domain_role_to_group(domain, ops, obs_admin)
    assert identity.validate_group_has_project_role(project, ops, server_admin)
    assert not identity.validate_group_has_project_role(project, ops, obs_admin)
    assert identity.validate_group_has_domain_role(domain, ops, obs_admin)
    grants = list(identity.role_assignments(group_id=ops.id))
    assert {(a.role["id"], tuple(a.scope)) for a in grants} == {
        (server_admin.id, ("project",)),
        (obs_admin.id, ("domain",)),
    }
    identity.unassign_project_role_from_group(project, ops, server_admin)
    assert not identity.validate_group_has_project_role(project, ops, server_admin)
    assert [a.role["id"] for a in identity.role_assignments(group_id=ops.id)] == [obs_admin.id]


def test_grant_errors(flexemu, identity, domain_id):
    ops = identity.create_group(name="ops", domain_id=domain_id)
    project_id = flexemu.project_ids["eu-west-0"]
    role = role_named(identity, "system_all_14").id
    auth = headers(flexemu)

    def put(path):
        return httpx.put(f"{flexemu.url}/v3/{path}", headers=auth)

    for path, missing in [
        (f"projects/{project_id}/groups/{ops.id}/roles/nope", "role: nope"),
        (f"projects/{project_id}/groups/nope/roles/{role}", "group: nope"),
        (f"projects/nope/groups/{ops.id}/roles/{role}", "project: nope"),
        (f"domains/nope/groups/{ops.id}/roles/{role}", "domain: nope"),
    ]:
        response = put(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["message"] == f"Could not find {missing}."
    missing = httpx.delete(
        f"{flexemu.url}/v3/projects/{project_id}/groups/{ops.id}/roles/{role}", headers=auth
    )
    assert missing.status_code == 404 and missing.json()["error"]["title"] == "Not Found"
    head = httpx.head(
        f"{flexemu.url}/v3/projects/{project_id}/groups/{ops.id}/roles/{role}", headers=auth
    )
    assert head.status_code == 404
    # IAM grants roles to user groups only: no grant to a user directly.
    user_grant = put(f"projects/{project_id}/users/{identity.find_user('admin').id}/roles/{role}")
    assert user_grant.status_code == 404


def test_another_accounts_objects_are_forbidden(flexemu, identity, domain_id):
    other = flexemu.admin(
        "POST",
        "/accounts",
        json={"domain": "OCB0000777", "user": "olga", "password": "Olga-Passw0rd"},
    ).json()
    their_identity = flexemu.openstack(
        username="olga",
        password="Olga-Passw0rd",
        user_domain_name="OCB0000777",
        project_domain_name="OCB0000777",
    ).identity
    their_group = their_identity.create_group(name="theirs", domain_id=other["domain"]["id"])
    ops = identity.create_group(name="ops", domain_id=domain_id)
    role = role_named(identity, "system_all_14").id
    auth = headers(flexemu)
    for path in [
        f"projects/{other['projects'][0]['id']}/groups/{ops.id}/roles/{role}",
        f"projects/{flexemu.project_ids['eu-west-0']}/groups/{their_group.id}/roles/{role}",
        f"domains/{other['domain']['id']}/groups/{ops.id}/roles/{role}",
    ]:
        response = httpx.put(f"{flexemu.url}/v3/{path}", headers=auth)
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == 403


def test_only_an_administrator_grants(flexemu, identity, domain_id):
    identity.create_user(name="reader", password="Reader-pass1", domain_id=domain_id)
    ops = identity.create_group(name="ops", domain_id=domain_id)
    role = role_named(identity, "system_all_14").id
    response = httpx.put(
        f"{flexemu.url}/v3/projects/{flexemu.project_ids['eu-west-0']}/groups/{ops.id}/roles/{role}",
        headers=headers(flexemu, username="reader", password="Reader-pass1"),
    )
    assert response.status_code == 403
    assert response.json()["error"]["title"] == "Forbidden"
    assert list(identity.role_assignments(group_id=ops.id)) == []


def test_effective_assignments_and_names(flexemu, identity, domain_id):
    ops = identity.create_group(name="ops", domain_id=domain_id)
    carol = identity.create_user(name="carol", password="Carol-pass1", domain_id=domain_id)
    identity.add_user_to_group(carol, ops)
    project_id = flexemu.project_ids["eu-west-1"]
    role = role_named(identity, "system_all_30")
    identity.assign_project_role_to_group(project_id, ops, role)
    response = httpx.get(
        f"{flexemu.url}/v3/role_assignments",
        headers=headers(flexemu),
        params={"effective": "", "include_names": "true", "user.id": carol.id},
    )
    assert response.status_code == 200
    [found] = response.json()["role_assignments"]
    domain = {"id": domain_id, "name": flexemu.domain}
    assert found["user"] == {"id": carol.id, "name": "carol", "domain": domain}
    assert found["role"] == {"id": role.id, "name": role.name}
    assert found["scope"] == {"project": {"id": project_id, "name": "eu-west-1", "domain": domain}}
    base = f"{flexemu.url}/v3"
    assert found["links"] == {
        "assignment": f"{base}/projects/{project_id}/groups/{ops.id}/roles/{role.id}",
        "membership": f"{base}/groups/{ops.id}/users/{carol.id}",
    }
    by_project = list(identity.role_assignments(scope_project_id=project_id, effective=True))
    assert [a.user["id"] for a in by_project] == [carol.id]
    assert list(identity.role_assignments(scope_project_id=flexemu.project_ids["eu-west-0"])) == []


def test_token_roles_follow_the_groups_grants(flexemu, identity, domain_id):
    ops = identity.create_group(name="ops", domain_id=domain_id)
    identity.create_user(name="dora", password="Dora-pass1", domain_id=domain_id)
    dora = identity.find_user("dora")
    identity.add_user_to_group(dora, ops)
    eu0, eu1 = flexemu.project_ids["eu-west-0"], flexemu.project_ids["eu-west-1"]

    def token_roles(project="eu-west-0"):
        access = flexemu.openstack(project, username="dora", password="Dora-pass1")
        return sorted(access.session.auth.get_access(access.session).role_names)

    assert token_roles() == ["readonly"]
    identity.assign_project_role_to_group(eu0, ops, role_named(identity, "system_all_14"))
    identity.assign_domain_role_to_group(domain_id, ops, role_named(identity, "obs_adm"))
    assert token_roles() == ["system_all_14"]
    assert token_roles("eu-west-1") == ["readonly"]
    admin_roles = flexemu.openstack().session.auth.get_access(flexemu.openstack().session)
    assert admin_roles.role_names == ["te_admin"]
    # Deleting the group takes its grants with it.
    identity.delete_group(ops)
    assert token_roles() == ["readonly"]
    assert list(identity.role_assignments(scope_project_id=eu0)) == []
    assert eu1


def test_huawei_sdk_grants(flexemu, identity, domain_id):
    client = flexemu.huawei_client(IamClient)
    ops = identity.create_group(name="ops", domain_id=domain_id)
    project_id = flexemu.project_ids["eu-west-0"]
    listed = client.keystone_list_permissions(
        KeystoneListPermissionsRequest(display_name="EVS FullAccess")
    )
    [evs] = listed.roles
    assert (evs.catalog, evs.type, evs.flag) == ("EVS", "XA", "fine_grained")
    assert listed.total_number == 1
    shown = client.keystone_show_permission(KeystoneShowPermissionRequest(role_id=evs.id))
    assert shown.role.display_name == "EVS FullAccess"
    client.keystone_associate_group_with_project_permission(
        KeystoneAssociateGroupWithProjectPermissionRequest(
            project_id=project_id, group_id=ops.id, role_id=evs.id
        )
    )
    client.keystone_check_project_permission_for_group(
        KeystoneCheckProjectPermissionForGroupRequest(
            project_id=project_id, group_id=ops.id, role_id=evs.id
        )
    )
    on_project = client.keystone_list_project_permissions_for_group(
        KeystoneListProjectPermissionsForGroupRequest(project_id=project_id, group_id=ops.id)
    )
    assert [r.id for r in on_project.roles] == [evs.id]
    client.keystone_remove_project_permission_from_group(
        KeystoneRemoveProjectPermissionFromGroupRequest(
            project_id=project_id, group_id=ops.id, role_id=evs.id
        )
    )
    with pytest.raises(ClientRequestException) as missing:
        client.keystone_check_project_permission_for_group(
            KeystoneCheckProjectPermissionForGroupRequest(
                project_id=project_id, group_id=ops.id, role_id=evs.id
            )
        )
    assert missing.value.status_code == 404

    obs = role_named(identity, "obs_adm").id
    client.keystone_associate_group_with_domain_permission(
        KeystoneAssociateGroupWithDomainPermissionRequest(
            domain_id=domain_id, group_id=ops.id, role_id=obs
        )
    )
    client.keystone_check_domain_permission_for_group(
        KeystoneCheckDomainPermissionForGroupRequest(
            domain_id=domain_id, group_id=ops.id, role_id=obs
        )
    )
    on_domain = client.keystone_list_domain_permissions_for_group(
        KeystoneListDomainPermissionsForGroupRequest(domain_id=domain_id, group_id=ops.id)
    )
    assert [r.id for r in on_domain.roles] == [obs]
    client.keystone_remove_domain_permission_from_group(
        KeystoneRemoveDomainPermissionFromGroupRequest(
            domain_id=domain_id, group_id=ops.id, role_id=obs
        )
    )


def test_grants_on_all_projects_reach_every_project_token(flexemu, identity, domain_id):
    client = flexemu.huawei_client(IamClient)
    ops = identity.create_group(name="ops", domain_id=domain_id)
    identity.create_user(name="erin", password="Erin-pass1", domain_id=domain_id)
    identity.add_user_to_group(identity.find_user("erin"), ops)
    server_admin = role_named(identity, "server_adm").id
    client.update_domain_group_inherit_role(
        UpdateDomainGroupInheritRoleRequest(
            domain_id=domain_id, group_id=ops.id, role_id=server_admin
        )
    )
    inherited = client.keystone_list_all_project_permissions_for_group(
        KeystoneListAllProjectPermissionsForGroupRequest(domain_id=domain_id, group_id=ops.id)
    )
    assert [r.id for r in inherited.roles] == [server_admin]
    raw = list(identity.role_assignments(group_id=ops.id))
    assert [a.scope for a in raw] == [
        {"domain": {"id": domain_id}, "OS-INHERIT:inherited_to": "projects"}
    ]
    effective = httpx.get(
        f"{flexemu.url}/v3/role_assignments",
        headers=headers(flexemu),
        params={"effective": "", "group.id": ops.id},
    )
    # Keystone refuses the combination: effective assignments are the users', never a group's.
    assert effective.status_code == 400
    expanded = list(
        identity.role_assignments(user_id=identity.find_user("erin").id, effective=True)
    )
    assert {a.scope["project"]["id"] for a in expanded} == set(flexemu.project_ids.values())
    assert {a.links["assignment"] for a in expanded} == {
        f"{flexemu.auth_url}/OS-INHERIT/domains/{domain_id}/groups/{ops.id}/roles/{server_admin}"
        "/inherited_to_projects"
    }
    for project in ("eu-west-0", "eu-west-1"):
        access = flexemu.openstack(project, username="erin", password="Erin-pass1")
        assert access.session.auth.get_access(access.session).role_names == ["server_adm"]
    done = httpx.delete(
        f"{flexemu.url}/v3/OS-INHERIT/domains/{domain_id}/groups/{ops.id}/roles/{server_admin}"
        "/inherited_to_projects",
        headers=headers(flexemu),
    )
    assert done.status_code == 204
