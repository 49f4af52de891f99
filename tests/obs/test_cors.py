"""CORS through boto3 (configuration) and httpx (preflight and headers, as a browser sends)."""

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.obs.helpers import code_of, error_of

RULES = {
    "CORSRules": [
        {
            "ID": "app",
            "AllowedOrigins": ["https://app.example.com"],
            "AllowedMethods": ["GET", "PUT"],
            "AllowedHeaders": ["Content-*", "x-amz-meta-*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 600,
        },
        {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
    ]
}


@pytest.fixture
def cors_bucket(s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
    return bucket


def test_cors_put_get_delete(s3, bucket):
    with pytest.raises(ClientError) as error:
        s3.get_bucket_cors(Bucket=bucket)
    assert code_of(error.value) == "NoSuchCORSConfiguration"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=RULES)
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES["CORSRules"]
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)


def test_a_preflight_is_answered_from_the_first_matching_rule(flexemu, cors_bucket):
    response = httpx.options(
        f"{flexemu.url}/{cors_bucket}/photo.jpg",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Author",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example.com"
    assert response.headers["access-control-allow-methods"] == "GET, PUT"
    assert response.headers["access-control-allow-headers"] == "content-type, x-amz-meta-author"
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["access-control-expose-headers"] == "ETag"
    anywhere = httpx.options(
        f"{flexemu.url}/{cors_bucket}/photo.jpg",
        headers={"Origin": "https://elsewhere.org", "Access-Control-Request-Method": "GET"},
    )
    assert anywhere.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.org", "Access-Control-Request-Method": "PUT"},
        {
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Authorization",
        },
    ],
)
def test_a_preflight_no_rule_allows_is_forbidden(flexemu, cors_bucket, headers):
    response = httpx.options(f"{flexemu.url}/{cors_bucket}/photo.jpg", headers=headers)
    assert response.status_code == 403
    assert error_of(response)["Code"] == "AccessForbidden"
    assert "access-control-allow-origin" not in response.headers


def test_a_preflight_to_a_bucket_without_cors_is_forbidden(flexemu, bucket):
    response = httpx.options(
        f"{flexemu.url}/{bucket}/a",
        headers={"Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 403


def test_matching_requests_carry_cors_headers(flexemu, s3, cors_bucket):
    s3.put_object(Bucket=cors_bucket, Key="a", Body=b"x", ACL="public-read")
    allowed = httpx.get(
        f"{flexemu.url}/{cors_bucket}/a", headers={"Origin": "https://app.example.com"}
    )
    assert allowed.content == b"x"
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-expose-headers"] == "ETag"
    plain = httpx.get(f"{flexemu.url}/{cors_bucket}/a")
    assert "access-control-allow-origin" not in plain.headers


def test_error_responses_carry_cors_headers_too(flexemu, s3, cors_bucket):
    s3.put_bucket_acl(Bucket=cors_bucket, ACL="public-read")
    missing = httpx.get(
        f"{flexemu.url}/{cors_bucket}/missing", headers={"Origin": "https://app.example.com"}
    )
    assert missing.status_code == 404
    assert error_of(missing)["Code"] == "NoSuchKey"
    assert missing.headers["access-control-allow-origin"] == "https://app.example.com"


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ({"CORSRules": []}, "MalformedXML"),
        ({"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}, "InvalidRequest"),
    ],
)
def test_bad_cors_configurations_are_refused(s3, bucket, rules, code):
    with pytest.raises(ClientError) as error:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=rules)
    assert code_of(error.value) == code
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=bucket)
