"""Bucket policies through boto3: validated when put, enforced for other accounts and anonymous
callers, explicit Deny first."""

import json

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of


def put_policy(s3, bucket, *statements):
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    )


def test_policy_put_get_delete(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_policy(Bucket=bucket)
    assert code_of(error.value) == "NoSuchBucketPolicy"
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    put_policy(s3, bucket, statement)
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"] == [statement]
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket=bucket)


def test_a_public_read_policy_opens_reads_to_anonymous_callers_only(s3, bucket, anonymous):
    s3.put_object(Bucket=bucket, Key="docs/a", Body=b"a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/docs/*",
        },
    )
    assert anonymous.get_object(Bucket=bucket, Key="docs/a")["Body"].read() == b"a"
    with pytest.raises(ClientError) as error:
        anonymous.put_object(Bucket=bucket, Key="docs/b", Body=b"b")
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        anonymous.list_objects_v2(Bucket=bucket)
    assert code_of(error.value) == "AccessDenied"


def test_another_account_does_what_it_was_granted_and_nothing_else(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="in/a", Body=b"a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{bob.account}:root"},
            "Action": ["s3:Get*", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": [bob.account]},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/uploads/*",
        },
    )
    assert bob.get_object(Bucket=bucket, Key="in/a")["Body"].read() == b"a"
    assert [o["Key"] for o in bob.list_objects_v2(Bucket=bucket)["Contents"]] == ["in/a"]
    bob.put_object(Bucket=bucket, Key="uploads/b", Body=b"b")
    for call in (
        lambda: bob.put_object(Bucket=bucket, Key="in/c", Body=b"c"),
        lambda: bob.delete_object(Bucket=bucket, Key="in/a"),
        lambda: bob.delete_bucket_policy(Bucket=bucket),
    ):
        with pytest.raises(ClientError) as error:
            call()
        assert code_of(error.value) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="uploads/b")["Body"].read() == b"b"


def test_an_explicit_deny_wins_even_over_the_owner(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="locked/a", Body=b"a", ACL="public-read")
    put_policy(
        s3,
        bucket,
        {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": f"{bucket}/*"},
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:DeleteObject"],
            "Resource": f"arn:aws:s3:::{bucket}/locked/*",
        },
    )
    for client in (s3, bob):
        with pytest.raises(ClientError) as error:
            client.get_object(Bucket=bucket, Key="locked/a")
        assert code_of(error.value) == "AccessDenied"
    bob.put_object(Bucket=bucket, Key="open/b", Body=b"b")


def test_conditions_on_the_source_ip_and_secure_transport(s3, bucket, anonymous):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}},
        },
    )
    assert anonymous.get_object(Bucket=bucket, Key="a")["Body"].read() == b"a"
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": ["127.0.0.0/8", "::1/128"]}},
        },
    )
    with pytest.raises(ClientError):
        anonymous.get_object(Bucket=bucket, Key="a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="a")  # the emulator speaks plain HTTP here
    assert code_of(error.value) == "AccessDenied"


def test_string_equals_on_the_listing_prefix(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="home/bob/a", Body=b"a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.account},
            "Action": "s3:ListBucket",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": {"StringEquals": {"s3:prefix": "home/bob/"}},
        },
    )
    listed = bob.list_objects_v2(Bucket=bucket, Prefix="home/bob/")
    assert [o["Key"] for o in listed["Contents"]] == ["home/bob/a"]
    with pytest.raises(ClientError):
        bob.list_objects_v2(Bucket=bucket)


def test_conditions_on_the_copy_source_and_grant_headers(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="public/a", Body=b"a", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="private/a", Body=b"a", ACL="public-read")
    s3.create_bucket(Bucket="inbox")
    put_policy(
        s3,
        "inbox",
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.account},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::inbox/copies/*",
            "Condition": {"StringLike": {"s3:x-amz-copy-source": f"{bucket}/public/*"}},
        },
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.account},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::inbox/granted/*",
            "Condition": {"StringEquals": {"s3:x-amz-grant-full-control": "id=owner"}},
        },
    )
    bob.copy_object(Bucket="inbox", Key="copies/a", CopySource=f"{bucket}/public/a")
    with pytest.raises(ClientError) as error:
        bob.copy_object(Bucket="inbox", Key="copies/b", CopySource=f"{bucket}/private/a")
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        bob.put_object(Bucket="inbox", Key="granted/a", Body=b"a")
    assert code_of(error.value) == "AccessDenied"


def test_conditions_on_the_existing_object_tags(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="public", Body=b"p", Tagging="security=public")
    s3.put_object(Bucket=bucket, Key="private", Body=b"p", Tagging="security=private")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.account},
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
            "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}},
        },
    )
    assert bob.get_object(Bucket=bucket, Key="public")["Body"].read() == b"p"
    with pytest.raises(ClientError) as error:
        bob.get_object(Bucket=bucket, Key="private")
    assert code_of(error.value) == "AccessDenied"


@pytest.mark.parametrize(
    "document",
    [
        "not json",
        json.dumps({"Statement": []}),
        json.dumps({"Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "s3:*"}]}),
        json.dumps(
            {
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::photos"}
                ]
            }
        ),
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::another-bucket/*",
                    }
                ]
            }
        ),
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": "arn:aws:iam::nobody:root"},
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::photos/*",
                    }
                ]
            }
        ),
        json.dumps(
            {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "arn:aws:s3:::photos/*",
                        "Condition": {"NumericSometimes": {"s3:max-keys": "10"}},
                    }
                ]
            }
        ),
    ],
)
def test_malformed_policies_are_refused_and_nothing_is_stored(s3, bucket, document):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_policy(Bucket=bucket, Policy=document)
    assert code_of(error.value) == "MalformedPolicy"
    with pytest.raises(ClientError) as error:
        s3.get_bucket_policy(Bucket=bucket)
    assert code_of(error.value) == "NoSuchBucketPolicy"


def test_not_action_denies_everything_else(s3, bucket, bob):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    put_policy(
        s3,
        bucket,
        {
            "Effect": "Allow",
            "Principal": {"AWS": bob.account},
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        },
        {
            "Effect": "Deny",
            "Principal": {"AWS": bob.account},
            "NotAction": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        },
    )
    assert bob.get_object(Bucket=bucket, Key="a")["Body"].read() == b"a"
    with pytest.raises(ClientError) as error:
        bob.put_object(Bucket=bucket, Key="b", Body=b"b")
    assert code_of(error.value) == "AccessDenied"
