"""Nova's security group proxy (up to microversion 2.35) over the VPC's groups: openstacksdk
does not speak it, so raw Nova calls; the groups are Neutron's."""

import uuid


def test_group_create_show_update_delete_is_a_vpc_group(conn, nova):
    made = nova.post(
        "/os-security-groups", json={"security_group": {"name": " web ", "description": "d"}}
    )
    assert made.status_code == 200
    group = made.json()["security_group"]
    assert (group["name"], group["description"], group["rules"]) == (" web ", "d", [])
    assert conn.network.get_security_group(group["id"]).name == " web "
    shown = nova.get(f"/os-security-groups/{group['id']}").json()["security_group"]
    assert shown["id"] == group["id"]
    updated = nova.request(
        "PUT",
        f"/os-security-groups/{group['id']}",
        json={"security_group": {"name": "app", "description": "e"}},
    )
    assert updated.json()["security_group"]["name"] == "app"
    names = {g["name"] for g in nova.get("/os-security-groups").json()["security_groups"]}
    assert {"app", "default"} <= names
    assert nova.delete(f"/os-security-groups/{group['id']}").status_code == 202
    assert nova.get(f"/os-security-groups/{group['id']}").status_code == 404
    assert nova.get("/os-security-groups", version="2.36").status_code == 404


def test_bad_groups_and_the_default_group_are_400(nova):
    for bad in (
        {"name": "", "description": "d"},
        {"name": "n"},
        {"name": "x" * 256, "description": "d"},
    ):
        assert nova.post("/os-security-groups", json={"security_group": bad}).status_code == 400
    default = next(
        g
        for g in nova.get("/os-security-groups").json()["security_groups"]
        if g["name"] == "default"
    )
    assert nova.delete(f"/os-security-groups/{default['id']}").status_code == 400
    assert nova.delete(f"/os-security-groups/{uuid.uuid4()}").status_code == 404


def test_rules_are_ingress_rules_with_nova_checks(conn, nova):
    group = nova.post(
        "/os-security-groups", json={"security_group": {"name": "web", "description": "d"}}
    ).json()["security_group"]
    rule = {"parent_group_id": group["id"], "ip_protocol": "tcp", "from_port": 22, "to_port": 22}
    made = nova.post("/os-security-group-rules", json={"security_group_rule": rule})
    assert made.status_code == 200
    shown = made.json()["security_group_rule"]
    assert (shown["from_port"], shown["to_port"], shown["ip_range"]) == (
        22,
        22,
        {"cidr": "0.0.0.0/0"},
    )
    (neutron_rule,) = [
        r
        for r in conn.network.security_group_rules(security_group_id=group["id"])
        if r.direction == "ingress"
    ]
    assert (neutron_rule.port_range_min, neutron_rule.remote_ip_prefix) == (22, "0.0.0.0/0")
    duplicate = nova.post("/os-security-group-rules", json={"security_group_rule": rule})
    assert duplicate.status_code == 400
    for change in (
        {"ip_protocol": "gre"},
        {"from_port": 0},
        {"to_port": 70000},
        {"from_port": 30, "to_port": 20},
        {"parent_group_id": "not-a-uuid"},
        {"cidr": "10.0.0.0/33"},
    ):
        refused = nova.post(
            "/os-security-group-rules", json={"security_group_rule": {**rule, **change}}
        )
        assert refused.status_code == 400, change
    missing = {**rule, "parent_group_id": str(uuid.uuid4())}
    assert (
        nova.post("/os-security-group-rules", json={"security_group_rule": missing}).status_code
        == 404
    )
    listed = nova.get(f"/os-security-groups/{group['id']}").json()["security_group"]["rules"]
    assert [r["id"] for r in listed] == [shown["id"]]
    assert nova.delete(f"/os-security-group-rules/{shown['id']}").status_code == 202
    assert nova.delete(f"/os-security-group-rules/{shown['id']}").status_code == 404


def test_a_server_s_groups_show_their_rules(flexemu, boot, nova):
    server = boot()
    (group,) = nova.get(f"/servers/{server.id}/os-security-groups").json()["security_groups"]
    assert group["name"] == "default"
    assert all(rule["group"]["name"] == "default" for rule in group["rules"])
