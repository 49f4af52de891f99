"""Bad input gets S3's error, never a 500; a failed or abandoned upload leaves nothing."""

import socket
import xml.etree.ElementTree as ElementTree

import httpx
import pytest
from botocore.exceptions import ClientError

from apis.obs.models import ObjectVersion
from state.models import BlobRef
from tests.obs.helpers import code_of, signed


def test_malformed_xml(s3, bucket):
    s3.meta.events.register("before-sign.s3.DeleteObjects", _replace_body(b"<Delete><Object>"))
    with pytest.raises(ClientError) as error:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}]})
    assert code_of(error.value) == "MalformedXML"


def _replace_body(body: bytes):
    def replace(request, **_):
        request.data = body
        for name in [n for n in request.headers if n.lower().startswith("x-amz-checksum")]:
            del request.headers[name]
        del request.headers["Content-MD5"]

    return replace


def test_oversized_single_put_is_refused_before_reading(flexemu, s3, bucket):
    s3.meta.events.register("before-sign.s3.PutObject", _declare_length(6 * 1024**3))
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="huge", Body=b"")
    assert code_of(error.value) == "EntityTooLarge"


def _declare_length(size: int):
    def declare(request, **_):
        request.headers["x-amz-decoded-content-length"] = str(size)
        request.headers["Content-Encoding"] = "aws-chunked"

    return declare


@pytest.mark.parametrize("call", ["get_bucket_replication", "get_bucket_policy_status"])
def test_unsupported_sub_resources_say_not_implemented(s3, bucket, call):
    with pytest.raises(ClientError) as error:
        getattr(s3, call)(Bucket=bucket)
    assert code_of(error.value) == "NotImplemented"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501


def test_unsupported_object_sub_resources_say_not_implemented(s3, bucket):
    """aws s3api get-object-attributes: a 501 error, not the object's body."""
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.get_object_attributes(Bucket=bucket, Key="k", ObjectAttributes=["ETag"])
    assert code_of(error.value) == "NotImplemented"


def test_file_system_operations_leave_objects_alone(flexemu, s3, bucket):
    """esdk truncateFile and modifyFile (parallel file systems only): a 501 error, not an
    object overwritten with the request's body; nor is image processing the original image."""
    from obs import GetObjectRequest, ObsClient

    s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature="v2",
        path_style=True,
    )
    for answer in (client.truncateFile(bucket, "k", 2), client.modifyFile(bucket, "k", 0, "J")):
        assert (answer.status, answer.errorCode) == (501, "NotImplemented")
    resize = GetObjectRequest(imageProcess="image/resize,w_10")
    resized = client.getObject(bucket, "k", getObjectRequest=resize, loadStreamInMemory=True)
    assert (resized.status, resized.errorCode) == (501, "NotImplemented")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"hello"


def test_obs_only_bucket_sub_resources_say_not_implemented(flexemu, bucket):
    """esdk getBucketCustomDomain: a 501 error, not the bucket's listing."""
    from obs import ObsClient

    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature="v2",
        path_style=True,
    )
    answer = client.getBucketCustomDomain(bucket)
    assert (answer.status, answer.errorCode) == (501, "NotImplemented")
    # A DELETE of them is no DELETE of the bucket.
    for answer in (client.deleteBucketDisPolicy(bucket), client.unbindBucketAlias(bucket)):
        assert (answer.status, answer.errorCode) == (501, "NotImplemented")
    assert client.headBucket(bucket).status == 200


def test_storage_class_names_of_s3_clients(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=bucket, Key="glacier", Body=b"x", StorageClass="GLACIER")
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert classes == {"glacier": "GLACIER", "ia": "STANDARD_IA"}
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="glacier")
    assert code_of(error.value) == "InvalidObjectState"
    s3.restore_object(Bucket=bucket, Key="glacier", RestoreRequest={"Days": 1})
    assert 'ongoing-request="true"' in s3.head_object(Bucket=bucket, Key="glacier")["Restore"]
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="x", Body=b"x", StorageClass="REDUCED_REDUNDANCY")
    assert code_of(error.value) == "InvalidStorageClass"


def test_an_abandoned_upload_leaves_no_object_and_no_file(flexemu, s3, bucket):
    url, headers = signed(flexemu, "PUT", f"/{bucket}/cut", b"x" * 100_000)
    head = (
        f"PUT /{bucket}/cut HTTP/1.1\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        + "Content-Length: 100000\r\n\r\n"
    )
    with socket.create_connection((flexemu.host, flexemu.port)) as connection:
        connection.sendall(head.encode() + b"x" * 50_000)
    # The emulator notices the disconnection while it waits for the rest of the body.
    httpx.get(f"{flexemu.url}/_emulator/health")
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="cut")
    with flexemu.emulator.db.transaction() as tx:
        assert tx.query(ObjectVersion).count() == 0
        assert tx.query(BlobRef).count() == 0
    assert _temporary_files_go(flexemu)


def _temporary_files_go(flexemu) -> bool:
    """The handler may still be unwinding: give the server a few requests' time."""
    for _ in range(50):
        httpx.get(f"{flexemu.url}/_emulator/health")
        if not list(flexemu.emulator.blobs.tmp_dir.iterdir()):
            return True
    return False


def test_error_bodies_are_s3_xml_with_request_ids(flexemu, s3, bucket):
    url, headers = signed(flexemu, "GET", f"/{bucket}/missing")
    response = httpx.get(url, headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/xml"
    root = ElementTree.fromstring(response.content)
    assert [child.tag for child in root] == ["Code", "Message", "Key", "RequestId", "HostId"]
    assert root.findtext("RequestId") == response.headers["x-amz-request-id"]
