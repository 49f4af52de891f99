"""Objects through boto3: put, get, head, delete, copy, metadata, ranges, conditions."""

import hashlib
import os
from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of


def test_put_get_head_delete(s3, bucket):
    put = s3.put_object(
        Bucket=bucket,
        Key="dir/cat.jpg",
        Body=b"meow",
        ContentType="image/jpeg",
        Metadata={"owner": "alice"},
        CacheControl="max-age=60",
        ContentDisposition="inline",
        ContentEncoding="identity",
    )
    assert put["ETag"] == f'"{hashlib.md5(b"meow").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dir/cat.jpg")
    assert got["Body"].read() == b"meow"
    assert got["ContentType"] == "image/jpeg"
    assert got["Metadata"] == {"owner": "alice"}
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentDisposition"] == "inline"
    assert got["ETag"] == put["ETag"]
    head = s3.head_object(Bucket=bucket, Key="dir/cat.jpg")
    assert head["ContentLength"] == 4
    s3.delete_object(Bucket=bucket, Key="dir/cat.jpg")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="dir/cat.jpg")
    assert code_of(error.value) == "NoSuchKey"
    assert error.value.response["Error"]["Key"] == "dir/cat.jpg"


def test_overwrite_replaces_the_body(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two!")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two!"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 1


def test_keys_with_unusual_characters(s3, bucket):
    key = "a b/é+%/ü?x=1&y"
    s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"x"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]


def test_ranged_gets(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="k", Range="bytes=2-4")
    assert part["Body"].read() == b"234"
    assert part["ContentRange"] == "bytes 2-4/10"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=-3")["Body"].read() == b"789"
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=7-")["Body"].read() == b"789"
    assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=8-100")["Body"].read() == b"89"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", Range="bytes=10-")
    assert code_of(error.value) == "InvalidRange"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 416


def test_conditional_gets(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"data")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="k", IfMatch=etag)["Body"].read() == b"data"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", IfMatch='"nope"')
    assert code_of(error.value) == "PreconditionFailed"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", IfNoneMatch=etag)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    future = datetime.now(UTC) + timedelta(hours=1)
    past = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="k", IfModifiedSince=future)
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 304
    assert s3.head_object(Bucket=bucket, Key="k", IfModifiedSince=past)["ContentLength"] == 4
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="k", IfUnmodifiedSince=past)
    assert code_of(error.value) == "PreconditionFailed"


def test_conditional_writes(s3, bucket):
    def put(body, **condition):
        s3.put_object(Bucket=bucket, Key="lock", Body=body, **condition)

    with pytest.raises(ClientError) as error:
        put(b"x", IfMatch='"0123"')
    assert code_of(error.value) == "NoSuchKey"
    put(b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as error:
        put(b"second", IfNoneMatch="*")
    assert code_of(error.value) == "PreconditionFailed"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    etag = s3.head_object(Bucket=bucket, Key="lock")["ETag"]
    with pytest.raises(ClientError) as error:
        put(b"third", IfMatch='"00000000000000000000000000000000"')
    assert code_of(error.value) == "PreconditionFailed"
    put(b"fourth", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="lock")["Body"].read() == b"fourth"


def test_copy_object_keeps_or_replaces_metadata(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="src", Body=b"payload", Metadata={"a": "1"}, ContentType="text/plain"
    )
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"payload"
    assert got["Metadata"] == {"a": "1"}
    assert got["ContentType"] == "text/plain"
    s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        Metadata={"b": "2"},
    )
    assert s3.head_object(Bucket=bucket, Key="dst")["Metadata"] == {"b": "2"}
    with pytest.raises(ClientError) as error:
        s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src")
    assert code_of(error.value) == "InvalidRequest"
    with pytest.raises(ClientError) as error:
        s3.copy_object(
            Bucket=bucket, Key="x", CopySource=f"{bucket}/src", CopySourceIfMatch='"other"'
        )
    assert code_of(error.value) == "PreconditionFailed"
    s3.delete_object(Bucket=bucket, Key="src")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"payload"


