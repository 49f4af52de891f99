"""Keystone v3 through keystoneauth1/openstacksdk, with raw checks of the wire format."""

import httpx
import pytest
from keystoneauth1 import exceptions as ksa_exceptions
from keystoneauth1 import session as ksa_session
from keystoneauth1.identity import v3


def password_body(flexemu, scope=None, **user):
    user = user or {"name": flexemu.username, "domain": {"name": flexemu.domain}}
    user.setdefault("password", flexemu.password)
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    if scope is not None:
        body["auth"]["scope"] = scope
    return body


def issue(flexemu, body, **params):
    return httpx.post(f"{flexemu.url}/v3/auth/tokens", json=body, params=params)


def test_keystoneauth_password_session_gets_project_and_catalog(flexemu):
    auth = v3.Password(
        auth_url=flexemu.auth_url,
        username=flexemu.username,
        password=flexemu.password,
        user_domain_name=flexemu.domain,
        project_name="eu-west-0",
        project_domain_name=flexemu.domain,
    )
    session = ksa_session.Session(auth=auth)
    assert session.get_project_id() == flexemu.project_ids["eu-west-0"]
    access = auth.get_access(session)
    assert access.project_name == "eu-west-0"
    assert access.domain_name is None
    identity = access.service_catalog.url_for(service_type="identity", region_name="eu-west-1")
    assert identity == flexemu.auth_url


def test_project_scope_by_name_alone_as_flexible_engine_allows(flexemu):
    response = issue(flexemu, password_body(flexemu, {"project": {"name": "eu-west-1"}}))
    assert response.status_code == 201
    token = response.json()["token"]
    assert token["project"]["id"] == flexemu.project_ids["eu-west-1"]
    assert token["project"]["domain"]["name"] == flexemu.domain
    assert response.headers["X-Subject-Token"].startswith("MII")
    assert token["expires_at"].endswith("Z")
    assert {"identity", "iam"} <= {entry["type"] for entry in token["catalog"]}


def test_scope_by_project_id_by_user_id_and_to_the_domain(flexemu):
    first = issue(flexemu, password_body(flexemu)).json()["token"]
    user_id = first["user"]["id"]
    by_id = issue(
        flexemu,
        password_body(flexemu, {"project": {"id": flexemu.project_ids["eu-west-0"]}}, id=user_id),
    )
    assert by_id.status_code == 201
    assert by_id.json()["token"]["project"]["name"] == "eu-west-0"
    domain = issue(flexemu, password_body(flexemu, {"domain": {"name": flexemu.domain}}))
    assert domain.status_code == 201
    assert domain.json()["token"]["domain"]["name"] == flexemu.domain
    assert "project" not in domain.json()["token"]


def test_unscoped_token_has_no_catalog_entries_and_nocatalog_omits_it(flexemu):
    unscoped = issue(flexemu, password_body(flexemu)).json()["token"]
    assert unscoped["catalog"] == []
    assert "project" not in unscoped and "roles" not in unscoped
    scoped = issue(
        flexemu, password_body(flexemu, {"project": {"name": "eu-west-0"}}), nocatalog="true"
    ).json()["token"]
    assert "catalog" not in scoped


def test_token_method_rescopes_and_keeps_the_expiry(flexemu):
    unscoped = issue(flexemu, password_body(flexemu))
    token = unscoped.headers["X-Subject-Token"]
    body = {
        "auth": {
            "identity": {"methods": ["token"], "token": {"id": token}},
            "scope": {"project": {"name": "eu-west-0"}},
        }
    }
    rescoped = issue(flexemu, body)
    assert rescoped.status_code == 201
    assert rescoped.json()["token"]["expires_at"] == unscoped.json()["token"]["expires_at"]
    assert rescoped.json()["token"]["methods"] == ["token"]


def test_token_method_with_a_revoked_token_is_not_found(flexemu):
    unscoped = issue(flexemu, password_body(flexemu)).headers["X-Subject-Token"]
    httpx.delete(
        f"{flexemu.auth_url}/auth/tokens",
        headers={"X-Auth-Token": unscoped, "X-Subject-Token": unscoped},
    ).raise_for_status()
    rescope = v3.Token(auth_url=flexemu.auth_url, token=unscoped, project_name="eu-west-0")
    with pytest.raises(ksa_exceptions.NotFound, match="Could not find token"):
        ksa_session.Session(auth=rescope).get_token()


