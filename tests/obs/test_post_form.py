"""Browser-based uploads (POST Object): forms signed by boto3's and esdk-obs-python's policies."""

import base64
import hashlib
import hmac
import json

import httpx
import pytest
from obs import ObsClient

from tests.obs.helpers import error_of, signed


def _post(url, fields, content=b"hello form", filename="hello.txt"):
    return httpx.post(url, data=fields, files={"file": (filename, content)})


def test_boto3_presigned_post_stores_the_file(s3, bucket):
    form = s3.generate_presigned_post(
        bucket,
        "uploads/${filename}",
        Fields={"acl": "public-read", "Content-Type": "text/plain", "success_action_status": "201"},
        Conditions=[
            {"acl": "public-read"},
            {"Content-Type": "text/plain"},
            {"success_action_status": "201"},
            ["content-length-range", 1, 100],
        ],
    )
    posted = _post(form["url"], form["fields"])
    assert posted.status_code == 201, posted.text
    assert "<Key>uploads/hello.txt</Key>" in posted.text
    got = s3.get_object(Bucket=bucket, Key="uploads/hello.txt")
    assert (got["Body"].read(), got["ContentType"]) == (b"hello form", "text/plain")
    assert posted.headers["ETag"] == got["ETag"]
    grants = s3.get_object_acl(Bucket=bucket, Key="uploads/hello.txt")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in grants)
    too_big = _post(form["url"], form["fields"], b"x" * 101)
    assert (too_big.status_code, error_of(too_big)["Code"]) == (400, "EntityTooLarge")


def test_a_form_file_larger_than_its_spool_is_stored_whole(s3, bucket):
    """Past 1 MiB the form's file is spooled to disk before it reaches the blob store."""
    body = bytes(range(256)) * (12 * 1024 + 3)  # 3 MiB and a bit
    form = s3.generate_presigned_post(bucket, "big.bin")
    posted = _post(form["url"], form["fields"], body, "big.bin")
    assert posted.status_code == 204, posted.text
    got = s3.get_object(Bucket=bucket, Key="big.bin")
    assert got["Body"].read() == body
    assert got["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'


def test_the_policy_decides(s3, bucket, flexemu, anonymous):
    form = s3.generate_presigned_post(bucket, "k", ExpiresIn=60)
    extra = _post(form["url"], {**form["fields"], "x-amz-meta-colour": "blue"})
    assert (extra.status_code, error_of(extra)["Code"]) == (403, "AccessDenied")
    assert "Extra input fields" in error_of(extra)["Message"]
    other_key = _post(form["url"], {**form["fields"], "key": "other"})
    assert (other_key.status_code, error_of(other_key)["Code"]) == (403, "AccessDenied")
    forged = _post(form["url"], {**form["fields"], "x-amz-signature": "0" * 64})
    assert (forged.status_code, error_of(forged)["Code"]) == (403, "SignatureDoesNotMatch")
    unsigned = _post(form["url"], {"key": "k"})  # anyone: a private bucket refuses
    assert (unsigned.status_code, error_of(unsigned)["Code"]) == (403, "AccessDenied")
    flexemu.advance("PT2M")
    expired = _post(form["url"], form["fields"])
    assert (expired.status_code, error_of(expired)["Code"]) == (403, "AccessDenied")
    assert "Policy expired" in error_of(expired)["Message"]
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


@pytest.mark.parametrize("signature", ["obs", "v2"])
def test_esdk_post_signature(flexemu, s3, bucket, signature):
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature=signature,
        path_style=True,
    )
    signed = client.createPostSignature(
        bucket, "esdk.txt", expires=300, formParams={"content-type": "text/plain"}
    )
    access_field = "AccessKeyId" if signature == "obs" else "AWSAccessKeyId"
    fields = {
        "key": "esdk.txt",
        "content-type": "text/plain",
        "policy": signed.policy,
        "signature": signed.signature,
        access_field: flexemu.access_key,
    }
    posted = _post(f"{flexemu.url}/{bucket}", fields)
    assert posted.status_code == 204, posted.text
    got = s3.get_object(Bucket=bucket, Key="esdk.txt")
    assert (got["Body"].read(), got["ContentType"]) == (b"hello form", "text/plain")


