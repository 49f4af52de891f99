"""Keystone `/v3/credentials` through openstacksdk, the `openstack` CLI and raw calls: stored
blobs of a user, kept apart from the OS-CREDENTIAL access keys that sign requests."""

import hashlib
import json

import httpx
import pytest
from openstack import exceptions


@pytest.fixture
def identity(flexemu):
    return flexemu.openstack().identity


@pytest.fixture
def reader(flexemu, identity):
    """A user outside the admin group, with their own session."""
    domain = identity.find_domain(flexemu.domain)
    user = identity.create_user(name="reader", password="Reader-pass1", domain_id=domain.id)
    conn = flexemu.openstack(username="reader", password="Reader-pass1")
    return user, conn.identity


def test_create_list_show_update_delete_with_openstacksdk(flexemu, identity):
    me = identity.get_user(flexemu.openstack().current_user_id)
    cert = identity.create_credential(user_id=me.id, type="cert", blob="-----BEGIN CERT-----")
    assert (cert.type, cert.blob, cert.user_id, cert.project_id) == (
        "cert",
        "-----BEGIN CERT-----",
        me.id,
        None,
    )
    project_id = flexemu.project_ids["eu-west-0"]
    blob = json.dumps({"access": "my-access", "secret": "my-secret"})
    ec2 = identity.create_credential(user_id=me.id, type="ec2", blob=blob, project_id=project_id)
    assert ec2.id == hashlib.sha256(b"my-access").hexdigest()
    assert {c.id for c in identity.credentials()} == {cert.id, ec2.id}
    assert [c.id for c in identity.credentials(type="ec2")] == [ec2.id]
    assert identity.get_credential(ec2.id).project_id == project_id
    updated = identity.update_credential(cert, blob="renewed")
    assert identity.get_credential(updated.id).blob == "renewed"
    identity.delete_credential(cert)
    with pytest.raises(exceptions.NotFoundException):
        identity.get_credential(cert.id)


def test_wire_format_and_errors(flexemu, identity):
    token = flexemu.openstack().session.get_token()
    user_id = flexemu.openstack().current_user_id
    headers = {"X-Auth-Token": token}
    url = f"{flexemu.url}/v3/credentials"
    created = httpx.post(
        url, headers=headers, json={"credential": {"user_id": user_id, "type": "totp", "blob": "x"}}
    )
    assert created.status_code == 201
    body = created.json()["credential"]
    assert set(body) == {"id", "user_id", "project_id", "type", "blob", "links"}
    assert body["links"]["self"].endswith(f"/v3/credentials/{body['id']}")
    listed = httpx.get(url, headers=headers).json()
    assert set(listed) == {"credentials", "links"}
    for credential in (
        {"user_id": user_id, "type": "ec2", "blob": "not json", "project_id": "p"},
        {"user_id": user_id, "type": "ec2", "blob": json.dumps({"access": "a"})},
        {"user_id": user_id, "blob": "x"},
    ):
        response = httpx.post(url, headers=headers, json={"credential": credential})
        assert response.status_code == 400, credential
        assert response.json()["error"]["code"] == 400
    ec2 = {"user_id": user_id, "type": "ec2", "blob": '{"access": "a"}', "project_id": "p"}
    assert httpx.post(url, headers=headers, json={"credential": ec2}).status_code == 201
    assert httpx.post(url, headers=headers, json={"credential": ec2}).status_code == 409
    missing = httpx.get(f"{url}/nope", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["title"] == "Not Found"


def test_a_user_sees_only_their_own(flexemu, identity, reader):
    user, reader_identity = reader
    admin_id = flexemu.openstack().current_user_id
    admin_cred = identity.create_credential(user_id=admin_id, type="cert", blob="admin")
    own = reader_identity.create_credential(user_id=user.id, type="cert", blob="mine")
    assert [c.id for c in reader_identity.credentials()] == [own.id]
    with pytest.raises(exceptions.ForbiddenException):
        reader_identity.get_credential(admin_cred.id)
    with pytest.raises(exceptions.ForbiddenException):
        reader_identity.create_credential(user_id=admin_id, type="cert", blob="x")
    assert own.id in {c.id for c in identity.credentials()}
    assert [c.id for c in identity.credentials(user_id=user.id)] == [own.id]


def test_an_ec2_credential_is_not_an_access_key(flexemu, identity):
    user_id = flexemu.openstack().current_user_id
    token = flexemu.openstack().session.get_token()
    blob = json.dumps({"access": "EC2ACCESS", "secret": "ec2secret"})
    identity.create_credential(
        user_id=user_id, type="ec2", blob=blob, project_id=flexemu.project_ids["eu-west-0"]
    )
    keys = httpx.get(
        f"{flexemu.url}/v3.0/OS-CREDENTIAL/credentials", headers={"X-Auth-Token": token}
    ).json()["credentials"]
    assert "EC2ACCESS" not in {k["access"] for k in keys}


def test_deleting_the_user_deletes_their_credentials(flexemu, identity, reader):
    user, reader_identity = reader
    own = reader_identity.create_credential(user_id=user.id, type="cert", blob="mine")
    identity.delete_user(user)
    assert own.id not in {c.id for c in identity.credentials()}


def test_openstack_cli_credential_commands(flexemu, cli):
    created = cli("credential", "create", "--type", "cert", flexemu.username, "cert-data")
    assert (created["type"], created["blob"]) == ("cert", "cert-data")
    listed = cli("credential", "list")
    assert [c["ID"] for c in listed] == [created["id"]]
    cli(
        "credential",
        "set",
        "--user",
        flexemu.username,
        "--type",
        "cert",
        "--data",
        "new-data",
        created["id"],
        output=False,
    )
    assert cli("credential", "show", created["id"])["blob"] == "new-data"
    cli("credential", "delete", created["id"], output=False)
    assert cli("credential", "list") == []
