"""Signatures are checked for real: SigV4 (header, presigned, chunked), SigV2, tokens."""

import hashlib
import hmac
from datetime import timedelta

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from state.models import Credential
from tests.obs.helpers import code_of, error_of, signed


def test_a_signed_request_passes_and_a_tampered_one_does_not(flexemu, s3, bucket):
    url, headers = signed(flexemu, "PUT", f"/{bucket}/k", b"hello")
    assert httpx.put(url, content=b"hello", headers=headers).status_code == 200
    url, headers = signed(flexemu, "PUT", f"/{bucket}/k", b"hello")
    response = httpx.put(url + "x", content=b"hello", headers=headers)
    assert response.status_code == 403
    error = error_of(response)
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["RequestId"] == response.headers["x-amz-request-id"]
    assert "StringToSign" in error and "HostId" in error


def test_a_body_that_does_not_match_its_signed_hash_is_refused(flexemu, s3, bucket):
    url, headers = signed(flexemu, "PUT", f"/{bucket}/k", b"hello")
    response = httpx.put(url, content=b"hellO", headers=headers)
    assert response.status_code == 400
    assert error_of(response)["Code"] == "XAmzContentSHA256Mismatch"
    with pytest.raises(ClientError) as error:
        s3.head_object(Bucket=bucket, Key="k")
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_wrong_secret_unknown_key_and_anonymous(flexemu, bucket):
    wrong = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id=flexemu.access_key,
        aws_secret_access_key="wrong",
    )
    with pytest.raises(ClientError) as error:
        wrong.list_buckets()
    assert code_of(error.value) == "SignatureDoesNotMatch"
    unknown = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id="NOSUCHKEY0000000000",
        aws_secret_access_key="x",
    )
    with pytest.raises(ClientError) as error:
        unknown.list_buckets()
    assert code_of(error.value) == "InvalidAccessKeyId"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    response = httpx.get(f"{flexemu.url}/{bucket}/k")
    assert response.status_code == 403
    assert error_of(response)["Code"] == "AccessDenied"


def test_content_md5_and_checksums_are_verified(flexemu, s3, bucket):
    import base64

    md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"hello", ContentMD5=md5)
    assert code_of(error.value) == "BadDigest"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=b"hello", ChecksumCRC32="AAAAAA==")
    assert code_of(error.value) == "BadDigest"
    s3.put_object(Bucket=bucket, Key="k", Body=b"hello", ChecksumAlgorithm="SHA256")
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"hello").digest()).decode()


def test_presigned_get_and_put_urls_work_then_expire(flexemu, s3, bucket):
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "up"}, ExpiresIn=600
    )
    assert httpx.put(put_url, content=b"via url").status_code == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "up"}, ExpiresIn=600
    )
    assert httpx.get(get_url).content == b"via url"
    assert httpx.get(get_url.replace("Signature=", "Signature=0")).status_code == 403
    flexemu.advance("PT11M")
    response = httpx.get(get_url)
    assert response.status_code == 403
    error = error_of(response)
    assert (error["Code"], error["Message"]) == ("AccessDenied", "Request has expired")


def test_sigv2_header_and_presigned(flexemu, bucket):
    v2 = flexemu.boto3(config=Config(signature_version="s3"))
    v2.put_object(Bucket=bucket, Key="v2", Body=b"old school", Metadata={"a": "b"})
    assert v2.get_object(Bucket=bucket, Key="v2")["Body"].read() == b"old school"
    url = v2.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v2"})
    assert "AWSAccessKeyId=" in url
    assert httpx.get(url).content == b"old school"
    bad = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id=flexemu.access_key,
        aws_secret_access_key="nope",
        config=Config(signature_version="s3"),
    )
    with pytest.raises(ClientError) as error:
        bad.get_object(Bucket=bucket, Key="v2")
    assert code_of(error.value) == "SignatureDoesNotMatch"


