"""Key pairs: generated and imported, real fingerprints, quota, microversion differences."""

import base64
import hashlib

import openstack.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    NovaCreateKeypairOption,
    NovaCreateKeypairRequest,
    NovaCreateKeypairRequestBody,
    NovaDeleteKeypairRequest,
    NovaListKeypairsRequest,
    NovaShowKeypairRequest,
)

from tests.ecs.conftest import set_quotas


def md5_fingerprint(public_key):
    digest = hashlib.md5(base64.b64decode(public_key.split()[1])).digest()
    return ":".join(f"{byte:02x}" for byte in digest)


def new_public_key():
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def test_generated_pair_returns_a_working_private_key_once(conn):
    created = conn.compute.create_keypair(name="generated")
    private = serialization.load_pem_private_key(created.private_key.encode(), None)
    derived = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    assert created.public_key.split()[:2] == derived.decode().split()
    assert created.fingerprint == md5_fingerprint(created.public_key)
    shown = conn.compute.get_keypair("generated")
    assert shown.private_key is None
    assert shown.fingerprint == created.fingerprint


def test_imported_key_gets_its_real_fingerprint(conn):
    public_key = new_public_key().decode()
    created = conn.compute.create_keypair(name="imported", public_key=public_key)
    assert created.private_key is None
    assert created.fingerprint == md5_fingerprint(public_key)
    assert [k.name for k in conn.compute.keypairs()] == ["imported"]


def test_x509_pair_is_fingerprinted_by_sha1(nova):
    response = nova.post(
        "/os-keypairs", version="2.2", json={"keypair": {"name": "cert", "type": "x509"}}
    )
    assert response.status_code == 201
    keypair = response.json()["keypair"]
    certificate = x509.load_pem_x509_certificate(keypair["public_key"].encode())
    expected = ":".join(f"{b:02x}" for b in certificate.fingerprint(hashes.SHA1()))
    assert keypair["fingerprint"] == expected
    assert keypair["type"] == "x509"
    assert "PRIVATE KEY" in keypair["private_key"]


def test_status_codes_and_fields_follow_the_microversion(nova):
    old = nova.post("/os-keypairs", json={"keypair": {"name": "old"}})
    assert old.status_code == 200 and "type" not in old.json()["keypair"]
    new = nova.post("/os-keypairs", version="2.2", json={"keypair": {"name": "new"}})
    assert new.status_code == 201 and new.json()["keypair"]["type"] == "ssh"
    typed_too_early = nova.post("/os-keypairs", json={"keypair": {"name": "t", "type": "ssh"}})
    assert typed_too_early.status_code == 400
    shown = nova.get("/os-keypairs/old", version="2.2").json()["keypair"]
    assert isinstance(shown["id"], int) and shown["deleted"] is False
    assert nova.delete("/os-keypairs/old").status_code == 202
    assert nova.delete("/os-keypairs/new", version="2.2").status_code == 204


def test_keypair_paging_arrives_with_2_35(nova):
    for name in ("a", "b", "c"):
        nova.post("/os-keypairs", json={"keypair": {"name": name}})
    assert len(nova.get("/os-keypairs", params={"limit": 2}).json()["keypairs"]) == 3
    page = nova.get("/os-keypairs", version="2.35", params={"limit": 2}).json()
    assert [k["keypair"]["name"] for k in page["keypairs"]] == ["a", "b"]
    assert "marker=b" in page["keypairs_links"][0]["href"]
    rest = nova.get("/os-keypairs", version="2.35", params={"marker": "b"}).json()
    assert [k["keypair"]["name"] for k in rest["keypairs"]] == ["c"]


@pytest.mark.parametrize(
    "keypair,fragment",
    [
        ({"name": "bad/name"}, "unsafe characters"),
        ({"name": "x" * 65}, "between 1 and 64"),
        ({"name": ""}, "between 1 and 64"),
        ({"name": "k", "public_key": "ssh-rsa not-a-key"}, "failed to generate fingerprint"),
        ({"name": "k", "colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_400_with_nova_body(nova, keypair, fragment):
    response = nova.post("/os-keypairs", json={"keypair": keypair})
    assert response.status_code == 400
    assert fragment in response.json()["badRequest"]["message"]


def test_duplicate_name_is_409_and_unknown_is_404(conn):
    conn.compute.create_keypair(name="twice")
    with pytest.raises(openstack.exceptions.ConflictException, match="already exists"):
        conn.compute.create_keypair(name="twice")
    conn.compute.delete_keypair("twice")
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_keypair("twice")


def test_keypair_quota_is_403_and_freed_on_delete(flexemu, conn, project_id):
    set_quotas(flexemu, project_id, key_pairs=1)
    conn.compute.create_keypair(name="only")
    with pytest.raises(openstack.exceptions.ForbiddenException, match="too many key pairs"):
        conn.compute.create_keypair(name="second")
    conn.compute.delete_keypair("only")
    conn.compute.create_keypair(name="second")


def test_keypairs_through_huaweicloudsdkecs(ecs):
    public_key = new_public_key().decode()
    body = NovaCreateKeypairRequestBody(
        keypair=NovaCreateKeypairOption(name="sdk", public_key=public_key, type="ssh")
    )
    created = ecs.nova_create_keypair(
        NovaCreateKeypairRequest(body=body, open_stack_api_version="compute 2.2")
    ).keypair
    assert created.fingerprint == md5_fingerprint(public_key)
    listed = ecs.nova_list_keypairs(NovaListKeypairsRequest()).keypairs
    assert [item.keypair.name for item in listed] == ["sdk"]
    shown = ecs.nova_show_keypair(NovaShowKeypairRequest(keypair_name="sdk")).keypair
    assert shown.public_key == public_key
    ecs.nova_delete_keypair(NovaDeleteKeypairRequest(keypair_name="sdk"))
    with pytest.raises(ClientRequestException) as error:
        ecs.nova_show_keypair(NovaShowKeypairRequest(keypair_name="sdk"))
    assert error.value.status_code == 404


def test_keypairs_are_private_to_their_project(flexemu, conn):
    conn.compute.create_keypair(name="paris")
    amsterdam = flexemu.openstack(project="eu-west-1")
    assert list(amsterdam.compute.keypairs()) == []


def test_openstack_keypair_create(cli, tmp_path):
    public_file = tmp_path / "id.pub"
    public_file.write_bytes(new_public_key())
    created = cli("keypair", "create", "--public-key", str(public_file), "cli-key")
    assert created["name"] == "cli-key"
    assert created["fingerprint"] == md5_fingerprint(public_file.read_text())