def test_validate_check_and_revoke_a_token(flexemu):
    caller = issue(flexemu, password_body(flexemu, {"project": {"name": "eu-west-0"}}))
    subject = issue(flexemu, password_body(flexemu, {"project": {"name": "eu-west-1"}}))
    headers = {
        "X-Auth-Token": caller.headers["X-Subject-Token"],
        "X-Subject-Token": subject.headers["X-Subject-Token"],
    }
    shown = httpx.get(f"{flexemu.auth_url}/auth/tokens", headers=headers)
    assert shown.status_code == 200
    assert shown.json()["token"]["project"]["name"] == "eu-west-1"
    assert httpx.head(f"{flexemu.auth_url}/auth/tokens", headers=headers).status_code == 200
    assert httpx.delete(f"{flexemu.auth_url}/auth/tokens", headers=headers).status_code == 204
    gone = httpx.get(f"{flexemu.auth_url}/auth/tokens", headers=headers)
    assert gone.status_code == 404
    refused = httpx.get(
        f"{flexemu.auth_url}/projects", headers={"X-Auth-Token": subject.headers["X-Subject-Token"]}
    )
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == 401


def test_tokens_expire_after_24_hours_of_virtual_clock(flexemu):
    token = issue(flexemu, password_body(flexemu, {"project": {"name": "eu-west-0"}}))
    headers = {"X-Auth-Token": token.headers["X-Subject-Token"]}
    assert httpx.get(f"{flexemu.auth_url}/auth/projects", headers=headers).status_code == 200
    flexemu.advance("PT23H59M")
    assert httpx.get(f"{flexemu.auth_url}/auth/projects", headers=headers).status_code == 200
    flexemu.advance("PT2M")
    expired = httpx.get(f"{flexemu.auth_url}/auth/projects", headers=headers)
    assert expired.status_code == 401
    assert expired.json() == {
        "error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "The request you have made requires authentication.",
        }
    }


def test_auth_projects_domains_and_catalog(flexemu):
    conn = flexemu.openstack()
    session = conn.session
    projects = session.get(f"{flexemu.auth_url}/auth/projects").json()["projects"]
    assert sorted(p["name"] for p in projects) == ["eu-west-0", "eu-west-1"]
    domains = session.get(f"{flexemu.auth_url}/auth/domains").json()["domains"]
    assert [d["name"] for d in domains] == [flexemu.domain]
    catalog = session.get(f"{flexemu.auth_url}/auth/catalog").json()["catalog"]
    identity = next(entry for entry in catalog if entry["type"] == "identity")
    assert {e["region_id"] for e in identity["endpoints"]} == {"eu-west-0", "eu-west-1"}


def test_projects_filters_and_sub_projects(flexemu):
    identity = flexemu.openstack().identity
    names = sorted(p.name for p in identity.projects())
    assert names == ["eu-west-0", "eu-west-1"]
    assert [p.name for p in identity.projects(name="eu-west-1")] == ["eu-west-1"]
    parent = flexemu.project_ids["eu-west-0"]
    dev = identity.create_project(name="eu-west-0_dev", parent_id=parent, description="team dev")
    assert dev.parent_id == parent
    assert [p.name for p in identity.projects(parent_id=parent)] == ["eu-west-0_dev"]
    assert identity.get_project(dev.id).description == "team dev"
    dev_conn = flexemu.openstack(project="eu-west-0_dev")
    assert dev_conn.current_project_id == dev.id


def test_project_parents_and_subtree_as_lists(flexemu):
    conn = flexemu.openstack()
    region = flexemu.project_ids["eu-west-0"]
    dev = conn.identity.create_project(name="eu-west-0_dev", parent_id=region)
    headers = {"X-Auth-Token": conn.auth_token}
    url = f"{flexemu.url}/v3/projects"
    lists = {"parents_as_list": "", "subtree_as_list": ""}
    child = httpx.get(f"{url}/{dev.id}", params=lists, headers=headers).json()["project"]
    assert [p["project"]["id"] for p in child["parents"]] == [region]
    assert child["subtree"] == []
    top = httpx.get(f"{url}/{region}", params=lists, headers=headers).json()["project"]
    assert (top["parents"], [p["project"]["name"] for p in top["subtree"]]) == (
        [],
        ["eu-west-0_dev"],
    )
    plain = httpx.get(f"{url}/{region}", headers=headers).json()["project"]
    assert "parents" not in plain and "subtree" not in plain


