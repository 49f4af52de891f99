"""esdk-obs-python (ObsClient): OBS signatures and headers, storage classes, append, quotas."""

import socket

import httpx
import pytest
from obs import AppendObjectContent, CreateBucketHeader, ObsClient, PutObjectHeader


@pytest.fixture
def localhost_names(monkeypatch):
    """Resolve <bucket>.localhost to 127.0.0.1, as systemd-resolved or an /etc/hosts entry do."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(params=["obs", "v2", "v4"])
def obs(request, flexemu, localhost_names):
    """OBS mode: the SDK negotiates (HEAD /?apiversion), then signs `OBS AK:sig` with x-obs-*
    headers on virtual-hosted names; given an address it uses path style and S3 signatures."""
    if request.param == "obs":
        client = ObsClient(
            access_key_id=flexemu.access_key,
            secret_access_key=flexemu.secret_key,
            server=f"http://localhost:{flexemu.port}",
        )
    else:
        client = ObsClient(
            access_key_id=flexemu.access_key,
            secret_access_key=flexemu.secret_key,
            server=flexemu.url,
            signature=request.param,
            path_style=True,
        )
    client.mode = request.param
    yield client
    client.close()


def ok(response):
    assert response.status < 300, (response.status, response.errorCode, response.errorMessage)
    return response.body


def test_api_version_negotiation_is_answered(flexemu):
    response = httpx.head(f"{flexemu.url}/?apiversion")
    assert response.status_code == 200
    assert response.headers["x-obs-api"] == "3.0"


def test_buckets_and_objects(obs, flexemu):
    ok(obs.createBucket("esdk-bucket", location="eu-west-1"))
    if obs.mode == "obs":  # in S3 mode the SDK reads a nested element S3 does not send
        assert ok(obs.getBucketLocation("esdk-bucket")).location == "eu-west-1"
    assert [b.name for b in ok(obs.listBuckets()).buckets] == ["esdk-bucket"]
    ok(obs.putContent("esdk-bucket", "dir/k", "hello", metadata={"colour": "blue"}))
    got = ok(obs.getObject("esdk-bucket", "dir/k", loadStreamInMemory=True))
    assert got.buffer == b"hello"
    response = obs.getObjectMetadata("esdk-bucket", "dir/k")
    assert ok(response).contentLength == 5
    assert dict(response.header).get("colour") == "blue"
    listed = ok(obs.listObjects("esdk-bucket", prefix="dir/"))
    assert [item.key for item in listed.contents] == ["dir/k"]
    ok(obs.deleteObject("esdk-bucket", "dir/k"))
    ok(obs.deleteBucket("esdk-bucket"))
    assert flexemu.boto3().list_buckets()["Buckets"] == []


def test_wrong_secret_is_refused(flexemu, localhost_names):
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key="wrong",
        server=f"http://localhost:{flexemu.port}",
    )
    response = client.listBuckets()
    assert (response.status, response.errorCode) == (403, "SignatureDoesNotMatch")


def test_storage_classes_and_restore_on_the_virtual_clock(obs, flexemu):
    ok(obs.createBucket("cold-bucket", header=CreateBucketHeader(storageClass="WARM")))
    ok(obs.putContent("cold-bucket", "default", "x"))
    ok(
        obs.putContent(
            "cold-bucket", "archive", "old data", headers=PutObjectHeader(storageClass="COLD")
        )
    )
    assert ok(obs.getObjectMetadata("cold-bucket", "default")).storageClass in (
        "WARM",
        "STANDARD_IA",
    )
    assert ok(obs.getObjectMetadata("cold-bucket", "archive")).storageClass in ("COLD", "GLACIER")
    refused = obs.getObject("cold-bucket", "archive", loadStreamInMemory=True)
    assert (refused.status, refused.errorCode) == (403, "InvalidObjectState")
    assert obs.restoreObject("cold-bucket", "archive", days=1, tier="Expedited").status == 202
    again = obs.restoreObject("cold-bucket", "archive", days=1)
    assert (again.status, again.errorCode) == (409, "RestoreAlreadyInProgress")
    flexemu.advance("PT1M")
    restored = obs.getObject("cold-bucket", "archive", loadStreamInMemory=True)
    assert ok(restored).buffer == b"old data"
    flexemu.advance("P2D")
    assert obs.getObject("cold-bucket", "archive").status == 403


def test_append_upload(obs):
    ok(obs.createBucket("append-bucket"))
    first = ok(obs.appendObject("append-bucket", "log", AppendObjectContent("abc", position=0)))
    assert int(first.nextPosition) == 3
    ok(obs.appendObject("append-bucket", "log", AppendObjectContent("def", position=3)))
    wrong = obs.appendObject("append-bucket", "log", AppendObjectContent("x", position=1))
    assert (wrong.status, wrong.errorCode) == (409, "PositionNotEqualToLength")
    got = ok(obs.getObject("append-bucket", "log", loadStreamInMemory=True))
    assert got.buffer == b"abcdef"
    ok(obs.putContent("append-bucket", "plain", "x"))
    refused = obs.appendObject("append-bucket", "plain", AppendObjectContent("y", position=1))
    assert (refused.status, refused.errorCode) == (409, "ObjectNotAppendable")


def test_bucket_quota_and_storage_info(obs):
    ok(obs.createBucket("quota-bucket"))
    ok(obs.setBucketQuota("quota-bucket", 10))
    assert ok(obs.getBucketQuota("quota-bucket")).quota == 10
    ok(obs.putContent("quota-bucket", "a", "12345678"))
    over = obs.putContent("quota-bucket", "b", "123")
    assert (over.status, over.errorCode) == (403, "InsufficientStorageSpace")
    info = ok(obs.getBucketStorageInfo("quota-bucket"))
    assert (info.size, info.objectNumber) == (8, 1)
