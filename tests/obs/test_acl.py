"""ACLs through boto3: canned and explicit grants on buckets and objects, enforced for another
account and for anonymous callers."""

import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def grants_of(response):
    return sorted(
        (grant["Grantee"].get("ID") or grant["Grantee"]["URI"], grant["Permission"])
        for grant in response["Grants"]
    )


def test_a_new_bucket_is_private_to_its_owner(s3, bucket, owner_id, bob, anonymous):
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"] == owner_id
    assert grants_of(acl) == [(owner_id, "FULL_CONTROL")]
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    for client in (bob, anonymous):
        with pytest.raises(ClientError) as error:
            client.get_object(Bucket=bucket, Key="a")
        assert code_of(error.value) == "AccessDenied"
        with pytest.raises(ClientError) as error:
            client.put_object(Bucket=bucket, Key="b", Body=b"x")
        assert code_of(error.value) == "AccessDenied"


def test_a_public_read_object_is_readable_by_anyone_and_writable_by_nobody(
    s3, bucket, anonymous, bob
):
    s3.put_object(Bucket=bucket, Key="public", Body=b"hello", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="private", Body=b"secret")
    assert anonymous.get_object(Bucket=bucket, Key="public")["Body"].read() == b"hello"
    assert bob.get_object(Bucket=bucket, Key="public")["Body"].read() == b"hello"
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=bucket, Key="private")
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        anonymous.put_object(Bucket=bucket, Key="public", Body=b"defaced")
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        anonymous.list_objects_v2(Bucket=bucket)
    assert code_of(error.value) == "AccessDenied"
    assert s3.get_object(Bucket=bucket, Key="public")["Body"].read() == b"hello"


def test_canned_bucket_acls(s3, owner_id, anonymous, bob):
    s3.create_bucket(Bucket="open", ACL="public-read-write")
    assert grants_of(s3.get_bucket_acl(Bucket="open")) == sorted(
        [(ALL_USERS, "READ"), (ALL_USERS, "WRITE"), (owner_id, "FULL_CONTROL")]
    )
    anonymous.put_object(Bucket="open", Key="drop", Body=b"x")
    assert [o["Key"] for o in bob.list_objects_v2(Bucket="open")["Contents"]] == ["drop"]
    s3.put_bucket_acl(Bucket="open", ACL="authenticated-read")
    assert [o["Key"] for o in bob.list_objects_v2(Bucket="open")["Contents"]] == ["drop"]
    with pytest.raises(ClientError):
        anonymous.list_objects_v2(Bucket="open")


def test_explicit_grants_to_another_account(s3, bucket, owner_id, bob):
    s3.put_bucket_acl(
        Bucket=bucket,
        GrantRead=f'id="{bob.account}"',
        GrantFullControl=f'id="{owner_id}"',
    )
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == sorted(
        [(bob.account, "READ"), (owner_id, "FULL_CONTROL")]
    )
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    assert [o["Key"] for o in bob.list_objects_v2(Bucket=bucket)["Contents"]] == ["a"]
    with pytest.raises(ClientError) as error:
        bob.get_object(Bucket=bucket, Key="a")  # listing is not reading
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        bob.put_object(Bucket=bucket, Key="b", Body=b"x")
    assert code_of(error.value) == "AccessDenied"
    with pytest.raises(ClientError) as error:
        bob.get_bucket_acl(Bucket=bucket)
    assert code_of(error.value) == "AccessDenied"


def test_an_access_control_policy_document_on_an_object(s3, bucket, owner_id, bob):
    s3.put_object(Bucket=bucket, Key="a", Body=b"x")
    s3.put_object_acl(
        Bucket=bucket,
        Key="a",
        AccessControlPolicy={
            "Owner": {"ID": owner_id},
            "Grants": [
                {
                    "Grantee": {"Type": "CanonicalUser", "ID": owner_id},
                    "Permission": "FULL_CONTROL",
                },
                {"Grantee": {"Type": "CanonicalUser", "ID": bob.account}, "Permission": "READ"},
            ],
        },
    )
    assert grants_of(s3.get_object_acl(Bucket=bucket, Key="a")) == sorted(
        [(owner_id, "FULL_CONTROL"), (bob.account, "READ")]
    )
    assert bob.get_object(Bucket=bucket, Key="a")["Body"].read() == b"x"
    with pytest.raises(ClientError) as error:
        bob.get_object_acl(Bucket=bucket, Key="a")
    assert code_of(error.value) == "AccessDenied"


