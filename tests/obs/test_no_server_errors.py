"""No client mistake produces a 500 on OBS: bad XML for each sub-resource, bad headers and bad
query parameters, each sent signed with SigV4; the answer is below 500 and an S3 `<Error>`."""

import socket
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.obs.helpers import signed

BUCKET = "sweep"
KEY = "object.txt"
HUGE = str(2**63)


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str  # may name {upload}, the id of a multipart upload in progress
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


BAD_XML = {
    "not-xml": b"<not xml",
    "empty": b"",
    "wrong-root": b"<Wrong><Child/></Wrong>",
    "binary": b"\x00\xff\xfe binary",
    "entity": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
}

# Documents of the right shape with values out of range or of the wrong type.
BAD_VALUES = {
    "lifecycle": b"<LifecycleConfiguration><Rule><ID>r</ID><Prefix></Prefix><Status>Enabled"
    b"</Status><Expiration><Days>" + HUGE.encode() + b"</Days></Expiration></Rule>"
    b"</LifecycleConfiguration>",
    "cors": b"<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*"
    b"</AllowedOrigin><MaxAgeSeconds>abc</MaxAgeSeconds></CORSRule></CORSConfiguration>",
    "tagging": b"<Tagging><TagSet><Tag><Key>" + b"k" * 10_000 + b"</Key><Value>v</Value></Tag>"
    b"</TagSet></Tagging>",
    "website": b"<WebsiteConfiguration><RedirectAllRequestsTo><HostName></HostName>"
    b"<Protocol>gopher</Protocol></RedirectAllRequestsTo></WebsiteConfiguration>",
    "acl": b"<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant>"
    b'<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Nobody">'
    b"<ID>x</ID></Grantee><Permission>EVERYTHING</Permission></Grant></AccessControlList>"
    b"</AccessControlPolicy>",
    "policy": b'{"Statement": "everything"}',
    "versioning": b"<VersioningConfiguration><Status>Sideways</Status></VersioningConfiguration>",
    "quota": b"<Quota><StorageQuota>-1</StorageQuota></Quota>",
    "storagePolicy": b"<StoragePolicy><DefaultStorageClass>GOLD</DefaultStorageClass>"
    b"</StoragePolicy>",
    "delete": b"<Delete>" + b"<Object><Key></Key></Object>" * 3 + b"</Delete>",
}


def _cases() -> list[Case]:
    cases = []
    for sub in BAD_VALUES:
        method = "POST" if sub == "delete" else "PUT"
        for name, body in {**BAD_XML, "bad-values": BAD_VALUES[sub]}.items():
            cases.append(Case(f"{method} ?{sub} {name}", method, f"/{BUCKET}?{sub}", body))
    for name, body in {
        **BAD_XML,
        "huge-part": b"<CompleteMultipartUpload><Part><PartNumber>"
        + HUGE.encode()
        + b"</PartNumber><ETag>x</ETag></Part>"
        b"</CompleteMultipartUpload>",
    }.items():
        path = f"/{BUCKET}/{KEY}?uploadId={{upload}}"
        cases.append(Case(f"POST complete {name}", "POST", path, body))
    cases.append(Case("POST ?restore not-xml", "POST", f"/{BUCKET}/{KEY}?restore", b"<x"))
    cases.append(
        Case("PUT bucket bad location", "PUT", "/sweep-new", b"<CreateBucketConfiguration><Loc")
    )
    object_path = f"/{BUCKET}/{KEY}"
    for source in (
        "nobucket",
        "/",
        "%ZZ",
        f"{BUCKET}/missing",
        f"{BUCKET}/{KEY}?versionId=zz",
        "/" + "b" * 300 + "/k",
        f"/{BUCKET}/{KEY}?versionId=",
    ):
        headers = {"x-amz-copy-source": source}
        cases.append(
            Case(f"PUT copy-source {source[:20]!r}", "PUT", f"/{BUCKET}/copy", b"", headers)
        )
    for value in (
        "bytes=abc",
        "bytes=5-1",
        "bytes=-",
        "items=0-1",
        "bytes=" + HUGE + "-",
        "bytes=0-1,2-3,-",
        "bytes=-0",
    ):
        cases.append(Case(f"GET Range {value!r}", "GET", object_path, headers={"Range": value}))
        cases.append(Case(f"HEAD Range {value!r}", "HEAD", object_path, headers={"Range": value}))
    for header in ("If-Modified-Since", "If-Unmodified-Since"):
        for value in ("garbage", "Mon, 99 Foo 2020 99:99:99 GMT", "0", HUGE):
            cases.append(
                Case(f"GET {header} {value!r}", "GET", object_path, headers={header: value})
            )
    for header, value in (
        ("x-amz-storage-class", "GOLD"),
        ("x-amz-storage-class", ""),
        ("x-amz-acl", "everyone-owns-it"),
        ("x-amz-tagging", "a=%ZZ&&=&" + "k" * 200 + "=v"),
        ("Content-MD5", "not-base64!"),
        ("x-amz-checksum-sha256", "garbage"),
        ("x-amz-server-side-encryption", "ROT13"),
        ("x-amz-website-redirect-location", "nowhere"),
        ("x-amz-metadata-directive", "SIDEWAYS"),
        ("Expires", "not a date"),
    ):
        cases.append(
            Case(f"PUT object {header}={value[:20]!r}", "PUT", object_path, b"x", {header: value})
        )
    upload_part = f"/{BUCKET}/{KEY}?uploadId={{upload}}"
    for query in ("partNumber=0", "partNumber=abc", "partNumber=10001", "partNumber=" + HUGE):
        cases.append(Case(f"PUT part {query}", "PUT", f"{upload_part}&{query}", b"x"))
    cases.append(
        Case(
            "PUT part copy bad range",
            "PUT",
            f"{upload_part}&partNumber=1",
            headers={
                "x-amz-copy-source": f"/{BUCKET}/{KEY}",
                "x-amz-copy-source-range": "bytes=zz",
            },
        )
    )
    for method in ("GET", "PUT", "POST", "DELETE"):
        path = f"/{BUCKET}/{KEY}?uploadId=unknown" + ("&partNumber=1" if method == "PUT" else "")
        body = b"<CompleteMultipartUpload/>" if method == "POST" else b""
        cases.append(Case(f"{method} uploadId unknown", method, path, body))
    for query in (
        "max-keys=-1",
        "max-keys=abc",
        "max-keys=" + HUGE,
        "list-type=2&max-keys=abc",
        "list-type=2&continuation-token=%00garbage",
        "list-type=3",
        "uploads&max-uploads=-1",
        "uploads&max-uploads=abc",
        "versions&max-keys=abc",
        "versions&version-id-marker=zz",
        "encoding-type=rot13",
    ):
        cases.append(Case(f"GET bucket ?{query}", "GET", f"/{BUCKET}?{query}"))
    for query in ("max-parts=-1", "part-number-marker=abc", "max-parts=" + HUGE):
        path = f"/{BUCKET}/{KEY}?uploadId={{upload}}&{query}"
        cases.append(Case(f"GET parts ?{query}", "GET", path))
    for query in ("append&position=abc", "append&position=-1", "append&position=" + HUGE):
        cases.append(Case(f"POST ?{query}", "POST", f"/{BUCKET}/appended?{query}", b"x"))
    for path in (f"/{BUCKET}/nul%00key", f"/{BUCKET}/{KEY}?versionId=%00", "/nul%00bucket/k"):
        cases.append(Case(f"GET {path!r}", "GET", path))
    for query in ("prefix=%00", "marker=%00&delimiter=%00"):
        cases.append(Case(f"GET bucket ?{query}", "GET", f"/{BUCKET}?{query}"))
    cases.append(Case("PUT key with NUL", "PUT", f"/{BUCKET}/nul%00put", b"x"))
    for sub in ("tagging", "acl"):
        for name, body in BAD_XML.items():
            cases.append(Case(f"PUT object ?{sub} {name}", "PUT", f"{object_path}?{sub}", body))
    restore = b"<RestoreRequest><Days>-1</Days></RestoreRequest>"
    cases.append(Case("POST ?restore Days=-1", "POST", f"{object_path}?restore", restore))
    cases.append(
        Case("POST ?append on a normal object", "POST", f"{object_path}?append&position=0", b"x")
    )
    for header in ("x-amz-copy-source-if-modified-since", "x-amz-copy-source-if-match"):
        headers = {"x-amz-copy-source": f"/{BUCKET}/{KEY}", header: "garbage"}
        cases.append(Case(f"PUT copy {header} garbage", "PUT", f"/{BUCKET}/copy", b"", headers))
    for content_type, body in (
        ("multipart/form-data; boundary=xyz", b"garbage without boundaries"),
        ("multipart/form-data", b"--xyz\r\n\r\n"),
        (
            "multipart/form-data; boundary=xyz",
            b'--xyz\r\nContent-Disposition: form-data; name="policy"\r\n\r\n%%%\r\n'
            b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nx\r\n--xyz--\r\n',
        ),
    ):
        headers = {"Content-Type": content_type}
        cases.append(Case(f"POST form {body[:12]!r}", "POST", f"/{BUCKET}", body, headers))
    streaming = {
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": "5",
    }
    for body in (b"zz;chunk-signature=00\r\nhello\r\n", b"5\r\nhel", b"-1;chunk-signature=\r\n"):
        cases.append(Case(f"PUT aws-chunked {body[:8]!r}", "PUT", object_path, body, streaming))
    for name in ("A_B", "ab", "-bucket", "b" * 64, "192.168.0.1", "a..b"):
        cases.append(Case(f"PUT bucket {name[:20]!r}", "PUT", f"/{name}"))
    return cases


