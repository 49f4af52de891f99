"""Listings v1 and v2: prefixes, delimiters, pagination, markers, url encoding."""

from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError

KEYS = [
    "a.txt",
    "dir/one",
    "dir/sub/two",
    "dir/sub/three",
    "dir2/x",
    "photos/2024/jan.jpg",
    "photos/2024/feb.jpg",
    "photos/2025/mar.jpg",
    "z",
]


@pytest.fixture
def filled(s3, bucket):
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    return bucket


def test_v2_lists_everything_in_key_order(s3, filled):
    result = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in result["Contents"]] == sorted(KEYS)
    assert result["KeyCount"] == len(KEYS)
    assert result["IsTruncated"] is False
    assert result["Contents"][0]["StorageClass"] == "STANDARD"
    assert result["Contents"][0]["Size"] == 1


def test_delimiter_groups_common_prefixes(s3, filled):
    result = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in result["Contents"]] == ["a.txt", "z"]
    assert [p["Prefix"] for p in result["CommonPrefixes"]] == ["dir/", "dir2/", "photos/"]
    nested = s3.list_objects_v2(Bucket=filled, Prefix="photos/", Delimiter="/")
    assert [p["Prefix"] for p in nested["CommonPrefixes"]] == ["photos/2024/", "photos/2025/"]
    assert "Contents" not in nested


def test_v2_pages_with_continuation_tokens(s3, filled):
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=filled, MaxKeys=2, Delimiter="/", **kwargs)
        pages += 1
        seen += [o["Key"] for o in page.get("Contents", [])]
        seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert sorted(seen) == ["a.txt", "dir/", "dir2/", "photos/", "z"]
    assert pages == 3


def test_paginator_and_start_after(s3, filled):
    paginator = s3.get_paginator("list_objects_v2")
    keys = [
        o["Key"]
        for page in paginator.paginate(Bucket=filled, PaginationConfig={"PageSize": 4})
        for o in page["Contents"]
    ]
    assert keys == sorted(KEYS)
    after = s3.list_objects_v2(Bucket=filled, StartAfter="dir2/x")
    assert [o["Key"] for o in after["Contents"]] == sorted(KEYS)[5:]


def test_v1_marker_and_next_marker(s3, filled):
    page = s3.list_objects(Bucket=filled, MaxKeys=3, Delimiter="/")
    assert page["IsTruncated"] is True
    assert page["NextMarker"] == "dir2/"
    rest = s3.list_objects(Bucket=filled, Marker=page["NextMarker"], Delimiter="/")
    assert [p["Prefix"] for p in rest["CommonPrefixes"]] == ["photos/"]
    assert [o["Key"] for o in rest["Contents"]] == ["z"]
    paginator = s3.get_paginator("list_objects")
    keys = [
        o["Key"]
        for page in paginator.paginate(Bucket=filled, PaginationConfig={"PageSize": 2})
        for o in page["Contents"]
    ]
    assert keys == sorted(KEYS)


def test_encoding_type_url_encodes_keys(s3, bucket):
    s3.put_object(Bucket=bucket, Key="sp ace/é+", Body=b"x")
    # Asked for explicitly, boto3 leaves the keys encoded; by default it asks and decodes.
    result = s3.list_objects_v2(Bucket=bucket, EncodingType="url")
    assert [unquote_plus(o["Key"]) for o in result["Contents"]] == ["sp ace/é+"]
    assert result["Contents"][0]["Key"] != "sp ace/é+"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == ["sp ace/é+"]


def test_max_keys_must_be_a_number(flexemu, s3, bucket):
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket, MaxKeys=-1)


@pytest.mark.parametrize("version", [1, 2])
def test_max_keys_zero_lists_nothing_and_is_not_truncated(s3, filled, version):
    listing = s3.list_objects_v2 if version == 2 else s3.list_objects
    result = listing(Bucket=filled, MaxKeys=0)
    assert "Contents" not in result
    assert result["IsTruncated"] is False