def test_delete_many(s3, bucket):
    for index in range(5):
        s3.put_object(Bucket=bucket, Key=f"k{index}", Body=b"x")
    result = s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": "k0"}, {"Key": "k1"}, {"Key": "missing"}]}
    )
    assert sorted(d["Key"] for d in result["Deleted"]) == ["k0", "k1", "missing"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["k2", "k3", "k4"]
    assert s3.get_object(Bucket=bucket, Key="k2")["Body"].read() == b"x"  # its body shared


def test_bodies_deleted_then_sent_again_at_once_are_kept(s3, bucket):
    bodies = {f"k{index}": os.urandom(100) for index in range(50)}
    for key, body in bodies.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in bodies]})
    for key, body in bodies.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    assert {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in bodies} == bodies


def _connect_to(address: str):
    """A before-send hook: keep the virtual-hosted Host header, connect to `address`."""

    def redirect(request, **_):
        scheme, _, rest = request.url.partition("://")
        netloc, slash, path = rest.partition("/")
        request.headers["Host"] = netloc
        request.url = f"{scheme}://{address}{slash}{path}"

    return redirect


@pytest.mark.parametrize(
    "domain", ["localhost", "oss.eu-west-0.prod-cloud-ocb.orange-business.com"]
)
def test_virtual_hosted_style(flexemu, domain):
    import boto3
    from botocore.config import Config

    vs3 = boto3.client(
        "s3",
        endpoint_url=f"http://{domain}:{flexemu.port}",
        region_name="eu-west-0",
        aws_access_key_id=flexemu.access_key,
        aws_secret_access_key=flexemu.secret_key,
        config=Config(s3={"addressing_style": "virtual"}),
    )
    vs3.meta.events.register("before-send.s3", _connect_to(f"127.0.0.1:{flexemu.port}"))
    vs3.create_bucket(Bucket="vhost")
    vs3.put_object(Bucket="vhost", Key="a/b", Body=b"hi")
    assert vs3.get_object(Bucket="vhost", Key="a/b")["Body"].read() == b"hi"
    assert [o["Key"] for o in vs3.list_objects_v2(Bucket="vhost")["Contents"]] == ["a/b"]
    assert flexemu.boto3().get_object(Bucket="vhost", Key="a/b")["Body"].read() == b"hi"


def test_the_version_tuple_has_the_table_columns_in_order():
    from apis.obs.models import ObjectVersion, Version

    assert Version._fields == tuple(column.name for column in ObjectVersion.__table__.columns)


def test_http_dates_are_written_as_email_utils_writes_them():
    from datetime import UTC, datetime, timedelta, timezone
    from email.utils import format_datetime

    from apis.obs.wire import http_date

    east = timezone(timedelta(hours=5, minutes=30))
    for value in [
        datetime(2026, 11, 28, 15, 10, 57, 999999, tzinfo=UTC),
        datetime(1999, 1, 3, 0, 0, 0, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 1, tzinfo=east),
        *(datetime(2026, month, 9, 8, 7, 6, tzinfo=UTC) for month in range(1, 13)),
    ]:
        expected = format_datetime(value.astimezone(UTC).replace(microsecond=0), usegmt=True)
        assert http_date(value) == expected


def test_website_redirect_location_is_kept(s3, bucket, flexemu):
    """aws s3 cp --website-redirect, esdk's SetObjectMetadataHeader(location=...)."""
    from obs import ObsClient, SetObjectMetadataHeader

    s3.put_object(Bucket=bucket, Key="old", Body=b"x", WebsiteRedirectLocation="/new")
    assert s3.head_object(Bucket=bucket, Key="old")["WebsiteRedirectLocation"] == "/new"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource=f"{bucket}/old")  # S3: not copied
    assert "WebsiteRedirectLocation" not in s3.head_object(Bucket=bucket, Key="copy")
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature="obs",
        path_style=True,
    )
    changed = client.setObjectMetadata(
        bucket, "old", headers=SetObjectMetadataHeader(location="https://example.com/")
    )
    assert changed.status == 200
    head = client.getObjectMetadata(bucket, "old")
    assert dict(head.header)["website-redirect-location"] == "https://example.com/"
