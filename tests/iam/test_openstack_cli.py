"""The real `openstack` command (python-openstackclient) against the emulator."""


def test_token_issue(cli, flexemu):
    token = cli("token", "issue")
    assert token["project_id"] == flexemu.project_ids["eu-west-0"]
    assert token["id"].startswith("MII")


def test_region_catalog_and_project_lists(cli, flexemu):
    assert {r["Region"] for r in cli("region", "list")} == {
        "eu-west-0",
        "eu-west-1",
        "eu-westvp-28",
    }
    assert "identity" in {entry["Type"] for entry in cli("catalog", "list")}
    assert sorted(p["Name"] for p in cli("project", "list")) == ["eu-west-0", "eu-west-1"]


def test_user_create_list_delete(cli, flexemu):
    created = cli("user", "create", "--domain", flexemu.domain, "--password", "Dave-pass1", "dave")
    assert created["name"] == "dave"
    assert "dave" in {u["Name"] for u in cli("user", "list")}
    cli("user", "delete", "dave", output=False)
    assert "dave" not in {u["Name"] for u in cli("user", "list")}


def test_service_and_endpoint_lists(cli):
    assert {"identity", "iam"} <= {s["Type"] for s in cli("service", "list")}
    endpoints = cli("endpoint", "list")
    identity = [e for e in endpoints if e["Service Type"] == "identity"]
    assert {e["Region"] for e in identity} == {"eu-west-0", "eu-west-1"}