def test_sub_project_names_follow_the_region_rule(flexemu):
    identity = flexemu.openstack().identity
    from openstack import exceptions

    with pytest.raises(exceptions.BadRequestException):
        identity.create_project(name="dev-team")
    with pytest.raises(exceptions.BadRequestException):
        identity.create_project(name="eu-west-9_dev")
    identity.create_project(name="eu-west-1_dev")
    with pytest.raises(exceptions.ConflictException):
        identity.create_project(name="eu-west-1_dev")


def test_null_description_and_email_are_taken_as_none_given_and_clear_on_update(flexemu):
    cloud = flexemu.openstack()
    domain = cloud.identity.find_domain(flexemu.domain)
    # The cloud layer sends "description": null (projects) and "email": null (users).
    project = cloud.create_project(name="eu-west-0_ops", domain_id=domain.id)
    assert project.description == ""
    user = cloud.create_user(name="bob", domain_id=domain.id)
    assert (user.email, user.description) == ("", "")
    group = cloud.identity.create_group(name="ops", description="on call", domain_id=domain.id)
    headers = {"X-Auth-Token": cloud.auth_token}
    for kind, ident in (("projects", project.id), ("groups", group.id)):
        body = {kind[:-1]: {"description": None}}
        response = httpx.patch(f"{flexemu.auth_url}/{kind}/{ident}", json=body, headers=headers)
        assert response.status_code == 200
        assert response.json()[kind[:-1]]["description"] == ""


def test_regions_and_domains(flexemu):
    identity = flexemu.openstack().identity
    regions = {r.id: r for r in identity.regions()}
    assert set(regions) == {"eu-west-0", "eu-west-1", "eu-westvp-28"}
    assert identity.get_region("eu-west-1").id == "eu-west-1"
    domain = identity.find_domain(flexemu.domain)
    assert domain.name == flexemu.domain


