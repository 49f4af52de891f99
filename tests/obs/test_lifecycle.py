"""Lifecycle rules through boto3, applied on the virtual clock: expiration, transitions (and the
meters' classes), noncurrent versions, incomplete uploads; conflicting rules refused."""

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import select

from apis.obs.usage import STORED
from state.models import UsageInterval
from tests.obs.helpers import code_of


def rule(rule_id, prefix="", **actions):
    return {"ID": rule_id, "Filter": {"Prefix": prefix}, "Status": "Enabled", **actions}


def configure(s3, bucket, *rules):
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}
    )


def keys(s3, bucket):
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_rules_are_put_read_and_deleted(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert code_of(error.value) == "NoSuchLifecycleConfiguration"
    configure(
        s3,
        bucket,
        rule(
            "archive",
            "logs/",
            Transitions=[
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 60, "StorageClass": "GLACIER"},
            ],
            Expiration={"Days": 365},
            NoncurrentVersionExpiration={"NoncurrentDays": 7},
            AbortIncompleteMultipartUpload={"DaysAfterInitiation": 3},
        ),
    )
    (stored,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert stored["ID"] == "archive"
    assert stored["Filter"] == {"Prefix": "logs/"}
    assert stored["Expiration"] == {"Days": 365}
    assert stored["Transitions"] == [
        {"Days": 30, "StorageClass": "STANDARD_IA"},
        {"Days": 60, "StorageClass": "GLACIER"},
    ]
    assert stored["NoncurrentVersionExpiration"] == {"NoncurrentDays": 7}
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


def test_rules_read_back_as_given_and_unnamed_ones_get_an_id(s3, bucket):
    legacy = {"Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 3}}
    configure(s3, bucket, legacy, rule("new", "new/", Expiration={"Days": 4}))
    given, filtered = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert given["Prefix"] == "old/" and "Filter" not in given
    assert given["ID"]
    assert filtered["Filter"] == {"Prefix": "new/"} and "Prefix" not in filtered
    with pytest.raises(ClientError) as error:
        configure(s3, bucket, rule("x" * 256, Expiration={"Days": 1}))
    assert code_of(error.value) == "InvalidArgument"


def test_expired_object_delete_markers_are_removed(flexemu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="gone", Body=b"1")
    s3.delete_object(Bucket=bucket, Key="gone")
    configure(
        s3,
        bucket,
        rule(
            "markers",
            Expiration={"ExpiredObjectDeleteMarker": True},
            NoncurrentVersionExpiration={"NoncurrentDays": 1},
        ),
    )
    (stored,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert stored["Expiration"] == {"ExpiredObjectDeleteMarker": True}
    flexemu.advance("P1D")
    assert "DeleteMarkers" in s3.list_object_versions(Bucket=bucket)
    flexemu.advance("P2D")
    versions = s3.list_object_versions(Bucket=bucket)
    assert "Versions" not in versions and "DeleteMarkers" not in versions


def test_objects_expire_on_the_virtual_clock(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"x")
    s3.put_object(Bucket=bucket, Key="keep/b", Body=b"x")
    configure(s3, bucket, rule("tmp", "tmp/", Expiration={"Days": 30}))
    flexemu.advance("P29D")
    assert keys(s3, bucket) == ["keep/b", "tmp/a"]
    flexemu.advance("P2D")
    assert keys(s3, bucket) == ["keep/b"]


def test_tag_filters_select_objects(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x", Tagging="temp=yes")
    s3.put_object(Bucket=bucket, Key="b", Body=b"x", Tagging="temp=no")
    configure(
        s3,
        bucket,
        {
            "ID": "temp",
            "Filter": {"Tag": {"Key": "temp", "Value": "yes"}},
            "Status": "Enabled",
            "Expiration": {"Days": 1},
        },
    )
    (stored,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert stored["Filter"] == {"Tag": {"Key": "temp", "Value": "yes"}}
    flexemu.advance("P2D")
    assert keys(s3, bucket) == ["b"]
    both = {"And": {"Prefix": "logs/", "Tags": [{"Key": "temp", "Value": "yes"}]}}
    configure(
        s3, bucket, {"ID": "both", "Filter": both, "Status": "Enabled", "Expiration": {"Days": 1}}
    )
    (stored,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert stored["Filter"] == both


def test_transitions_change_the_class_and_the_meters(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x" * 100)
    configure(
        s3,
        bucket,
        rule(
            "archive",
            "logs/",
            Transitions=[
                {"Days": 30, "StorageClass": "STANDARD_IA"},
                {"Days": 60, "StorageClass": "GLACIER"},
            ],
        ),
    )
    flexemu.advance("P31D")
    assert s3.head_object(Bucket=bucket, Key="logs/a")["StorageClass"] == "STANDARD_IA"
    flexemu.advance("P30D")
    assert s3.head_object(Bucket=bucket, Key="logs/a")["StorageClass"] == "GLACIER"
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="logs/a")
    assert code_of(error.value) == "InvalidObjectState"
    with flexemu.emulator.db.transaction() as tx:
        open_meters = {
            i.unit_class: int(i.quantity)
            for i in tx.scalars(
                select(UsageInterval).where(
                    UsageInterval.meter == STORED, UsageInterval.ended_at.is_(None)
                )
            )
        }
    assert open_meters == {"STANDARD": 0, "WARM": 0, "COLD": 100}


def test_noncurrent_versions_expire(flexemu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=bucket, Key="a", Body=b"1")["VersionId"]
    new = s3.put_object(Bucket=bucket, Key="a", Body=b"2")["VersionId"]
    configure(s3, bucket, rule("old", NoncurrentVersionExpiration={"NoncurrentDays": 5}))
    flexemu.advance("P6D")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [v["VersionId"] for v in versions] == [new]
    assert old != new


def test_incomplete_uploads_are_aborted(flexemu, s3, bucket):
    s3.create_multipart_upload(Bucket=bucket, Key="big")
    configure(
        s3, bucket, rule("uploads", AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2})
    )
    flexemu.advance("P3D")
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


@pytest.mark.parametrize(
    "rules",
    [
        [rule("same", "a/", Expiration={"Days": 1}), rule("same", "b/", Expiration={"Days": 1})],
        [rule("one", "a/", Expiration={"Days": 1}), rule("two", "a/", Expiration={"Days": 2})],
        [
            rule(
                "late",
                Expiration={"Days": 10},
                Transitions=[{"Days": 30, "StorageClass": "GLACIER"}],
            )
        ],
        [
            rule(
                "backwards",
                Transitions=[
                    {"Days": 30, "StorageClass": "GLACIER"},
                    {"Days": 60, "StorageClass": "STANDARD_IA"},
                ],
            )
        ],
    ],
)
def test_conflicting_rules_are_invalid_and_nothing_is_stored(s3, bucket, rules):
    with pytest.raises(ClientError) as error:
        configure(s3, bucket, *rules)
    assert code_of(error.value) == "InvalidArgument"
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
