"""Buckets through boto3: create, head, list, locate, delete; names and ownership."""

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of


def test_create_list_head_and_delete_a_bucket(s3):
    s3.create_bucket(Bucket="photos")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["photos"]
    head = s3.head_bucket(Bucket="photos")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-0"
    s3.delete_bucket(Bucket="photos")
    assert s3.list_buckets()["Buckets"] == []


def test_a_bucket_is_created_where_the_location_constraint_says(s3):
    s3.create_bucket(Bucket="logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket="logs")["LocationConstraint"] == "eu-west-1"


def test_unknown_location_is_refused(s3):
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="logs", CreateBucketConfiguration={"LocationConstraint": "mars-1"})
    assert code_of(error.value) == "InvalidLocationConstraint"


@pytest.mark.parametrize(
    "name", ["ab", "UPPER", "a" * 64, "192.168.1.1", "bad..dots", "-start", "under_score"]
)
def test_invalid_bucket_names_are_refused(s3, name):
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket=name)
    assert code_of(error.value) == "InvalidBucketName"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_bucket_names_are_unique_across_tenants(flexemu, s3):
    s3.create_bucket(Bucket="shared-name")
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="shared-name")
    assert code_of(error.value) == "BucketAlreadyOwnedByYou"
    flexemu.admin(
        "POST",
        "/accounts",
        json={
            "domain": "OCB0000002",
            "user": "bob",
            "password": "Passw0rd-bob",
            "access_key": "BOBACCESSKEY00000001",
            "secret_key": "bobsecret000000000000000000001",
        },
    ).raise_for_status()
    other = boto3.client(
        "s3",
        endpoint_url=flexemu.url,
        region_name="eu-west-0",
        aws_access_key_id="BOBACCESSKEY00000001",
        aws_secret_access_key="bobsecret000000000000000000001",
    )
    with pytest.raises(ClientError) as error:
        other.create_bucket(Bucket="shared-name")
    assert code_of(error.value) == "BucketAlreadyExists"
    assert other.list_buckets()["Buckets"] == []
    with pytest.raises(ClientError) as error:
        other.list_objects_v2(Bucket="shared-name")
    assert code_of(error.value) == "AccessDenied"


def test_deleting_a_non_empty_bucket_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    with pytest.raises(ClientError) as error:
        s3.delete_bucket(Bucket=bucket)
    assert code_of(error.value) == "BucketNotEmpty"


def test_missing_bucket_is_no_such_bucket(s3):
    with pytest.raises(ClientError) as error:
        s3.list_objects_v2(Bucket="nowhere")
    assert code_of(error.value) == "NoSuchBucket"
    assert error.value.response["Error"]["BucketName"] == "nowhere"


def test_buckets_per_account_are_limited_to_100(s3):
    for index in range(100):
        s3.create_bucket(Bucket=f"bucket-{index:03d}")
    with pytest.raises(ClientError) as error:
        s3.create_bucket(Bucket="one-too-many")
    assert code_of(error.value) == "TooManyBuckets"
    s3.delete_bucket(Bucket="bucket-000")
    s3.create_bucket(Bucket="one-more")


def test_bucket_logging_is_kept_and_read_back(s3, bucket):
    """aws s3api put-bucket-logging / get-bucket-logging, esdk setBucketLogging."""
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    s3.create_bucket(Bucket="logs")
    enabled = {"LoggingEnabled": {"TargetBucket": "logs", "TargetPrefix": "photos/"}}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus=enabled)
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled["LoggingEnabled"]
    with pytest.raises(ClientError) as error:
        s3.put_bucket_logging(
            Bucket=bucket,
            BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "nowhere", "TargetPrefix": ""}},
        )
    assert code_of(error.value) == "InvalidTargetBucketForLogging"
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_bucket_default_encryption_is_kept_in_each_dialect(s3, bucket, flexemu):
    """aws s3api put/get/delete-bucket-encryption; esdk getBucketEncryption reads `kms`."""
    from obs import ObsClient

    with pytest.raises(ClientError) as error:
        s3.get_bucket_encryption(Bucket=bucket)
    assert code_of(error.value) == "NoSuchEncryptionConfiguration"
    rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "0f1e2d3c-key"}
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]},
    )
    read = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert read["Rules"][0]["ApplyServerSideEncryptionByDefault"] == rule
    client = ObsClient(
        access_key_id=flexemu.access_key,
        secret_access_key=flexemu.secret_key,
        server=flexemu.url,
        signature="obs",
        path_style=True,
    )
    answer = client.getBucketEncryption(bucket).body
    assert (answer.encryption, answer.key) == ("kms", "0f1e2d3c-key")
    with pytest.raises(ClientError) as error:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "rot13"}}]
            },
        )
    assert code_of(error.value) == "MalformedXML"
    s3.delete_bucket_encryption(Bucket=bucket)
    with pytest.raises(ClientError) as error:
        s3.get_bucket_encryption(Bucket=bucket)
    assert code_of(error.value) == "NoSuchEncryptionConfiguration"
