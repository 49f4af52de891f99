"""Multipart uploads: parts, copies of parts, listing, completion rules, abort."""

import hashlib
import io

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of

MIB = 1024 * 1024


def _upload(s3, bucket, key="big"):
    return s3.create_multipart_upload(
        Bucket=bucket, Key=key, ContentType="text/csv", Metadata={"m": "1"}
    )["UploadId"]


def test_upload_in_parts_and_complete(s3, bucket):
    first, second = b"a" * (5 * MIB), b"tail"
    upload_id = _upload(s3, bucket)
    etags = [
        s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=number, Body=body)[
            "ETag"
        ]
        for number, body in ((1, first), (2, second))
    ]
    listed = s3.list_parts(Bucket=bucket, Key="big", UploadId=upload_id)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 4)]
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("big", upload_id)]
    done = s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": etags[0]}, {"PartNumber": 2, "ETag": etags[1]}]
        },
    )
    md5s = hashlib.md5(first).digest() + hashlib.md5(second).digest()
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-2"'
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == first + second
    assert got["ContentType"] == "text/csv"
    assert got["Metadata"] == {"m": "1"}
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_parts_before_the_last_need_5_mib_with_s3_signatures(s3, bucket):
    def complete(first_size):
        upload_id = _upload(s3, bucket)
        parts = [
            {
                "PartNumber": number,
                "ETag": s3.upload_part(
                    Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=number, Body=body
                )["ETag"],
            }
            for number, body in ((1, b"a" * first_size), (2, b"tail"))
        ]
        s3.complete_multipart_upload(
            Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload={"Parts": parts}
        )

    complete(5 * MIB)
    assert s3.head_object(Bucket=bucket, Key="big")["ContentLength"] == 5 * MIB + 4
    with pytest.raises(ClientError) as error:
        complete(5 * MIB - 1)
    assert code_of(error.value) == "EntityTooSmall"


def test_transfer_manager_upload_and_download(s3, bucket):
    from boto3.s3.transfer import TransferConfig

    data = bytes(range(256)) * (48 * 1024)  # 12 MiB: three parts of 5 MiB
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_fileobj(io.BytesIO(data), bucket, "file.bin", Config=config)
    assert s3.head_object(Bucket=bucket, Key="file.bin")["ETag"].endswith('-3"')
    out = io.BytesIO()
    s3.download_fileobj(bucket, "file.bin", out, Config=config)
    assert out.getvalue() == data


def test_completion_rules(s3, bucket):
    upload_id = _upload(s3, bucket)
    small = s3.upload_part(
        Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1, Body=b"small"
    )["ETag"]
    last = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=2, Body=b"last")[
        "ETag"
    ]

    def complete(parts):
        with pytest.raises(ClientError) as error:
            s3.complete_multipart_upload(
                Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload={"Parts": parts}
            )
        return code_of(error.value)

    assert (
        complete([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}])
        == "EntityTooSmall"
    )
    assert (
        complete([{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}])
        == "InvalidPartOrder"
    )
    assert complete([{"PartNumber": 1, "ETag": '"0000"'}]) == "InvalidPart"
    assert complete([{"PartNumber": 3, "ETag": last}]) == "InvalidPart"
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=10001, Body=b"")
    assert code_of(error.value) == "InvalidArgument"
    # A single small part is fine: only parts before the last must be 5 MiB.
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": small}]},
    )
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == b"small"


def test_a_repeated_complete_answers_as_the_first_did(s3, bucket):
    upload_id = _upload(s3, bucket)
    etag = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1, Body=b"x")[
        "ETag"
    ]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    first = s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload=parts
    )
    again = s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload=parts
    )
    assert again["ETag"] == first["ETag"]
    other = {"Parts": [{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]}
    with pytest.raises(ClientError) as error:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="big", UploadId=upload_id, MultipartUpload=other
        )
    assert code_of(error.value) == "NoSuchUpload"


def test_upload_part_copy_with_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = _upload(s3, bucket, "dst")
    copied = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=upload_id,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange="bytes=2-5",
    )
    etag = copied["CopyPartResult"]["ETag"]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="dst",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == b"2345"


@pytest.mark.parametrize(
    "copy_range, code",
    [
        ("bytes=0-10", "InvalidRange"),
        ("bytes=5-2", "InvalidRange"),
        ("bytes=0-bar", "InvalidArgument"),
        ("bytes=hello-", "InvalidArgument"),
        ("bytes=0-2,3-5", "InvalidArgument"),
        ("0-2", "InvalidArgument"),
    ],
)
def test_upload_part_copy_ranges_are_never_clamped(s3, bucket, copy_range, code):
    s3.put_object(Bucket=bucket, Key="src", Body=b"0123456789")
    upload_id = _upload(s3, bucket, "dst")
    with pytest.raises(ClientError) as error:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="dst",
            UploadId=upload_id,
            PartNumber=1,
            CopySource={"Bucket": bucket, "Key": "src"},
            CopySourceRange=copy_range,
        )
    assert code_of(error.value) == code


def test_abort_forgets_the_upload(s3, bucket):
    upload_id = _upload(s3, bucket)
    s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id)
    with pytest.raises(ClientError) as error:
        s3.list_parts(Bucket=bucket, Key="big", UploadId=upload_id)
    assert code_of(error.value) == "NoSuchUpload"
    with pytest.raises(ClientError) as error:
        s3.upload_part(Bucket=bucket, Key="big", UploadId=upload_id, PartNumber=1, Body=b"x")
    assert code_of(error.value) == "NoSuchUpload"
    s3.delete_bucket(Bucket=bucket)


def test_blobs_are_removed_when_nothing_uses_them(flexemu, s3, bucket):
    store = flexemu.emulator.blobs
    s3.put_object(Bucket=bucket, Key="a", Body=b"same")
    s3.put_object(Bucket=bucket, Key="b", Body=b"same")
    digest = hashlib.sha256(b"same").hexdigest()
    assert store.path(digest).exists()
    s3.delete_object(Bucket=bucket, Key="a")
    assert store.path(digest).exists()
    s3.put_object(Bucket=bucket, Key="b", Body=b"other")
    store.settle()  # files go in the background
    assert not store.path(digest).exists()


def test_an_upload_without_parts_can_be_aborted(s3, bucket):
    upload = s3.create_multipart_upload(Bucket=bucket, Key="empty")["UploadId"]
    s3.abort_multipart_upload(Bucket=bucket, Key="empty", UploadId=upload)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_acl_and_tags_given_at_initiation_apply_to_the_completed_object(s3, bucket, anonymous):
    upload = s3.create_multipart_upload(
        Bucket=bucket, Key="big", ACL="public-read", Tagging="kind=video"
    )["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1, Body=b"x")[
        "ETag"
    ]
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="big",
        UploadId=upload,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="big")["TagSet"] == [
        {"Key": "kind", "Value": "video"}
    ]
    assert anonymous.get_object(Bucket=bucket, Key="big")["Body"].read() == b"x"


def test_list_uploads_pages_after_markers_and_folds_prefixes(s3, bucket):
    ids = [_upload(s3, bucket, key) for key in ("a", "a", "b", "dir/x", "dir/y")]
    first = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
    assert [u["UploadId"] for u in first["Uploads"]] == ids[:2]
    assert first["IsTruncated"] and first["NextKeyMarker"] == "a"
    rest = s3.list_multipart_uploads(
        Bucket=bucket,
        KeyMarker=first["NextKeyMarker"],
        UploadIdMarker=first["NextUploadIdMarker"],
        Delimiter="/",
    )
    assert [u["UploadId"] for u in rest["Uploads"]] == [ids[2]]
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["dir/"]
    assert not rest["IsTruncated"]
    pages = s3.get_paginator("list_multipart_uploads").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 1}
    )
    assert [u["UploadId"] for page in pages for u in page.get("Uploads", [])] == ids
