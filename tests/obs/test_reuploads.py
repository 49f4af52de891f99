"""Bodies the store holds already (a signed payload names its blob): kept once, answered and
verified as any other body."""

import base64
import hashlib
import random

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of, error_of, signed

BODY = random.Random(7).randbytes(5 * 1024 * 1024 + 3)
MD5 = hashlib.md5(BODY).hexdigest()


def test_a_body_uploaded_again_has_its_etag_and_bytes(flexemu, s3, bucket):
    for key in ("first", "again", "first"):
        assert s3.put_object(Bucket=bucket, Key=key, Body=BODY)["ETag"] == f'"{MD5}"'
    assert s3.get_object(Bucket=bucket, Key="again")["Body"].read() == BODY
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="parts")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="parts", UploadId=upload_id, PartNumber=1, Body=BODY)
    assert part["ETag"] == f'"{MD5}"'
    assert not list(flexemu.emulator.blobs.tmp_dir.iterdir())


def test_an_upload_again_is_checked_as_the_first(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="first", Body=BODY)
    other = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ContentMD5=other)
    assert code_of(error.value) == "BadDigest"
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="k", Body=BODY, ChecksumCRC32="AAAAAA==")
    assert code_of(error.value) == "BadDigest"
    # a different body announced as the one the store holds: refused, and nothing is kept
    tampered = BODY[:-1] + b"!"
    url, headers = signed(flexemu, "PUT", f"/{bucket}/k", BODY)
    response = httpx.put(url, content=tampered, headers=headers)
    assert response.status_code == 400
    assert error_of(response)["Code"] == "XAmzContentSHA256Mismatch"
    flexemu.emulator.blobs.settle()
    assert not flexemu.emulator.blobs.path(hashlib.sha256(tampered).hexdigest()).exists()
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="k")