def test_sigv2_on_buckets_path_style(flexemu):
    v2 = flexemu.boto3(config=Config(signature_version="s3"))
    v2.create_bucket(Bucket="old-school")
    v2.put_object(Bucket="old-school", Key="k", Body=b"x")
    assert [o["Key"] for o in v2.list_objects(Bucket="old-school")["Contents"]] == ["k"]
    v2.head_bucket(Bucket="old-school")


@pytest.mark.parametrize("date", ["", "Tue, 07 Jul 1950 21:53:04 GMT"])
def test_sigv2_needs_a_valid_date(flexemu, bucket, date):
    v2 = flexemu.boto3(config=Config(signature_version="s3"))
    v2.meta.events.register(
        "before-call.s3.PutObject",
        lambda **kw: kw["params"]["headers"].update({"x-amz-date": date}),
    )
    with pytest.raises(ClientError) as error:
        v2.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert code_of(error.value) == "AccessDenied"


def _temporary(flexemu, expires_in: timedelta) -> Credential:
    from apis.iam.credentials import ids

    with flexemu.emulator.db.transaction() as tx:
        permanent = tx.get(Credential, flexemu.access_key)
        row = Credential(
            access=ids.access_key(),
            secret=ids.secret_key(),
            user_id=permanent.user_id,
            created_at=flexemu.emulator.clock.now(),
            security_token="tok-" + ids.secret_key(),
            expires_at=flexemu.emulator.clock.now() + expires_in,
        )
        tx.add(row)
    return row


def test_temporary_credentials_need_their_token_and_expire(flexemu, bucket):
    row = _temporary(flexemu, timedelta(minutes=15))
    client = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id=row.access,
        aws_secret_access_key=row.secret,
        aws_session_token=row.security_token,
    )
    assert [b["Name"] for b in client.list_buckets()["Buckets"]] == [bucket]
    tokenless = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id=row.access,
        aws_secret_access_key=row.secret,
    )
    with pytest.raises(ClientError) as error:
        tokenless.list_buckets()
    assert code_of(error.value) == "InvalidToken"
    flexemu.advance("PT16M")
    with pytest.raises(ClientError) as error:
        client.list_buckets()
    assert code_of(error.value) == "ExpiredToken"