def test_redirect_after_the_upload(s3, bucket):
    target = "http://app.example/done"
    form = s3.generate_presigned_post(
        bucket,
        "k",
        Fields={"success_action_redirect": target},
        Conditions=[{"success_action_redirect": target}],
    )
    posted = _post(form["url"], form["fields"])
    assert posted.status_code == 303
    assert posted.headers["Location"].startswith(f"{target}?bucket={bucket}&key=k&etag=")


def test_a_bad_form_is_a_client_error(flexemu, bucket):
    url = f"{flexemu.url}/{bucket}"
    no_file = httpx.post(url, files={"key": (None, "k")})
    assert (no_file.status_code, error_of(no_file)["Code"]) == (400, "InvalidArgument")
    garbage = httpx.post(
        url, content=b"not a form", headers={"Content-Type": "multipart/form-data; boundary=x"}
    )
    assert (garbage.status_code, error_of(garbage)["Code"]) == (400, "MalformedPOSTRequest")
    no_key = httpx.post(url, files={"file": ("f", b"x")})
    assert (no_key.status_code, error_of(no_key)["Code"]) == (400, "InvalidArgument")
    policy = base64.b64encode(
        json.dumps(
            {"expiration": "2099-01-01T00:00:00Z", "conditions": [["content-length-range", "a", 1]]}
        ).encode()
    ).decode()
    fields = {"key": "k", "policy": policy, "AWSAccessKeyId": flexemu.access_key}
    digest = hmac.new(flexemu.secret_key.encode(), policy.encode(), hashlib.sha1).digest()
    fields["signature"] = base64.b64encode(digest).decode()
    bad_policy = _post(url, fields)
    assert (bad_policy.status_code, error_of(bad_policy)["Code"]) == (400, "InvalidPolicyDocument")


def test_obs_forms_may_carry_fields_the_policy_leaves_out(flexemu, s3, bucket):
    """As OBS's own samples do (S3 refuses them); ObsAccessKeyId names the key too."""
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature="obs",
        path_style=True,
    )
    signed = client.createPostSignature(bucket, "obs.txt", expires=300)
    fields = {
        "key": "obs.txt",
        "x-obs-meta-colour": "blue",
        "policy": signed.policy,
        "signature": signed.signature,
        "ObsAccessKeyId": flexemu.access_key,
    }
    posted = _post(f"{flexemu.url}/{bucket}", fields)
    assert posted.status_code == 204, posted.text
    assert s3.head_object(Bucket=bucket, Key="obs.txt")["Metadata"] == {"colour": "blue"}


def test_anyone_may_post_to_a_public_write_bucket(flexemu, s3):
    s3.create_bucket(Bucket="drop-box", ACL="public-read-write")
    host = f"drop-box.oss.eu-west-0.localhost:{flexemu.port}"  # virtual-hosted style
    posted = httpx.post(
        f"{flexemu.url}/",
        headers={"Host": host},
        data={"key": "in/a b.txt"},
        files={"file": ("f", b"dropped")},
    )
    assert posted.status_code == 204, posted.text
    assert posted.headers["Location"] == f"http://{host}/in/a%20b.txt"
    assert s3.get_object(Bucket="drop-box", Key="in/a b.txt")["Body"].read() == b"dropped"


def test_a_form_typed_post_with_a_sub_resource_is_that_operation(flexemu, s3, bucket):
    """Only a POST on the bucket itself is a form upload: ?delete stays DeleteObjects."""
    s3.put_object(Bucket=bucket, Key="gone", Body=b"x")
    body = b"<Delete><Object><Key>gone</Key></Object></Delete>"
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    headers = {"Content-Type": "multipart/form-data; boundary=x", "Content-MD5": md5}
    url, headers = signed(flexemu, "POST", f"/{bucket}?delete", body, headers)
    deleted = httpx.post(url, headers=headers, content=body)
    assert deleted.status_code == 200 and b"<Deleted>" in deleted.content, deleted.text
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
