"""Neutron's standard-attr-tag extension through openstacksdk, the `openstack` CLI and raw
calls, and its one tag store with the native VPC API."""

import openstack.exceptions
import pytest
from huaweicloudsdkvpc.v2 import (
    CreateVpcResourceTagRequest,
    CreateVpcResourceTagRequestBody,
    ResourceTag,
    ShowVpcTagsRequest,
)


def test_extension_is_advertised(conn):
    assert conn.network.find_extension("standard-attr-tag") is not None


def test_set_add_check_remove_through_openstacksdk(conn):
    network = conn.network.create_network(name="tagged")
    conn.network.set_tags(network, ["red", "blue"])
    assert sorted(conn.network.get_network(network.id).tags) == ["blue", "red"]
    network.add_tag(conn.network, "green")
    assert network.check_tag(conn.network, "green") is not None
    network.remove_tag(conn.network, "red")
    assert sorted(conn.network.get_network(network.id).tags) == ["blue", "green"]
    with pytest.raises(openstack.exceptions.NotFoundException):
        network.check_tag(conn.network, "red")
    network.remove_all_tags(conn.network)
    assert conn.network.get_network(network.id).tags == []


@pytest.mark.parametrize(
    "collection", ["networks", "subnets", "ports", "routers", "security-groups", "floatingips"]
)
def test_every_collection_answers_the_tag_api(conn, api, collection):
    network = conn.network.create_network(name="n")
    subnet = conn.network.create_subnet(network_id=network.id, cidr="192.168.7.0/24", ip_version=4)
    made = {
        "networks": network,
        "subnets": subnet,
        "ports": lambda: conn.network.create_port(network_id=network.id),
        "routers": lambda: conn.network.create_router(name="r"),
        "security-groups": lambda: conn.network.create_security_group(name="sg"),
        "floatingips": lambda: conn.network.create_ip(
            floating_network_id="0a2228f2-7f8a-45f1-8e09-9039e1d09975"
        ),
    }[collection]
    resource_id = (made() if callable(made) else made).id
    path = f"/v2.0/{collection}/{resource_id}/tags"
    replaced = api("PUT", path, json={"tags": ["b", "a"]})
    assert replaced.status_code == 200
    assert sorted(replaced.json()["tags"]) == ["a", "b"]
    added = api("PUT", f"{path}/c")
    assert (added.status_code, added.content) == (201, b"")
    assert api("GET", f"{path}/c").status_code == 204
    missing = api("GET", f"{path}/z")
    assert missing.status_code == 404
    assert missing.json()["NeutronError"]["type"] == "TagNotFound"
    assert api("DELETE", f"{path}/z").status_code == 404
    assert api("DELETE", f"{path}/a").status_code == 204
    assert sorted(api("GET", path).json()["tags"]) == ["b", "c"]
    singular = collection.replace("-", "_")[:-1]
    body = api("GET", f"/v2.0/{collection}/{resource_id}").json()[singular]
    assert sorted(body["tags"]) == ["b", "c"]
    assert api("DELETE", path).status_code == 204
    assert api("GET", path).json() == {"tags": []}


def test_tags_of_an_unknown_resource_are_its_404(api):
    response = api("PUT", "/v2.0/networks/00000000-0000-0000-0000-000000000000/tags/x")
    assert response.status_code == 404
    assert response.json()["NeutronError"]["type"] == "NetworkNotFound"


def test_bad_tag_bodies_are_400(conn, api):
    network = conn.network.create_network(name="n")
    path = f"/v2.0/networks/{network.id}/tags"
    for body in ({"tags": ["a", "a"]}, {"tags": ["x" * 256]}, {"tag": ["a"]}, {"tags": "a"}):
        response = api("PUT", path, json=body)
        assert response.status_code == 400, body
        assert "NeutronError" in response.json()
    too_many = api("PUT", path, json={"tags": [f"t{n}" for n in range(51)]})
    assert too_many.status_code == 400
    assert api("PUT", path, json={"tags": [f"t{n}" for n in range(50)]}).status_code == 200


def test_list_filters_follow_the_neutron_semantics(conn, api):
    made = {}
    for name, tags in (("rb", ["red", "blue"]), ("r", ["red"]), ("g", ["green"]), ("none", [])):
        network = conn.network.create_network(name=name)
        conn.network.set_tags(network, tags)
        made[name] = network.id

    def names(query: str) -> set[str]:
        listed = api("GET", f"/v2.0/networks?{query}").json()["networks"]
        return {n["name"] for n in listed} - {"admin_external_net"}

    assert names("tags=red,blue") == {"rb"}
    assert names("tags=red") == {"rb", "r"}
    assert names("tags-any=blue,green") == {"rb", "g"}
    assert names("not-tags=red,blue") == {"r", "g", "none"}
    assert names("not-tags-any=red,green") == {"none"}
    assert names("tags=red&not-tags=blue") == {"r"}
    found = conn.network.networks(tags="red", not_any_tags="blue")
    assert [n.name for n in found] == ["r"]


def test_cli_sets_and_filters_tags(cli, conn):
    cli("network", "create", "web")
    cli("network", "create", "db")
    cli("network", "set", "--tag", "prod", "--tag", "front", "web", output=False)
    assert sorted(cli("network", "show", "web")["tags"]) == ["front", "prod"]
    assert [n["Name"] for n in cli("network", "list", "--tags", "prod")] == ["web"]
    assert [n["Name"] for n in cli("network", "list", "--not-tags", "prod")] == [
        "admin_external_net",
        "db",
    ]
    cli("network", "unset", "--tag", "front", "web", output=False)
    assert cli("network", "show", "web")["tags"] == ["prod"]


def test_router_and_native_vpc_share_their_tags(conn, vpc_client, native_vpc):
    vpc_id = native_vpc()["vpc"]["id"]
    vpc_client.create_vpc_resource_tag(
        CreateVpcResourceTagRequest(
            vpc_id=vpc_id,
            body=CreateVpcResourceTagRequestBody(tag=ResourceTag(key="env", value="prod")),
        )
    )
    router = conn.network.get_router(vpc_id)
    assert router.tags == ["env=prod"]
    conn.network.set_tags(router, ["env=prod", "team"])
    native = vpc_client.show_vpc_tags(ShowVpcTagsRequest(vpc_id=vpc_id)).tags
    assert sorted((t.key, t.value) for t in native) == [("env=prod", ""), ("team", "")]
