"""AK/SK through huaweicloudsdkiam: projects, access keys, temporary credentials, signatures."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkiam.v3 import (
    CreateCredentialOption,
    CreatePermanentAccessKeyRequest,
    CreatePermanentAccessKeyRequestBody,
    CreateTemporaryAccessKeyByTokenRequest,
    CreateTemporaryAccessKeyByTokenRequestBody,
    DeletePermanentAccessKeyRequest,
    IamClient,
    IdentityToken,
    KeystoneListAuthDomainsRequest,
    KeystoneListProjectsRequest,
    KeystoneListUsersRequest,
    ListPermanentAccessKeysRequest,
    ShowPermanentAccessKeyRequest,
    TokenAuth,
    TokenAuthIdentity,
    UpdateCredentialOption,
    UpdatePermanentAccessKeyRequest,
    UpdatePermanentAccessKeyRequestBody,
)

from tests.signing import sdk_signed_headers, signed


@pytest.fixture
def iam(flexemu):
    return flexemu.huawei_client(IamClient)


def admin_id(iam):
    return iam.keystone_list_users(KeystoneListUsersRequest(name="admin")).users[0].id


def test_list_projects_by_region_name(flexemu, iam):
    projects = iam.keystone_list_projects(KeystoneListProjectsRequest(name="eu-west-1")).projects
    assert [(p.id, p.name) for p in projects] == [(flexemu.project_ids["eu-west-1"], "eu-west-1")]
    domains = iam.keystone_list_auth_domains(KeystoneListAuthDomainsRequest()).domains
    assert [d.name for d in domains] == [flexemu.domain]


def test_sdk_finds_its_project_id_from_the_region(flexemu, iam):
    credentials = BasicCredentials(flexemu.access_key, flexemu.secret_key).with_iam_endpoint(
        flexemu.url
    )
    credentials.process_auth_params(iam.get_http_client(), "eu-west-1")
    assert credentials.project_id == flexemu.project_ids["eu-west-1"]


def test_permanent_access_keys_lifecycle(flexemu, iam):
    user_id = admin_id(iam)
    created = iam.create_permanent_access_key(
        CreatePermanentAccessKeyRequest(
            body=CreatePermanentAccessKeyRequestBody(
                credential=CreateCredentialOption(user_id=user_id, description="ci")
            )
        )
    ).credential
    assert created.status == "active" and len(created.secret) == 40
    listed = iam.list_permanent_access_keys(ListPermanentAccessKeysRequest(user_id=user_id))
    assert {c.access for c in listed.credentials} == {flexemu.access_key, created.access}
    assert all(not hasattr(c, "secret") or c.secret is None for c in listed.credentials)
    new_client = flexemu.huawei_client(
        IamClient,
        credentials=GlobalCredentials(created.access, created.secret).with_iam_endpoint(
            flexemu.url
        ),
    )
    assert new_client.keystone_list_projects(KeystoneListProjectsRequest()).projects

    iam.update_permanent_access_key(
        UpdatePermanentAccessKeyRequest(
            access_key=created.access,
            body=UpdatePermanentAccessKeyRequestBody(
                credential=UpdateCredentialOption(status="inactive")
            ),
        )
    )
    shown = iam.show_permanent_access_key(
        ShowPermanentAccessKeyRequest(access_key=created.access)
    ).credential
    assert shown.status == "inactive"
    with pytest.raises(ClientRequestException) as refused:
        new_client.keystone_list_projects(KeystoneListProjectsRequest())
    assert refused.value.status_code == 401
    assert refused.value.error_code == "APIGW.0301"

    iam.delete_permanent_access_key(DeletePermanentAccessKeyRequest(access_key=created.access))
    with pytest.raises(ClientRequestException) as gone:
        iam.show_permanent_access_key(ShowPermanentAccessKeyRequest(access_key=created.access))
    assert gone.value.status_code == 404


def test_a_user_has_at_most_two_access_keys(iam):
    user_id = admin_id(iam)
    body = CreatePermanentAccessKeyRequestBody(credential=CreateCredentialOption(user_id=user_id))
    iam.create_permanent_access_key(CreatePermanentAccessKeyRequest(body=body))
    with pytest.raises(ClientRequestException) as refused:
        iam.create_permanent_access_key(CreatePermanentAccessKeyRequest(body=body))
    assert refused.value.status_code == 400


def _temporary(iam, flexemu, duration=900):
    token = flexemu.openstack().session.get_token()
    return iam.create_temporary_access_key_by_token(
        CreateTemporaryAccessKeyByTokenRequest(
            body=CreateTemporaryAccessKeyByTokenRequestBody(
                auth=TokenAuth(
                    identity=TokenAuthIdentity(
                        methods=["token"], token=IdentityToken(id=token, duration_seconds=duration)
                    )
                )
            )
        )
    ).credential


def test_temporary_credentials_work_until_they_expire(flexemu, iam):
    temporary = _temporary(iam, flexemu)
    assert temporary.securitytoken and temporary.expires_at.endswith("Z")
    client = flexemu.huawei_client(
        IamClient,
        credentials=GlobalCredentials(temporary.access, temporary.secret)
        .with_security_token(temporary.securitytoken)
        .with_iam_endpoint(flexemu.url),
    )
    assert client.keystone_list_projects(KeystoneListProjectsRequest()).projects
    flexemu.advance("PT16M")
    with pytest.raises(ClientRequestException) as expired:
        client.keystone_list_projects(KeystoneListProjectsRequest())
    assert expired.value.status_code == 401


def test_temporary_credentials_need_their_security_token(flexemu, iam):
    temporary = _temporary(iam, flexemu)
    url = f"{flexemu.url}/v3/projects"
    without = signed("GET", url, temporary.access, temporary.secret)
    assert without.status_code == 401
    assert without.json()["error_code"] == "APIGW.0301"
    with_token = signed(
        "GET",
        url,
        temporary.access,
        temporary.secret,
        headers={"X-Security-Token": temporary.securitytoken},
    )
    assert with_token.status_code == 200


@pytest.mark.parametrize("duration", [899, 86401])
def test_temporary_credential_duration_is_bounded(flexemu, iam, duration):
    with pytest.raises(ClientRequestException) as refused:
        _temporary(iam, flexemu, duration)
    assert refused.value.status_code == 400


def test_signature_over_the_query_string_is_checked(flexemu):
    url = f"{flexemu.url}/v3/projects?name=eu-west-0"
    good = signed("GET", url, flexemu.access_key, flexemu.secret_key)
    assert good.status_code == 200 and len(good.json()["projects"]) == 1
    headers = sdk_signed_headers("GET", url, flexemu.access_key, flexemu.secret_key)
    tampered = httpx.get(f"{flexemu.url}/v3/projects?name=eu-west-1", headers=headers)
    assert tampered.status_code == 401
    body = tampered.json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information")
    assert body["request_id"] == tampered.headers["X-Request-Id"]


def test_signed_body_is_checked(flexemu):
    url = f"{flexemu.url}/v3/groups"
    body = b'{"group": {"name": "ops"}}'
    headers = sdk_signed_headers(
        "POST",
        url,
        flexemu.access_key,
        flexemu.secret_key,
        {"Content-Type": "application/json"},
        body,
    )
    tampered = httpx.post(url, headers=headers, content=b'{"group": {"name": "dba"}}')
    assert tampered.status_code == 401
    accepted = httpx.post(url, headers=headers, content=body)
    assert accepted.status_code == 201 and accepted.json()["group"]["name"] == "ops"


def test_wrong_secret_and_unknown_access_key_are_refused(flexemu):
    url = f"{flexemu.url}/v3/projects"
    wrong = signed("GET", url, flexemu.access_key, "x" * 40)
    assert wrong.status_code == 401
    assert "verify aksk signature fail" in wrong.json()["error_msg"]
    unknown = signed("GET", url, "NOSUCHKEY00000000000", flexemu.secret_key)
    assert unknown.status_code == 401
    assert "ak not exist" in unknown.json()["error_msg"]


def test_skewed_date_is_refused(flexemu):
    url = f"{flexemu.url}/v3/projects"
    stale = (datetime.now(UTC) - timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    response = signed(
        "GET", url, flexemu.access_key, flexemu.secret_key, headers={"X-Sdk-Date": stale}
    )
    assert response.status_code == 401
    fresh = (datetime.now(UTC) - timedelta(minutes=14)).strftime("%Y%m%dT%H%M%SZ")
    assert (
        signed(
            "GET", url, flexemu.access_key, flexemu.secret_key, headers={"X-Sdk-Date": fresh}
        ).status_code
        == 200
    )


def test_headers_added_after_signing_are_not_checked_as_golangsdk_sends_them(flexemu):
    url = f"{flexemu.url}/v3/projects"
    headers = sdk_signed_headers("GET", url, flexemu.access_key, flexemu.secret_key)
    headers["X-Project-Id"] = flexemu.project_ids["eu-west-0"]
    headers["X-Domain-Id"] = "anything"
    assert httpx.get(url, headers=headers).status_code == 200


def test_a_signed_header_that_was_changed_is_refused(flexemu):
    url = f"{flexemu.url}/v3/projects"
    headers = sdk_signed_headers(
        "GET",
        url,
        flexemu.access_key,
        flexemu.secret_key,
        {"X-Project-Id": flexemu.project_ids["eu-west-0"]},
    )
    headers["X-Project-Id"] = flexemu.project_ids["eu-west-1"]
    assert httpx.get(url, headers=headers).status_code == 401


def test_malformed_authorization_is_refused(flexemu):
    response = httpx.get(
        f"{flexemu.url}/v3/projects",
        headers={"Authorization": "SDK-HMAC-SHA256 Access=x", "X-Sdk-Date": "20260101T000000Z"},
    )
    assert response.status_code == 401
    assert response.json()["error_code"] == "APIGW.0301"
