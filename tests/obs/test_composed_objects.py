"""Objects completed from parts: read, ranged, copied and freed as one body (the blob store keeps
them as the list of their parts)."""

import hashlib
import random

MIB = 1024 * 1024
BODIES = [
    random.Random(number).randbytes(size) for number, size in enumerate((5 * MIB, 5 * MIB, 7))
]
WHOLE = b"".join(BODIES)


def _complete(s3, bucket, key, bodies=BODIES):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = [
        {
            "PartNumber": number,
            "ETag": s3.upload_part(
                Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body
            )["ETag"],
        }
        for number, body in enumerate(bodies, start=1)
    ]
    return s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def _read(s3, bucket, key, byte_range=None):
    extra = {"Range": byte_range} if byte_range else {}
    return s3.get_object(Bucket=bucket, Key=key, **extra)["Body"].read()


def test_a_completed_object_reads_whole_and_by_ranges_across_its_parts(s3, bucket):
    done = _complete(s3, bucket, "big")
    md5s = b"".join(hashlib.md5(body).digest() for body in BODIES)
    assert done["ETag"] == f'"{hashlib.md5(md5s).hexdigest()}-3"'
    head = s3.head_object(Bucket=bucket, Key="big")
    assert (head["ContentLength"], head["ETag"]) == (len(WHOLE), done["ETag"])
    assert _read(s3, bucket, "big") == WHOLE
    boundary = 5 * MIB
    for first, last in [
        (boundary - 10, boundary + 10),  # first part into the second
        (2 * boundary - 3, 2 * boundary + 2),  # second into the tail
        (1, 2 * boundary + 5),  # all three
        (boundary, boundary),  # one byte, the second part's first
    ]:
        ranged = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={first}-{last}")
        assert ranged["ContentRange"] == f"bytes {first}-{last}/{len(WHOLE)}"
        assert ranged["Body"].read() == WHOLE[first : last + 1]
    assert _read(s3, bucket, "big", "bytes=-12") == WHOLE[-12:]
    assert _read(s3, bucket, "big", f"bytes={boundary - 1}-") == WHOLE[boundary - 1 :]


def test_copies_of_a_completed_object(s3, bucket):
    _complete(s3, bucket, "big")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "big"})
    assert _read(s3, bucket, "copy") == WHOLE
    s3.copy_object(
        Bucket=bucket,
        Key="big",
        CopySource={"Bucket": bucket, "Key": "big"},
        StorageClass="STANDARD_IA",
        MetadataDirective="REPLACE",
    )
    assert s3.head_object(Bucket=bucket, Key="big")["StorageClass"] == "STANDARD_IA"
    assert _read(s3, bucket, "big") == WHOLE
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="ranges")["UploadId"]
    first, last = 5 * MIB - 4, 10 * MIB + 3  # across both boundaries
    copied = s3.upload_part_copy(
        Bucket=bucket,
        Key="ranges",
        UploadId=upload_id,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "big"},
        CopySourceRange=f"bytes={first}-{last}",
    )
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key="ranges",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": copied["CopyPartResult"]["ETag"]}]},
    )
    assert _read(s3, bucket, "ranges") == WHOLE[first : last + 1]


def test_the_parts_go_with_the_last_object_that_uses_them(flexemu, s3, bucket):
    store = flexemu.emulator.blobs
    parts = [store.path(hashlib.sha256(body).hexdigest()) for body in BODIES]
    _complete(s3, bucket, "big")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "big"})
    _complete(s3, bucket, "again")  # the same parts again: one composed blob for the three
    assert all(part.exists() for part in parts)
    s3.delete_object(Bucket=bucket, Key="big")
    s3.put_object(Bucket=bucket, Key="again", Body=b"overwritten")
    assert all(part.exists() for part in parts)
    assert _read(s3, bucket, "copy") == WHOLE
    s3.delete_object(Bucket=bucket, Key="copy")
    store.settle()
    assert not any(part.exists() for part in parts)
    assert not any((store.root / "composed").iterdir())
