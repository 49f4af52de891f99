"""esdk-obs-python in OBS mode: x-obs-acl, OBS ACL documents (Canned Everyone), OBS-style
policies (`"ID": "domain/<account>"`, actions without `s3:`), tags; reads checked with httpx."""

import json

import httpx
import pytest
from obs import ACL, CreateBucketHeader, Grant, Grantee, ObsClient, PutObjectHeader

from tests.obs.helpers import ok


@pytest.fixture
def obs(flexemu, localhost_names):
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=f"http://localhost:{flexemu.port}",
    )
    yield client
    client.close()


def test_canned_acls_through_x_obs_acl(obs, flexemu):
    ok(obs.createBucket("shared-obs", header=CreateBucketHeader(aclControl="public-read")))
    ok(obs.putContent("shared-obs", "open", "hello", headers=PutObjectHeader(acl="public-read")))
    ok(obs.putContent("shared-obs", "closed", "secret"))
    acl = ok(obs.getBucketAcl("shared-obs"))
    assert [(g.grantee.group, g.permission) for g in acl.grants if g.grantee.group] == [
        ("Everyone", "READ")
    ]
    assert httpx.get(f"{flexemu.url}/shared-obs/open").content == b"hello"
    assert httpx.get(f"{flexemu.url}/shared-obs/closed").status_code == 403
    assert b"<Key>closed</Key>" in httpx.get(f"{flexemu.url}/shared-obs").content


def test_an_obs_acl_document_makes_an_object_public(obs, flexemu):
    ok(obs.createBucket("acl-obs"))
    ok(obs.putContent("acl-obs", "a", "x"))
    owner = ok(obs.getObjectAcl("acl-obs", "a")).owner
    document = ACL(
        owner=owner,
        grants=[
            Grant(grantee=Grantee(grantee_id=owner.owner_id), permission="FULL_CONTROL"),
            Grant(grantee=Grantee(group="Everyone"), permission="READ"),
        ],
    )
    ok(obs.setObjectAcl("acl-obs", "a", acl=document))
    assert httpx.get(f"{flexemu.url}/acl-obs/a").content == b"x"


def test_an_obs_policy_names_accounts_by_domain(obs, flexemu, bob):
    ok(obs.createBucket("policy-obs"))
    ok(obs.putContent("policy-obs", "a", "x"))
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"ID": [f"domain/{bob.account}:user/*"]},
                "Action": ["GetObject"],
                "Resource": ["policy-obs/*"],
            }
        ]
    }
    ok(obs.setBucketPolicy("policy-obs", json.dumps(policy)))
    assert bob.get_object(Bucket="policy-obs", Key="a")["Body"].read() == b"x"
    assert httpx.get(f"{flexemu.url}/policy-obs/a").status_code == 403
