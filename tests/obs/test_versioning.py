"""Versioning through boto3: versions, delete markers, reads by version id, version listings."""

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of


@pytest.fixture
def versioned(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    return bucket


def test_versioning_status_is_empty_then_enabled_then_suspended(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"


def test_a_bad_status_is_malformed_and_changes_nothing(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "On"})
    assert code_of(error.value) == "MalformedXML"
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)


def test_every_put_creates_a_version_readable_by_its_id(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="a", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="a", Body=b"two")["VersionId"]
    assert first != second
    assert s3.get_object(Bucket=versioned, Key="a")["Body"].read() == b"two"
    old = s3.get_object(Bucket=versioned, Key="a", VersionId=first)
    assert old["Body"].read() == b"one"
    assert old["VersionId"] == first
    assert s3.head_object(Bucket=versioned, Key="a", VersionId=first)["ContentLength"] == 3


def test_delete_without_version_writes_a_marker_and_hides_the_key(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="a", Body=b"one")["VersionId"]
    deleted = s3.delete_object(Bucket=versioned, Key="a")
    assert deleted["DeleteMarker"] is True
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=versioned, Key="a")
    assert code_of(error.value) == "NoSuchKey"
    assert error.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    assert s3.list_objects_v2(Bucket=versioned).get("Contents") is None
    assert s3.get_object(Bucket=versioned, Key="a", VersionId=first)["Body"].read() == b"one"
    # Deleting the marker by its id brings the object back.
    s3.delete_object(Bucket=versioned, Key="a", VersionId=deleted["VersionId"])
    assert s3.get_object(Bucket=versioned, Key="a")["Body"].read() == b"one"


def test_delete_by_version_id_removes_that_version_only(s3, versioned):
    first = s3.put_object(Bucket=versioned, Key="a", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=versioned, Key="a", Body=b"two")["VersionId"]
    s3.delete_object(Bucket=versioned, Key="a", VersionId=second)
    assert s3.get_object(Bucket=versioned, Key="a")["VersionId"] == first
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=versioned, Key="a", VersionId=second)
    assert code_of(error.value) == "NoSuchVersion"


def test_list_object_versions_with_prefix_delimiter_and_markers(s3, versioned):
    made = {}
    for key in ("docs/a", "docs/b", "docs/b", "docs/sub/c", "other"):
        made.setdefault(key, []).append(
            s3.put_object(Bucket=versioned, Key=key, Body=b"x")["VersionId"]
        )
    s3.delete_object(Bucket=versioned, Key="docs/a")
    listed = s3.list_object_versions(Bucket=versioned, Prefix="docs/", Delimiter="/")
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        ("docs/a", made["docs/a"][0], False),
        ("docs/b", made["docs/b"][1], True),
        ("docs/b", made["docs/b"][0], False),
    ]
    assert [(m["Key"], m["IsLatest"]) for m in listed["DeleteMarkers"]] == [("docs/a", True)]
    assert [p["Prefix"] for p in listed["CommonPrefixes"]] == ["docs/sub/"]
    page = s3.list_object_versions(Bucket=versioned, Prefix="docs/b", MaxKeys=1)
    assert page["IsTruncated"] is True
    assert (page["NextKeyMarker"], page["NextVersionIdMarker"]) == ("docs/b", made["docs/b"][1])
    rest = s3.list_object_versions(
        Bucket=versioned,
        Prefix="docs/b",
        KeyMarker=page["NextKeyMarker"],
        VersionIdMarker=page["NextVersionIdMarker"],
    )
    assert [v["VersionId"] for v in rest["Versions"]] == [made["docs/b"][0]]
    after_key = s3.list_object_versions(Bucket=versioned, KeyMarker="docs/b")
    assert [v["Key"] for v in after_key["Versions"]] == ["docs/sub/c", "other"]


def test_a_suspended_bucket_writes_the_null_version(s3, versioned):
    kept = s3.put_object(Bucket=versioned, Key="a", Body=b"one")["VersionId"]
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket=versioned, Key="a", Body=b"two")
    s3.put_object(Bucket=versioned, Key="a", Body=b"three")
    versions = s3.list_object_versions(Bucket=versioned)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [("null", True), (kept, False)]
    assert s3.get_object(Bucket=versioned, Key="a", VersionId="null")["Body"].read() == b"three"


def test_a_bucket_with_versions_is_not_empty(s3, versioned):
    s3.put_object(Bucket=versioned, Key="a", Body=b"one")
    s3.delete_object(Bucket=versioned, Key="a")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=versioned)
    assert code_of(error.value) == "BucketNotEmpty"


def test_delete_objects_writes_markers_in_a_versioned_bucket(s3, versioned):
    version = s3.put_object(Bucket=versioned, Key="a", Body=b"one")["VersionId"]
    s3.put_object(Bucket=versioned, Key="b", Body=b"two")
    result = s3.delete_objects(
        Bucket=versioned,
        Delete={"Objects": [{"Key": "a", "VersionId": version}, {"Key": "b"}]},
    )
    by_key = {entry["Key"]: entry for entry in result["Deleted"]}
    assert by_key["a"]["VersionId"] == version
    assert by_key["b"]["DeleteMarker"] is True
    listed = s3.list_object_versions(Bucket=versioned)
    assert [v["Key"] for v in listed["Versions"]] == ["b"]
    assert [m["Key"] for m in listed["DeleteMarkers"]] == ["b"]


def test_copies_read_the_version_their_source_names(s3, versioned):
    old = s3.put_object(Bucket=versioned, Key="k", Body=b"old")["VersionId"]
    s3.put_object(Bucket=versioned, Key="k", Body=b"new")
    source = {"Bucket": versioned, "Key": "k", "VersionId": old}
    s3.copy_object(Bucket=versioned, Key="copy", CopySource=source)
    assert s3.get_object(Bucket=versioned, Key="copy")["Body"].read() == b"old"
    upload_id = s3.create_multipart_upload(Bucket=versioned, Key="parts")["UploadId"]
    part = s3.upload_part_copy(
        Bucket=versioned, Key="parts", UploadId=upload_id, PartNumber=1, CopySource=source
    )
    s3.complete_multipart_upload(
        Bucket=versioned,
        Key="parts",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["CopyPartResult"]["ETag"]}]},
    )
    assert s3.get_object(Bucket=versioned, Key="parts")["Body"].read() == b"old"


def test_completed_uploads_and_copies_answer_their_version_id(s3, versioned):
    upload_id = s3.create_multipart_upload(Bucket=versioned, Key="parts")["UploadId"]
    etag = s3.upload_part(
        Bucket=versioned, Key="parts", UploadId=upload_id, PartNumber=1, Body=b"x"
    )["ETag"]
    completed = s3.complete_multipart_upload(
        Bucket=versioned,
        Key="parts",
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
    )
    copied = s3.copy_object(
        Bucket=versioned, Key="copy", CopySource={"Bucket": versioned, "Key": "parts"}
    )
    versions = {
        v["Key"]: v["VersionId"] for v in s3.list_object_versions(Bucket=versioned)["Versions"]
    }
    assert completed["VersionId"] == versions["parts"]
    assert copied["VersionId"] == versions["copy"]