def test_another_account_writing_into_a_shared_bucket_owns_its_object(s3, bucket, owner_id, bob):
    s3.put_bucket_acl(Bucket=bucket, GrantWrite=f'id="{bob.account}"')
    bob.put_object(Bucket=bucket, Key="from-bob", Body=b"x", ACL="bucket-owner-read")
    acl = bob.get_object_acl(Bucket=bucket, Key="from-bob")
    assert acl["Owner"]["ID"] == bob.account
    assert grants_of(acl) == sorted([(bob.account, "FULL_CONTROL"), (owner_id, "READ")])
    assert s3.get_object(Bucket=bucket, Key="from-bob")["Body"].read() == b"x"


def test_grants_to_unknown_accounts_are_invalid_and_change_nothing(s3, bucket, owner_id):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='id="no-such-account"')
    assert code_of(error.value) == "InvalidArgument"
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == [(owner_id, "FULL_CONTROL")]


def test_grants_by_email_address_resolve_to_no_account(s3, bucket, owner_id):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='emailAddress="someone@example.com"')
    assert code_of(error.value) == "UnresolvableGrantByEmailAddress"
    by_email = {
        "Grantee": {"EmailAddress": "someone@example.com", "Type": "AmazonCustomerByEmail"},
        "Permission": "READ",
    }
    policy = {"Owner": {"ID": owner_id}, "Grants": [by_email]}
    with pytest.raises(ClientError) as error:
        s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=policy)
    assert code_of(error.value) == "UnresolvableGrantByEmailAddress"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == [(owner_id, "FULL_CONTROL")]


def test_a_malformed_acl_document_is_refused(flexemu, s3, bucket, owner_id):
    from tests.obs.helpers import signed

    body = b"<AccessControlPolicy><Owner><ID>x</ID></Owner></AccessControlPolicy>"
    import httpx

    url, headers = signed(flexemu, "PUT", f"/{bucket}?acl", body)
    response = httpx.put(url, content=body, headers=headers)
    assert response.status_code == 400
    assert b"<Code>MalformedACLError</Code>" in response.content
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == [(owner_id, "FULL_CONTROL")]


def test_anonymous_callers_cannot_create_a_bucket(s3, anonymous):
    with pytest.raises(ClientError) as error:
        anonymous.create_bucket(Bucket="x-y")
    assert code_of(error.value) == "AccessDenied"
    assert s3.list_buckets()["Buckets"] == []


def test_copying_from_another_account_needs_read_access_to_the_source(s3, bucket, bob):
    bob.create_bucket(Bucket="bobs")
    s3.put_object(Bucket=bucket, Key="shared", Body=b"shared", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="private", Body=b"private")
    bob.copy_object(Bucket="bobs", Key="copy", CopySource={"Bucket": bucket, "Key": "shared"})
    assert bob.get_object(Bucket="bobs", Key="copy")["Body"].read() == b"shared"
    with pytest.raises(ClientError) as error:
        bob.copy_object(
            Bucket="bobs", Key="stolen", CopySource={"Bucket": bucket, "Key": "private"}
        )
    assert code_of(error.value) == "AccessDenied"
    assert "Contents" not in bob.list_objects_v2(Bucket="bobs", Prefix="stolen")


def test_anonymous_callers_learn_that_a_bucket_does_not_exist(anonymous):
    for call in (anonymous.get_object, anonymous.delete_object):
        with pytest.raises(ClientError) as error:
            call(Bucket="nowhere", Key="k")
        assert code_of(error.value) == "NoSuchBucket"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as error:
        anonymous.list_objects_v2(Bucket="nowhere")
    assert code_of(error.value) == "NoSuchBucket"


def test_a_copy_takes_the_acl_its_request_asks_for_not_the_source_acl(s3, bucket, anonymous):
    s3.put_object(Bucket=bucket, Key="source", Body=b"shared", ACL="public-read")
    s3.copy_object(
        Bucket=bucket,
        Key="public",
        CopySource={"Bucket": bucket, "Key": "source"},
        ACL="public-read",
        Metadata={"a": "b"},
        MetadataDirective="REPLACE",
    )
    s3.copy_object(Bucket=bucket, Key="private", CopySource={"Bucket": bucket, "Key": "source"})
    assert anonymous.get_object(Bucket=bucket, Key="public")["Body"].read() == b"shared"
    with pytest.raises(ClientError) as error:
        anonymous.get_object(Bucket=bucket, Key="private")
    assert code_of(error.value) == "AccessDenied"
