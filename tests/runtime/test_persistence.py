"""Stopping and restarting keeps every account, token and key (DESIGN §4)."""

import httpx

from emulator.config import Settings
from emulator.pytest_plugin import FlexemuServer


def test_restart_keeps_accounts_tokens_keys_and_the_clock(tmp_path):
    settings = Settings(state_dir=tmp_path, database_url=None, host="127.0.0.1", port=0)
    first = FlexemuServer(settings).start()
    try:
        identity = first.openstack().identity
        domain = identity.find_domain(first.domain)
        identity.create_user(name="kept", password="Kept-pass1", domain_id=domain.id)
        token = first.openstack().session.get_token()
        first.advance("PT2H")
    finally:
        first.stop()

    second = FlexemuServer(
        Settings(state_dir=tmp_path, database_url=None, host="127.0.0.1", port=0)
    ).start()
    try:
        shown = httpx.get(
            f"{second.auth_url}/users", params={"name": "kept"}, headers={"X-Auth-Token": token}
        )
        assert shown.status_code == 200
        assert [u["name"] for u in shown.json()["users"]] == ["kept"]
        clock = second.admin("GET", "/clock").json()
        assert clock["offset_seconds"] >= 2 * 3600
        assert (tmp_path / "flexemu.db").exists()
    finally:
        second.stop()
