"""esdk-obs-python (ObsClient): OBS signatures and headers, storage classes, append, quotas."""

import httpx
import pytest
from obs import (
    AppendObjectContent,
    CreateBucketHeader,
    Logging,
    ObsClient,
    PutObjectHeader,
    SetObjectMetadataHeader,
)

from tests.obs.helpers import error_of, ok, signed


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
    metadata = ok(obs.getBucketMetadata("cold-bucket"))
    assert (metadata.storageClass, metadata.obsVersion) in (("WARM", "3.0"), ("STANDARD_IA", "3.0"))
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


def test_set_object_metadata_keeps_the_body(obs):
    """PUT ?metadata changes metadata in place: REPLACE_NEW merges, REPLACE keeps only what
    it names (and the storage class)."""
    ok(obs.createBucket("meta-bucket"))
    ok(obs.putContent("meta-bucket", "k", "hello", metadata={"colour": "blue", "size": "L"}))
    changed = obs.setObjectMetadata(
        "meta-bucket",
        "k",
        metadata={"colour": "red"},
        headers=SetObjectMetadataHeader(cacheControl="no-cache", storageClass="WARM"),
    )
    assert ok(changed).storageClass in ("WARM", "STANDARD_IA")
    assert dict(changed.header).get("colour") == "red" and "size" not in dict(changed.header)
    head = obs.getObjectMetadata("meta-bucket", "k")
    assert ok(head).contentLength == 5
    assert {"colour": "red", "size": "L", "cache-control": "no-cache"}.items() <= dict(
        head.header
    ).items()
    ok(
        obs.setObjectMetadata(
            "meta-bucket",
            "k",
            metadata={"x": "1"},
            headers=SetObjectMetadataHeader(removeUnset=True, contentType="text/x"),
        )
    )
    head = ok(obs.getObjectMetadata("meta-bucket", "k"))
    assert (head.contentType, head.storageClass) in (("text/x", "WARM"), ("text/x", "STANDARD_IA"))
    header = dict(obs.getObjectMetadata("meta-bucket", "k").header)
    assert header.get("x") == "1" and "colour" not in header and "cache-control" not in header
    assert ok(obs.getObject("meta-bucket", "k", loadStreamInMemory=True)).buffer == b"hello"


def test_set_object_metadata_needs_a_directive(flexemu, s3):
    s3.create_bucket(Bucket="meta-bucket")
    s3.put_object(Bucket="meta-bucket", Key="k", Body=b"hello")
    url, headers = signed(flexemu, "PUT", "/meta-bucket/k?metadata", headers={"x-amz-meta-a": "b"})
    refused = httpx.put(url, headers=headers)
    assert (refused.status_code, error_of(refused)["Code"]) == (400, "InvalidArgument")
    assert s3.get_object(Bucket="meta-bucket", Key="k")["Body"].read() == b"hello"


def test_upload_file_in_parts_of_the_smallest_size(obs, tmp_path, flexemu):
    """uploadFile's smallest part size is OBS's documented minimum, 100 KB; signed as S3 (v2,
    v4), parts before the last need S3's 5 MiB (tests/obs/test_multipart.py)."""
    part = 100 * 1024 if obs.mode == "obs" else 5 * 1024 * 1024
    ok(obs.createBucket("parts-bucket"))
    source = tmp_path / "data.bin"
    source.write_bytes(bytes(range(256)) * (3 * part // 256))  # three parts
    done = obs.uploadFile(
        "parts-bucket", "data.bin", str(source), partSize=part, enableCheckpoint=False
    )
    assert ok(done).etag.endswith('-3"')
    # The object's URL names the bucket as the client did: in the Host (OBS mode) or the path.
    assert done.body.location.endswith(
        f"parts-bucket.localhost:{flexemu.port}/data.bin"
        if obs.mode == "obs"
        else "/parts-bucket/data.bin"
    )
    got = ok(obs.getObject("parts-bucket", "data.bin", loadStreamInMemory=True))
    assert got.buffer == source.read_bytes()


def test_bucket_logging_with_an_agency(obs):
    """OBS names the agency that writes the logs (in OBS mode only: S3 has no such element)."""
    ok(obs.createBucket("logged-bucket"))
    ok(obs.createBucket("logs-bucket"))
    configured = Logging(targetBucket="logs-bucket", targetPrefix="access/", agency="obs-logs")
    ok(obs.setBucketLogging("logged-bucket", configured))
    read = ok(obs.getBucketLogging("logged-bucket"))
    assert (read.targetBucket, read.targetPrefix) == ("logs-bucket", "access/")
    assert read.agency == ("obs-logs" if obs.mode == "obs" else None)
    ok(obs.setBucketLogging("logged-bucket", Logging()))
    assert ok(obs.getBucketLogging("logged-bucket")).targetBucket is None
