"""Website configuration stored and returned; restores of COLD objects by tier and version, their
progress headers (x-amz-restore, x-obs-restore) and the expiry of the restored copy."""

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of, signed

WEBSITE = {
    "IndexDocument": {"Suffix": "index.html"},
    "ErrorDocument": {"Key": "error.html"},
    "RoutingRules": [
        {
            "Condition": {"KeyPrefixEquals": "docs/"},
            "Redirect": {"ReplaceKeyPrefixWith": "documents/"},
        }
    ],
}


def test_website_configuration_is_stored_and_returned(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_website(Bucket=bucket)
    assert code_of(error.value) == "NoSuchWebsiteConfiguration"
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=WEBSITE)
    stored = s3.get_bucket_website(Bucket=bucket)
    assert {name: stored[name] for name in WEBSITE} == WEBSITE
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_website(Bucket=bucket)


def test_a_website_without_an_index_document_is_invalid(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_website(
            Bucket=bucket, WebsiteConfiguration={"ErrorDocument": {"Key": "e.html"}}
        )
    assert code_of(error.value) == "InvalidArgument"


def test_restore_progress_and_expiry_on_the_virtual_clock(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"old", StorageClass="GLACIER")
    s3.restore_object(
        Bucket=bucket,
        Key="cold",
        RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Bulk"}},
    )
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    flexemu.advance("P1D")
    restored = s3.head_object(Bucket=bucket, Key="cold")["Restore"]
    assert restored.startswith('ongoing-request="false", expiry-date="')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"old"
    flexemu.advance("P2D")
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")
    with pytest.raises(ClientError) as error:
        s3.get_object(Bucket=bucket, Key="cold")
    assert code_of(error.value) == "InvalidObjectState"


def test_the_obs_dialect_shows_x_obs_restore(flexemu, s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"old", StorageClass="GLACIER")
    s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 1})
    url, headers = signed(flexemu, "HEAD", f"/{bucket}/cold", headers={"x-obs-meta-x": "1"})
    response = httpx.head(url, headers=headers)
    assert response.headers["x-obs-restore"] == 'ongoing-request="true"'


def test_an_unknown_tier_is_malformed(s3, bucket):
    s3.put_object(Bucket=bucket, Key="cold", Body=b"old", StorageClass="GLACIER")
    with pytest.raises(ClientError) as error:
        s3.restore_object(
            Bucket=bucket,
            Key="cold",
            RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Instant"}},
        )
    assert code_of(error.value) == "MalformedXML"


def test_an_old_version_is_restored_by_its_id(flexemu, s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket=bucket, Key="a", Body=b"old", StorageClass="GLACIER")["VersionId"]
    s3.put_object(Bucket=bucket, Key="a", Body=b"new")
    s3.restore_object(Bucket=bucket, Key="a", VersionId=old, RestoreRequest={"Days": 1})
    flexemu.advance("P1D")
    assert s3.get_object(Bucket=bucket, Key="a", VersionId=old)["Body"].read() == b"old"
