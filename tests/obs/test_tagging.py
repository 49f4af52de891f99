"""Tags of buckets and objects through boto3: documents, the x-amz-tagging header, S3's limits."""

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of


def tag_set(tags):
    return {"TagSet": [{"Key": key, "Value": value} for key, value in tags.items()]}


def test_bucket_tags_are_put_read_and_deleted(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code_of(error.value) == "NoSuchTagSet"
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set({"team": "web", "cost": "42"}))
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [
        {"Key": "team", "Value": "web"},
        {"Key": "cost", "Value": "42"},
    ]
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket=bucket)


def test_object_tags_from_the_header_and_the_document(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="colour=blue&size=big%20one")
    assert s3.get_object_tagging(Bucket=bucket, Key="a")["TagSet"] == [
        {"Key": "colour", "Value": "blue"},
        {"Key": "size", "Value": "big one"},
    ]
    assert (
        s3.head_object(Bucket=bucket, Key="a")["ResponseMetadata"]["HTTPHeaders"][
            "x-amz-tagging-count"
        ]
        == "2"
    )
    s3.put_object_tagging(Bucket=bucket, Key="a", Tagging=tag_set({"only": "this"}))
    assert s3.get_object_tagging(Bucket=bucket, Key="a")["TagSet"] == [
        {"Key": "only", "Value": "this"}
    ]
    s3.delete_object_tagging(Bucket=bucket, Key="a")
    assert s3.get_object_tagging(Bucket=bucket, Key="a")["TagSet"] == []


def test_tags_follow_a_copy_unless_replaced(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="k=v")
    s3.copy_object(Bucket=bucket, Key="b", CopySource={"Bucket": bucket, "Key": "a"})
    assert s3.get_object_tagging(Bucket=bucket, Key="b")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.copy_object(
        Bucket=bucket,
        Key="c",
        CopySource={"Bucket": bucket, "Key": "a"},
        TaggingDirective="REPLACE",
        Tagging="new=1",
    )
    assert s3.get_object_tagging(Bucket=bucket, Key="c")["TagSet"] == [{"Key": "new", "Value": "1"}]


def test_tags_of_each_version(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="a", Body=b"1", Tagging="v=1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="a", Body=b"2", Tagging="v=2")
    tags = s3.get_object_tagging(Bucket=bucket, Key="a", VersionId=first)
    assert (tags["VersionId"], tags["TagSet"]) == (first, [{"Key": "v", "Value": "1"}])


@pytest.mark.parametrize(
    "tags",
    [
        {f"k{index}": "v" for index in range(11)},
        {"k" * 129: "v"},
        {"k": "v" * 257},
        {"aws:reserved": "v"},
    ],
)
def test_object_tags_over_the_limits_are_refused_and_nothing_is_stored(s3, bucket, tags):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="kept=yes")
    with pytest.raises(ClientError) as error:
        s3.put_object_tagging(Bucket=bucket, Key="a", Tagging=tag_set(tags))
    assert code_of(error.value) == "InvalidTag"
    assert s3.get_object_tagging(Bucket=bucket, Key="a")["TagSet"] == [
        {"Key": "kept", "Value": "yes"}
    ]


def test_eleven_tags_in_the_header_are_refused(s3, bucket):
    header = "&".join(f"k{index}=v" for index in range(11))
    with pytest.raises(ClientError) as error:
        s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging=header)
    assert code_of(error.value) == "InvalidTag"
    assert "Contents" not in s3.list_objects_v2(Bucket=bucket)


def test_a_bucket_takes_50_tags_not_51(s3, bucket):
    s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set({f"k{i}": "v" for i in range(50)}))
    with pytest.raises(ClientError) as error:
        s3.put_bucket_tagging(Bucket=bucket, Tagging=tag_set({f"k{i}": "v" for i in range(51)}))
    assert code_of(error.value) == "InvalidTag"
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50


def test_duplicate_keys_are_invalid(s3, bucket):
    duplicated = {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_tagging(Bucket=bucket, Tagging=duplicated)
    assert code_of(error.value) == "InvalidTag"