CASES = _cases()
# A NUL anywhere in the URI is refused as S3 refuses an unparsable one, before any lookup.
NUL_CASES = {
    "GET bucket ?list-type=2&continuation-token=%00garbage",
    "GET '/sweep/nul%00key'",
    "GET '/sweep/object.txt?versionId=%00'",
    "GET '/nul%00bucket/k'",
    "GET bucket ?prefix=%00",
    "GET bucket ?marker=%00&delimiter=%00",
    "PUT key with NUL",
}


# Requests that are not signed right: they must be refused with an S3 error, not crash.
BAD_AUTH = {
    "sigv4 garbage": {"Authorization": "AWS4-HMAC-SHA256 garbage"},
    "sigv4 empty parts": {
        "Authorization": "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=, Signature="
    },
    "sigv4 bad date": {
        "Authorization": "AWS4-HMAC-SHA256 Credential=AK/20200101/eu-west-0/s3/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00",
        "x-amz-date": "yesterday",
    },
    "v2 no colon": {"Authorization": "AWS onlyakey"},
    "obs empty": {"Authorization": "OBS :"},
}
BAD_PRESIGNED = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2Fx&X-Amz-Date=garbage"
    "&X-Amz-Expires=abc&X-Amz-SignedHeaders=host&X-Amz-Signature=00",
    "AWSAccessKeyId=AK&Expires=abc&Signature=%ZZ",
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=" + HUGE,
)


@pytest.fixture(scope="module")
def obs(flexemu_server: Any) -> Any:
    """A bucket with one object and a multipart upload in progress: the upload's id."""
    flexemu_server.reset()
    s3 = flexemu_server.boto3()
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key=KEY, Body=b"0123456789")
    upload = s3.create_multipart_upload(Bucket=BUCKET, Key=KEY)["UploadId"]
    yield flexemu_server, upload
    flexemu_server.reset()


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_bad_request_is_an_s3_client_error(obs, case):
    server, upload = obs
    url, headers = signed(
        server, case.method, case.path.format(upload=upload), case.body, case.headers
    )
    response = httpx.request(case.method, url, headers=headers, content=case.body)
    if response.status_code >= 400 and case.method != "HEAD":
        assert ElementTree.fromstring(response.content).tag == "Error", ascii(response.text[:300])
    # A feature the emulator leaves out answers 501 NotImplemented, on purpose.
    not_implemented = response.status_code == 501 and b"<Code>NotImplemented<" in response.content
    assert response.status_code < 500 or not_implemented, ascii(response.text[:300])
    if case.name in NUL_CASES:
        assert response.status_code == 400
        assert b"<Code>InvalidURI</Code>" in response.content


@pytest.mark.parametrize("name", list(BAD_AUTH))
def test_bad_signature_is_an_s3_client_error(obs, name):
    server, _ = obs
    response = httpx.get(f"{server.url}/{BUCKET}/{KEY}", headers=BAD_AUTH[name])
    assert 400 <= response.status_code < 500, ascii(response.text[:300])
    assert ElementTree.fromstring(response.content).tag == "Error"


@pytest.mark.parametrize("query", BAD_PRESIGNED)
def test_bad_presigned_url_is_an_s3_client_error(obs, query):
    server, _ = obs
    response = httpx.get(f"{server.url}/{BUCKET}/{KEY}?{query}")
    assert 400 <= response.status_code < 500, ascii(response.text[:300])
    assert ElementTree.fromstring(response.content).tag == "Error"


@pytest.mark.parametrize("length", ["abc", "-1", HUGE, "1, 2"])
def test_bad_content_length_is_a_client_error(obs, length):
    server, _ = obs
    url, headers = signed(server, "PUT", f"/{BUCKET}/sized", b"x")
    headers["Content-Length"] = length
    request = f"PUT /{BUCKET}/sized HTTP/1.1\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(request.encode() + b"\r\nx")
        sock.shutdown(socket.SHUT_WR)
        answer = sock.recv(65536).decode("latin-1")
    status = int(answer.split(" ", 2)[1])
    assert 400 <= status < 500, answer[:300]
