"""Nova's extension list names the extensions whose calls the emulator serves."""


def test_extensions_list_what_is_served(conn, cli):
    aliases = {extension.alias for extension in conn.compute.extensions()}
    assert {"os-consoles", "os-instance-actions", "os-keypairs", "OS-EXT-STS"} <= aliases
    assert "os-hosts" not in aliases  # an administrator's API tenants have no access to
    listed = cli("extension", "list", "--compute")
    assert "os-lock-server" in {row["Alias"] for row in listed}


def test_extension_shown_by_alias_or_404(nova):
    shown = nova.get("/extensions/os-consoles").json()["extension"]
    assert (shown["name"], shown["alias"]) == ("Consoles", "os-consoles")
    assert shown["updated"] == "2014-12-03T00:00:00Z"
    missing = nova.get("/extensions/os-nothing")
    assert missing.status_code == 404
    assert missing.json() == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }
