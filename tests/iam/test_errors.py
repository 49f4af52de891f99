"""Bad input to Keystone: the real status and the Keystone error body, never a 500 or a 422."""

import httpx
import pytest

REFUSED = {
    "error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    }
}


def tokens_url(flexemu):
    return f"{flexemu.url}/v3/auth/tokens"


def auth(user, scope=None):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": user}}}}
    if scope:
        body["auth"]["scope"] = scope
    return body


@pytest.mark.parametrize(
    "user",
    [
        {"name": "admin", "domain": {"name": "OCB0000001"}, "password": "wrong"},
        {"name": "nobody", "domain": {"name": "OCB0000001"}, "password": "flexemu-Passw0rd"},
        {"name": "admin", "domain": {"name": "OCB9999999"}, "password": "flexemu-Passw0rd"},
        {"id": "0" * 32, "password": "flexemu-Passw0rd"},
    ],
)
def test_wrong_credentials_are_401_with_keystone_body(flexemu, user):
    response = httpx.post(tokens_url(flexemu), json=auth(user))
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert response.headers["content-type"] == "application/json"
    assert response.headers["X-IAM-Trace-Id"]


@pytest.mark.parametrize(
    "scope",
    [
        {"project": {"name": "eu-west-9"}},
        {"project": {"id": "f" * 32}},
        {"domain": {"name": "OCB9999999"}},
    ],
)
def test_unknown_scope_is_401(flexemu, scope):
    user = {
        "name": flexemu.username,
        "domain": {"name": flexemu.domain},
        "password": flexemu.password,
    }
    response = httpx.post(tokens_url(flexemu), json=auth(user, scope))
    assert response.status_code == 401
    assert response.json() == REFUSED


def test_another_accounts_project_cannot_be_scoped(flexemu):
    other = flexemu.admin(
        "POST", "/accounts", json={"domain": "OCB0000002", "user": "bob", "password": "Bob-pass1"}
    ).json()
    foreign = other["projects"][0]["id"]
    user = {
        "name": flexemu.username,
        "domain": {"name": flexemu.domain},
        "password": flexemu.password,
    }
    response = httpx.post(tokens_url(flexemu), json=auth(user, {"project": {"id": foreign}}))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body,fragment",
    [
        (b"{not json", "Malformed request body"),
        (b'{"auth": {}}', "'identity' is a required property"),
        (b'{"auth": {"identity": {"methods": "password"}}}', "auth.identity.methods"),
        (b'{"auth": {"identity": {"methods": ["password"]}}}', "'password' is a required"),
        (
            b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": 5}}}}}',
            "auth.identity.password.user",
        ),
        (b"[]", "Invalid input"),
    ],
)
def test_malformed_bodies_are_400_not_422(flexemu, body, fragment):
    response = httpx.post(
        tokens_url(flexemu), content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 400 and error["title"] == "Bad Request"
    assert fragment in error["message"]


def test_unsupported_method_is_401(flexemu):
    body = {"auth": {"identity": {"methods": ["totp"], "totp": {}}}}
    response = httpx.post(tokens_url(flexemu), json=body)
    assert response.status_code == 401
    assert "unsupported method" in response.json()["error"]["message"]


def test_huge_body_is_413(flexemu):
    response = httpx.post(
        tokens_url(flexemu),
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == 413


def test_unknown_resource_and_method_in_keystone_words(flexemu):
    token = flexemu.openstack().session.get_token()
    missing = httpx.get(f"{flexemu.auth_url}/users/{'0' * 32}", headers={"X-Auth-Token": token})
    assert missing.status_code == 404
    assert missing.json()["error"]["title"] == "Not Found"
    unknown_path = httpx.get(f"{flexemu.auth_url}/no-such-thing", headers={"X-Auth-Token": token})
    assert unknown_path.status_code == 404
    assert unknown_path.json()["error"]["code"] == 404
    wrong_method = httpx.put(f"{flexemu.auth_url}/regions", headers={"X-Auth-Token": token})
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == 405


def test_missing_or_garbage_token_is_401(flexemu):
    assert httpx.get(f"{flexemu.auth_url}/projects").status_code == 401
    garbage = httpx.get(f"{flexemu.auth_url}/projects", headers={"X-Auth-Token": "MIIgarbage"})
    assert garbage.status_code == 401
    assert garbage.json() == REFUSED