def _chunk_signature(secret, timestamp, scope, previous, data):
    def sign(key, text):
        return hmac.new(key, text.encode(), hashlib.sha256).digest()

    key = sign(
        sign(sign(sign(f"AWS4{secret}".encode(), timestamp[:8]), "eu-west-0"), "s3"), "aws4_request"
    )
    text = "\n".join(
        [
            "AWS4-HMAC-SHA256-PAYLOAD",
            timestamp,
            scope,
            previous,
            hashlib.sha256(b"").hexdigest(),
            hashlib.sha256(data).hexdigest(),
        ]
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _chunked_upload(flexemu, bucket, chunks, tamper=False):
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload, as the AWS SDKs for Java and Go send."""
    total = sum(len(chunk) for chunk in chunks)
    encoded = sum(
        len(f"{len(c):x};chunk-signature={'0' * 64}\r\n") + len(c) + 2 for c in [*chunks, b""]
    )
    url, headers = signed(
        flexemu,
        "PUT",
        f"/{bucket}/streamed",
        headers={
            "x-amz-decoded-content-length": str(total),
            "content-encoding": "aws-chunked",
            "content-length": str(encoded),
        },
        payload="STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    )
    seed = headers["Authorization"].rsplit("Signature=", 1)[1]
    scope = f"{headers['X-Amz-Date'][:8]}/eu-west-0/s3/aws4_request"
    previous, body = seed, b""
    for chunk in [*chunks, b""]:
        signature = _chunk_signature(
            flexemu.secret_key, headers["X-Amz-Date"], scope, previous, chunk
        )
        previous = signature
        data = chunk.replace(b"a", b"b") if tamper else chunk
        body += f"{len(chunk):x};chunk-signature={signature}\r\n".encode() + data + b"\r\n"
    return httpx.put(url, content=body, headers=headers)


def test_streaming_sigv4_chunks_are_verified(flexemu, s3, bucket):
    chunks = [b"a" * 65536, b"b" * 1000]
    response = _chunked_upload(flexemu, bucket, chunks)
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="streamed")["Body"].read() == b"".join(chunks)
    s3.delete_object(Bucket=bucket, Key="streamed")
    response = _chunked_upload(flexemu, bucket, chunks, tamper=True)
    assert response.status_code == 403
    assert error_of(response)["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="streamed")


def _botocore_signature(secret, region, timestamp, request):
    """What botocore's S3 signer computes for a request whose signed headers are given."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.compat import HTTPHeaders
    from botocore.credentials import Credentials

    method, path, query, headers, signed_names, payload = request
    signed = HTTPHeaders()
    for name, value in headers:
        if name in signed_names:
            signed[name] = value

    class Told(S3SigV4Auth):
        def headers_to_sign(self, _request):
            return signed

    url = "http://verify" + path + ("?" + query if query else "")
    botocore_request = AWSRequest(method=method, url=url, headers={"X-Amz-Content-SHA256": payload})
    botocore_request.context["timestamp"] = timestamp
    signer = Told(Credentials("AK", secret), "s3", region)
    string_to_sign = signer.string_to_sign(
        botocore_request, signer.canonical_request(botocore_request)
    )
    return signer.signature(string_to_sign, botocore_request), string_to_sign


SIGNED_REQUESTS = [
    ("PUT", "/a", "x=1", [("host", "bucket.example")], ["host"], "UNSIGNED-PAYLOAD"),
    ("get", "/b/ünï code", "", [("host", "h"), ("x-amz-date", "d")], ["host", "x-amz-date"], "e"),
    (
        "GET",
        "/b/%C3%BCn%C3%AF%20code//x",
        "versionId=3&acl&b=2&b=1&&prefix=a%2Fb&z=",
        [("host", "h:9000"), ("x-amz-meta-a", "  one   two \t three "), ("x-amz-meta-b", "é")],
        ["host", "x-amz-meta-a", "x-amz-meta-b", "x-amz-not-sent"],
        "abc",
    ),
    ("HEAD", "/k", "", [("host", "h"), ("host", "second"), ("range", "bytes=0-1")], ["host"], "e"),
    ("DELETE", "/", "delete", [("other", "x")], ["host"], "UNSIGNED-PAYLOAD"),
]


@pytest.mark.parametrize("region", ["eu-west-0", "us-east-1", "region"])
@pytest.mark.parametrize("secret", ["secret-one", "secret-two"])
def test_the_sigv4_maths_are_botocore_s(secret, region):
    """The verifier's canonical request, string to sign and (remembered) signing key."""
    from apis.obs.signatures import V4Scope, V4Signer

    timestamp = "20260301T101500Z"
    signer = V4Signer(secret, V4Scope("AK", timestamp[:8], region, "s3"), timestamp)
    for request in SIGNED_REQUESTS:
        ours = signer.request_signature(*request)
        assert ours == _botocore_signature(secret, region, timestamp, request), request


@pytest.mark.parametrize(
    "text",
    ["20260301T101500Z", "20241231T235959Z", "20260229T101500Z", "20261301T101500Z",
     "20260301T241500Z", "20260301T106000Z", "20260301T101560Z", "2026031T101500Z",
     "20260301T101500", "2026-03-01T10:15:00Z", "20260301t101500z", ""],
)  # fmt: skip
def test_v4_timestamps_are_read_as_strptime_reads_them(text):
    from datetime import UTC, datetime

    from apis.obs.auth import V4_DATE, Authenticator
    from apis.obs.errors import S3Error

    try:
        expected = datetime.strptime(text, V4_DATE).replace(tzinfo=UTC)
    except ValueError:
        with pytest.raises(S3Error):
            Authenticator._timestamp(text)
    else:
        assert Authenticator._timestamp(text) == expected
