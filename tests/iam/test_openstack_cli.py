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


def test_role_list_add_and_assignment_list(cli, flexemu):
    assert {"te_admin", "readonly", "secu_admin", "server_adm"} <= {
        r["Name"] for r in cli("role", "list")
    }
    cli("group", "create", "--domain", flexemu.domain, "ops")
    cli("user", "create", "--domain", flexemu.domain, "--password", "Fred-pass1", "fred")
    cli("group", "add", "user", "ops", "fred", output=False)
    cli("role", "add", "--group", "ops", "--project", "eu-west-1", "server_adm", output=False)
    cli("role", "add", "--group", "ops", "--domain", flexemu.domain, "obs_adm", output=False)
    listed = cli("role", "assignment", "list", "--group", "ops", "--names")
    assert sorted((a["Role"], a["Project"], a["Domain"]) for a in listed) == [
        ("obs_adm", "", flexemu.domain),
        ("server_adm", f"eu-west-1@{flexemu.domain}", ""),
    ]
    effective = cli("role", "assignment", "list", "--user", "fred", "--effective", "--names")
    assert {(a["Role"], a["User"]) for a in effective} == {
        ("obs_adm", f"fred@{flexemu.domain}"),
        ("server_adm", f"fred@{flexemu.domain}"),
    }
    cli("role", "remove", "--group", "ops", "--project", "eu-west-1", "server_adm", output=False)
    assert [a["Role"] for a in cli("role", "assignment", "list", "--group", "ops")] == [
        cli("role", "show", "obs_adm")["id"]
    ]


def test_project_show_parents_and_children(cli, flexemu):
    region = flexemu.project_ids["eu-west-0"]
    dev = cli("project", "create", "--domain", flexemu.domain, "eu-west-0_dev")
    shown = cli("project", "show", "--parents", "--children", "eu-west-0_dev")
    assert (shown["parents"], shown["subtree"]) == ({region: None}, None)
    top = cli("project", "show", "--parents", "--children", "eu-west-0")
    assert (top["parents"], top["subtree"]) == (None, {dev["id"]: None})