def test_users_groups_and_membership(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    alice = identity.create_user(
        name="alice", password="Alice-pass1", domain_id=domain.id, description="dev"
    )
    assert identity.get_user(alice.id).description == "dev"
    identity.update_user(alice, email="alice@example.com")
    assert identity.get_user(alice.id).email == "alice@example.com"
    devs = identity.create_group(name="devs", domain_id=domain.id)
    identity.add_user_to_group(alice, devs)
    assert identity.check_user_in_group(alice, devs)
    assert [u.name for u in identity.group_users(devs)] == ["alice"]
    assert [g.name for g in identity.user_groups(alice)] == ["devs"]
    identity.remove_user_from_group(alice, devs)
    assert not identity.check_user_in_group(alice, devs)
    alice_conn = flexemu.openstack(username="alice", password="Alice-pass1")
    assert alice_conn.current_user_id == alice.id
    identity.delete_group(devs)
    identity.delete_user(alice)
    assert identity.find_user("alice") is None


def test_a_user_outside_the_admin_group_cannot_administer(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    identity.create_user(name="reader", password="Reader-pass1", domain_id=domain.id)
    reader = flexemu.openstack(username="reader", password="Reader-pass1").identity
    from openstack import exceptions

    with pytest.raises(exceptions.ForbiddenException):
        reader.create_user(name="intruder", password="x-Passw0rd", domain_id=domain.id)


def test_a_user_lists_its_own_projects_and_only_an_administrator_all_of_them(flexemu):
    admin = flexemu.openstack().identity
    domain = admin.find_domain(flexemu.domain)
    reader = admin.create_user(name="reader", password="Reader-pass1", domain_id=domain.id)
    conn = flexemu.openstack(username="reader", password="Reader-pass1")
    from openstack import exceptions

    with pytest.raises(exceptions.ForbiddenException):
        list(conn.identity.projects())
    with pytest.raises(exceptions.ForbiddenException):
        list(conn.identity.user_projects(admin.find_user(flexemu.username)))
    own = sorted(p.name for p in conn.identity.user_projects(reader))
    assert own == ["eu-west-0", "eu-west-1"]
    assert sorted(p.name for p in admin.projects()) == own


def test_users_groups_and_projects_of_another_or_unknown_account_are_not_found(flexemu):
    other = flexemu.admin(
        "POST", "/accounts", json={"domain": "OCB0000002", "user": "bob", "password": "Bob-pass1"}
    ).json()
    identity = flexemu.openstack().identity
    from openstack import exceptions

    for domain_id in (other["domain"]["id"], "f" * 32):
        with pytest.raises(exceptions.NotFoundException, match=f"domain: {domain_id}"):
            identity.create_user(name="stray", password="Stray-pass1", domain_id=domain_id)
        with pytest.raises(exceptions.NotFoundException):
            identity.create_group(name="strays", domain_id=domain_id)
        with pytest.raises(exceptions.NotFoundException):
            identity.create_project(name="eu-west-0_stray", domain_id=domain_id)


def test_duplicate_user_is_a_conflict(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    identity.create_user(name="twin", password="Twin-pass1", domain_id=domain.id)
    from openstack import exceptions

    with pytest.raises(exceptions.ConflictException):
        identity.create_user(name="twin", password="Twin-pass1", domain_id=domain.id)


def test_changed_password_works_and_the_old_one_no_longer(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    user = identity.create_user(name="carol", password="Old-pass1", domain_id=domain.id)
    token = issue(
        flexemu,
        password_body(flexemu, name="carol", password="Old-pass1", domain={"name": flexemu.domain}),
    )
    response = httpx.post(
        f"{flexemu.auth_url}/users/{user.id}/password",
        headers={"X-Auth-Token": token.headers["X-Subject-Token"]},
        json={"user": {"password": "New-pass1", "original_password": "Old-pass1"}},
    )
    assert response.status_code == 204
    with pytest.raises(ksa_exceptions.Unauthorized):
        ksa_session.Session(
            auth=v3.Password(
                auth_url=flexemu.auth_url,
                username="carol",
                password="Old-pass1",
                user_domain_name=flexemu.domain,
                project_name="eu-west-0",
                project_domain_name=flexemu.domain,
            )
        ).get_token()
    assert (
        issue(
            flexemu,
            password_body(
                flexemu, name="carol", password="New-pass1", domain={"name": flexemu.domain}
            ),
        ).status_code
        == 201
    )


def test_a_new_password_ends_the_users_tokens(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    user = identity.create_user(name="dave", password="Old-pass1", domain_id=domain.id)
    dave = flexemu.openstack(username="dave", password="Old-pass1")
    by_self = dave.session.get_token()
    dave.identity.post(
        f"/users/{user.id}/password",
        json={"user": {"password": "Mid-pass1", "original_password": "Old-pass1"}},
    ).raise_for_status()
    dave = flexemu.openstack(username="dave", password="Mid-pass1")
    by_admin = dave.session.get_token()
    identity.update_user(user, password="New-pass1")
    admin_token = identity.session.get_token()
    for token in (by_self, by_admin):
        shown = httpx.get(
            f"{flexemu.auth_url}/auth/tokens",
            headers={"X-Auth-Token": admin_token, "X-Subject-Token": token},
        )
        assert shown.status_code == 404
    assert identity.session.get_token() == admin_token


def test_a_new_password_must_differ_from_the_current_one(flexemu):
    identity = flexemu.openstack().identity
    domain = identity.find_domain(flexemu.domain)
    user = identity.create_user(name="erin", password="Same-pass1", domain_id=domain.id)
    erin = flexemu.openstack(username="erin", password="Same-pass1")
    response = erin.identity.post(
        f"/users/{user.id}/password",
        json={"user": {"password": "Same-pass1", "original_password": "Same-pass1"}},
    )
    assert response.status_code == 400
    assert "identical to the current password" in response.json()["error"]["message"]
    assert erin.identity.get_user(user.id).id == user.id


def test_version_documents_under_prefix_and_bare(flexemu):
    root = httpx.get(f"{flexemu.url}/iam/")
    assert root.status_code == 300
    values = root.json()["versions"]["values"]
    assert values[0]["status"] == "stable"
    assert values[0]["links"][0]["href"] == f"{flexemu.url}/iam/v3/"
    v3 = httpx.get(f"{flexemu.url}/iam/v3").json()["version"]
    assert v3["id"].startswith("v3")
    bare = httpx.get(f"{flexemu.url}/v3").json()["version"]
    assert bare["links"][0]["href"] == f"{flexemu.url}/v3/"


def test_host_label_reaches_iam(flexemu):
    response = httpx.get(
        f"{flexemu.url}/v3", headers={"Host": "iam.eu-west-0.prod-cloud-ocb.orange-business.com"}
    )
    assert response.status_code == 200
    assert response.json()["version"]["links"][0]["href"].startswith(
        "http://iam.eu-west-0.prod-cloud-ocb.orange-business.com/v3"
    )
