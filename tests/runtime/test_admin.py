"""The emulator's own API: health, readiness, reset, clock, accounts, quotas."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from emulator import quotas


def test_health_and_ready_need_no_token(flexemu):
    for path in ("/_emulator/health", "/_emulator/ready"):
        response = httpx.get(flexemu.url + path)
        assert response.status_code == 200
        assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/reset"),
        ("GET", "/clock"),
        ("GET", "/accounts"),
        ("GET", "/quotas/x"),
    ],
)
def test_admin_endpoints_need_the_admin_token(flexemu, method, path):
    response = httpx.request(method, f"{flexemu.url}/_emulator{path}")
    assert response.status_code == 401
    wrong = httpx.request(
        method, f"{flexemu.url}/_emulator{path}", headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401


def test_reset_forgets_what_was_created_and_keeps_bootstrap_ids(flexemu):
    identity = flexemu.openstack().identity
    before = dict(flexemu.project_ids)
    domain = identity.find_domain(flexemu.domain)
    identity.create_user(name="temp", password="Temp-pass1", domain_id=domain.id)
    flexemu.reset()
    identity = flexemu.openstack().identity
    assert identity.find_user("temp") is None
    assert flexemu.project_ids == before


def test_clock_moves_forward_only(flexemu):
    before = datetime.fromisoformat(flexemu.admin("GET", "/clock").json()["now"])
    moved = flexemu.advance("P30DT1H")
    now = datetime.fromisoformat(moved["now"])
    assert timedelta(days=30) < now - before < timedelta(days=30, hours=1, minutes=1)
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    backwards = flexemu.admin("POST", "/clock", json={"to": past})
    assert backwards.status_code == 400
    for bad in ({"advance": "soon"}, {"advance": "-PT1H"}, {}, {"advance": "PT1H", "to": past}):
        response = flexemu.admin("POST", "/clock", json=bad)
        assert response.status_code == 400, bad
        assert response.json()["error"]["message"]


def test_clock_can_jump_to_a_date(flexemu):
    target = (datetime.now(UTC) + timedelta(days=40)).replace(microsecond=0)
    response = flexemu.admin("POST", "/clock", json={"to": target.isoformat()})
    assert response.status_code == 200
    now = datetime.fromisoformat(response.json()["now"])
    assert abs(now - target) < timedelta(seconds=5)


def test_reset_rewinds_the_clock(flexemu):
    flexemu.advance("P2D")
    flexemu.reset()
    now = datetime.fromisoformat(flexemu.admin("GET", "/clock").json()["now"])
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)


def test_accounts_are_created_listed_and_deleted_with_their_data(flexemu):
    created = flexemu.admin(
        "POST",
        "/accounts",
        json={
            "domain": "OCB0000002",
            "user": "alice",
            "password": "Alice-pass1",
            "access_key": "ALICEACCESSKEY000001",
            "secret_key": "alice-secret-key-0000000000000001",
            "regions": ["eu-west-1"],
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["domain"]["name"] == "OCB0000002"
    assert [p["name"] for p in body["projects"]] == ["eu-west-1"]
    names = [a["domain"]["name"] for a in flexemu.admin("GET", "/accounts").json()["accounts"]]
    assert names == ["OCB0000001", "OCB0000002"]
    alice = flexemu.openstack(
        project="eu-west-1",
        username="alice",
        password="Alice-pass1",
        user_domain_name="OCB0000002",
        project_domain_name="OCB0000002",
    )
    token = alice.session.get_token()
    assert (
        flexemu.admin(
            "POST", "/accounts", json={"domain": "OCB0000002", "user": "x", "password": "y"}
        ).status_code
        == 409
    )
    assert flexemu.admin("DELETE", "/accounts/OCB0000002").status_code == 204
    assert flexemu.admin("GET", "/accounts/OCB0000002").status_code == 404
    refused = httpx.get(f"{flexemu.auth_url}/projects", headers={"X-Auth-Token": token})
    assert refused.status_code == 401


def test_accounts_validate_their_input(flexemu):
    assert flexemu.admin("POST", "/accounts", json={"domain": "OCB3"}).status_code == 400
    unknown_region = flexemu.admin(
        "POST",
        "/accounts",
        json={"domain": "OCB3", "user": "u", "password": "p", "regions": ["mars-north-1"]},
    )
    assert unknown_region.status_code == 400
    sap = flexemu.admin(
        "POST",
        "/accounts",
        json={"domain": "OCB3", "user": "u", "password": "p", "regions": ["eu-westvp-28"]},
    )
    assert sap.status_code == 400
    assert "SAP HANA" in sap.json()["error"]["message"]
    assert flexemu.admin("GET", "/accounts/OCB3").status_code == 404


def test_quotas_are_read_and_changed_at_once(flexemu):
    quotas.declare({"test_widgets": 5})
    pid = flexemu.project_ids["eu-west-0"]
    shown = flexemu.admin("GET", f"/quotas/{pid}").json()
    assert shown["quotas"]["test_widgets"] == {"limit": 5, "in_use": 0}
    changed = flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": {"test_widgets": 7}})
    assert changed.status_code == 200
    assert changed.json()["quotas"]["test_widgets"]["limit"] == 7
    assert flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": {"nope": 1}}).status_code == 400
    assert (
        flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": {"test_widgets": -2}}).status_code
        == 400
    )
    assert flexemu.admin("GET", f"/quotas/{'0' * 32}").status_code == 404


def test_reset_of_one_project_keeps_the_others(flexemu):
    quotas.declare({"test_widgets": 5})
    west0, west1 = flexemu.project_ids["eu-west-0"], flexemu.project_ids["eu-west-1"]
    for pid in (west0, west1):
        flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": {"test_widgets": 9}})
    assert flexemu.admin("POST", "/reset", params={"project_id": west0}).status_code == 200
    assert flexemu.admin("GET", f"/quotas/{west0}").json()["quotas"]["test_widgets"]["limit"] == 5
    assert flexemu.admin("GET", f"/quotas/{west1}").json()["quotas"]["test_widgets"]["limit"] == 9
    assert flexemu.admin("POST", "/reset", params={"project_id": "0" * 32}).status_code == 404


def test_sap_hana_region_is_open_to_enabled_accounts(flexemu, monkeypatch):
    monkeypatch.setattr(flexemu.settings, "sap_hana_domains", ["OCB0000009"])
    created = flexemu.admin(
        "POST",
        "/accounts",
        json={
            "domain": "OCB0000009",
            "user": "sap",
            "password": "Sap-pass1",
            "regions": ["eu-westvp-28"],
        },
    )
    assert created.status_code == 201
    assert [p["region"] for p in created.json()["projects"]] == ["eu-westvp-28"]
