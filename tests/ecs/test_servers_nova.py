"""Servers through openstacksdk and raw Nova: lifecycle on the virtual clock, one store with
VPC and EVS, state conflicts, bad input."""

import base64
from ipaddress import ip_address, ip_network

import httpx
import openstack.exceptions
import pytest

from tests.ecs.conftest import set_quotas


def test_create_builds_then_runs_with_a_port_and_a_system_disk(flexemu, conn, boot, image_id):
    server = boot()
    assert conn.compute.get_server(server.id).status == "BUILD"
    flexemu.advance("PT1M")
    shown = conn.compute.get_server(server.id)
    assert (shown.status, shown.power_state, shown.vm_state) == ("ACTIVE", 1, "active")
    ((vpc_id, addresses),) = shown.addresses.items()
    assert ip_address(addresses[0]["addr"]) in ip_network("10.0.1.0/24")
    (port,) = conn.network.ports(device_id=server.id)
    assert port.fixed_ips[0]["ip_address"] == addresses[0]["addr"]
    assert port.device_owner == "compute:eu-west-0a"
    (attached,) = shown.attached_volumes
    volume = conn.block_storage.get_volume(attached["id"])
    assert (volume.status, volume.is_bootable, volume.size) == ("in-use", True, 40)
    assert volume.attachments[0]["server_id"] == server.id
    assert [group["name"] for group in shown.security_groups] == ["default"]


def test_wait_for_server_and_delete(flexemu, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.wait_for_server(server, status="ACTIVE", wait=5)
    conn.compute.delete_server(server)
    assert conn.compute.get_server(server.id).task_state == "deleting"
    flexemu.advance("PT1M")
    conn.compute.wait_for_delete(server, wait=5)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_server(server.id)


def test_stop_start_reboot_on_the_clock(flexemu, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.stop_server(server)
    assert conn.compute.get_server(server.id).task_state == "powering-off"
    flexemu.advance("PT1M")
    stopped = conn.compute.get_server(server.id)
    assert (stopped.status, stopped.power_state) == ("SHUTOFF", 4)
    conn.compute.start_server(server)
    flexemu.advance("PT1M")
    assert conn.compute.get_server(server.id).status == "ACTIVE"
    conn.compute.reboot_server(server, "HARD")
    assert conn.compute.get_server(server.id).status == "HARD_REBOOT"
    flexemu.advance("PT1M")
    assert conn.compute.get_server(server.id).status == "ACTIVE"


def test_resize_confirm_and_revert(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.resize_server(server, "s3.xlarge.4")
    assert conn.compute.get_server(server.id).status == "RESIZE"
    flexemu.advance("PT1M")
    resized = conn.compute.get_server(server.id)
    assert (resized.status, resized.flavor.original_name) == ("VERIFY_RESIZE", "s3.xlarge.4")
    assert conn.compute.get_limits().absolute.total_cores_used == 4
    conn.compute.revert_server_resize(server)
    flexemu.advance("PT1M")
    reverted = conn.compute.get_server(server.id)
    assert (reverted.status, reverted.flavor.original_name) == ("ACTIVE", "s3.large.2")
    assert conn.compute.get_limits().absolute.total_cores_used == 2
    conn.compute.resize_server(server, "c6.large.4")
    flexemu.advance("PT1M")
    conn.compute.confirm_server_resize(server)
    assert conn.compute.get_server(server.id).status == "ACTIVE"
    old = nova.get(f"/servers/{server.id}").json()["server"]
    assert old["flavor"]["id"] == "c6.large.4"


def test_rebuild_from_another_image_keeps_addresses_and_power_state(
    flexemu, conn, boot, nova, image_id
):
    other = conn.image.find_image("OBS Ubuntu 20.04")
    server = boot()
    flexemu.advance("PT1M")
    addresses = conn.compute.get_server(server.id).addresses
    rebuilt = conn.compute.rebuild_server(
        server, image=other.id, name="again", metadata={"k": "v"}, admin_password="Passw0rd!"
    )
    assert (rebuilt.status, rebuilt.image.id, rebuilt.admin_password) == (
        "REBUILD",
        other.id,
        "Passw0rd!",
    )
    flexemu.advance("PT1M")
    shown = conn.compute.get_server(server.id)
    assert (shown.status, shown.name, shown.metadata) == ("ACTIVE", "again", {"k": "v"})
    assert shown.addresses == addresses
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    conn.compute.rebuild_server(server, image=image_id)
    flexemu.advance("PT1M")
    stopped = conn.compute.get_server(server.id)
    assert (stopped.status, stopped.image.id, stopped.name) == ("SHUTOFF", image_id, "again")


def test_rebuild_refuses_bad_input_and_a_building_server(boot, nova):
    server = boot()
    action = f"/servers/{server.id}/action"
    response = nova.post(action, json={"rebuild": {"imageRef": "no-such-image"}})
    assert response.status_code == 409  # still building: the state is checked first
    bad = [{}, {"imageRef": "x", "key_name": "k"}, {"imageRef": "x", "name": 5}]
    for argument in bad:
        assert nova.post(action, json={"rebuild": argument}).status_code == 400


def test_actions_in_the_wrong_state_are_409(flexemu, conn, boot, nova):
    server = boot()
    response = nova.post(f"/servers/{server.id}/action", json={"os-stop": None})
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (
        f"Cannot 'stop' instance {server.id} while it is in vm_state building"
    )
    flexemu.advance("PT1M")
    response = nova.post(f"/servers/{server.id}/action", json={"os-start": None})
    assert response.status_code == 409
    assert response.json()["conflictingRequest"]["message"] == (
        f"Cannot 'start' instance {server.id} while it is in vm_state active"
    )
    with pytest.raises(openstack.exceptions.ConflictException):
        conn.compute.confirm_server_resize(server)


def test_instance_quota_is_403_and_leaves_nothing_behind(flexemu, conn, boot, project_id):
    set_quotas(flexemu, project_id, instances=1)
    boot()
    ports_before = len(list(conn.network.ports()))
    volumes_before = len(list(conn.block_storage.volumes()))
    with pytest.raises(openstack.exceptions.ForbiddenException) as error:
        boot("second")
    assert "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances" in str(
        error.value
    )
    assert len(list(conn.network.ports())) == ports_before
    assert len(list(conn.block_storage.volumes())) == volumes_before
    assert conn.compute.get_limits().absolute.instances_used == 1


def test_cores_quota_counts_every_instance_of_a_batch(flexemu, nova, network, image_id):
    body = {
        "server": {
            "name": "many",
            "imageRef": image_id,
            "flavorRef": "c6.4xlarge.2",
            "networks": [{"uuid": network["subnet_id"]}],
            "min_count": 2,
        }
    }
    response = nova.post("/servers", json=body)
    assert response.status_code == 403
    assert "Quota exceeded for cores: Requested 32" in response.json()["forbidden"]["message"]


@pytest.mark.parametrize(
    "change,fragment",
    [
        ({"flavorRef": "s3.huge.9"}, "Flavor s3.huge.9 could not be found."),
        ({"imageRef": "0" * 32}, "could not be found"),
        ({"user_data": "not base64!"}, "User data needs to be valid base 64."),
        ({"key_name": "nobody"}, "Invalid key_name provided."),
        ({"availability_zone": "eu-west-1a"}, "availability zone eu-west-1a is not available"),
        ({"availability_zone": "eu-west-0c", "flavorRef": "c3.large.2"}, "not sold"),
        ({"name": "x" * 256}, "1 to 255 characters"),
        ({"networks": [{"uuid": "f" * 32}]}, "Network ffff"),
        ({"security_groups": [{"name": "nope"}]}, "Unable to find security_group"),
        ({"metadata": {"k": "v" * 300}}, "1 to 255 characters"),
    ],
)
def test_bad_create_input_is_400_and_creates_nothing(nova, network, image_id, change, fragment):
    body = {
        "name": "bad",
        "imageRef": image_id,
        "flavorRef": "s3.large.2",
        "networks": [{"uuid": network["subnet_id"]}],
        **change,
    }
    response = nova.post("/servers", json={"server": body})
    assert response.status_code == 400, response.text
    assert fragment in response.json()["badRequest"]["message"]
    assert nova.get("/servers").json()["servers"] == []


def test_malformed_bodies_are_400(nova):
    assert nova.post("/servers", content=b"{nope").status_code == 400
    assert nova.post("/servers", json={"server": {"name": "x"}}).status_code == 400


def test_user_data_key_and_metadata_are_kept(flexemu, conn, boot):
    conn.compute.create_keypair(name="ops")
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    server = boot(key_name="ops", user_data=user_data, metadata={"team": "web"})
    shown = conn.compute.get_server(server.id)
    assert (shown.key_name, shown.metadata) == ("ops", {"team": "web"})


def test_microversion_shapes_of_a_server(flexemu, boot, nova):
    server = boot()
    old = nova.get(f"/servers/{server.id}").json()["server"]
    assert old["flavor"]["id"] == "s3.large.2"
    assert "delete_on_termination" not in old["os-extended-volumes:volumes_attached"][0]
    new = nova.get(f"/servers/{server.id}", version="2.47").json()["server"]
    assert new["flavor"]["original_name"] == "s3.large.2" and new["flavor"]["vcpus"] == 2
    assert new["os-extended-volumes:volumes_attached"][0]["delete_on_termination"] is True
    assert new["description"] is None and new["locked"] is False


def test_the_next_link_leads_to_the_next_page_with_the_same_filters(boot, nova):
    ids = {boot(f"web {n}").id for n in range(3)}
    page = nova.get("/servers/detail", params={"limit": 2, "name": "web "}).json()
    (link,) = page["servers_links"]
    assert link["href"].startswith(nova.base + "/servers/detail?")  # absolute, as Nova's
    following = httpx.get(link["href"], headers={"X-Auth-Token": nova.token}).json()
    assert {s["id"] for s in page["servers"] + following["servers"]} == ids


def test_list_paging_and_filters(flexemu, conn, boot, nova):
    ids = [boot(f"web-{n}").id for n in range(3)]
    assert {s.id for s in conn.compute.servers()} == set(ids)
    page = nova.get("/servers", params={"limit": 2}).json()
    assert len(page["servers"]) == 2 and "servers_links" in page
    assert [
        s["name"] for s in nova.get("/servers/detail", params={"name": "web-1"}).json()["servers"]
    ] == ["web-1"]
    assert nova.get("/servers/detail", params={"status": "ACTIVE"}).json()["servers"] == []
    flexemu.advance("PT1M")
    assert len(nova.get("/servers/detail", params={"status": "ACTIVE"}).json()["servers"]) == 3


def test_name_filter_is_a_regular_expression(boot, conn, nova):
    for name in ("web-0", "web-1", "db-10"):
        boot(name)
    assert sorted(s.name for s in conn.compute.servers(name=r"^web-[02]$")) == ["web-0"]
    assert sorted(s.name for s in conn.compute.servers(name=r"-.*0$")) == ["db-10", "web-0"]
    assert sorted(s.name for s in conn.compute.servers(name="b-1")) == ["db-10", "web-1"]
    assert nova.get("/servers", params={"name": "web-("}).status_code == 400


def test_another_tenants_server_is_404(flexemu, boot):
    server = boot()
    amsterdam = flexemu.openstack(project="eu-west-1")
    with pytest.raises(openstack.exceptions.NotFoundException):
        amsterdam.compute.get_server(server.id)


def test_update_name_and_description(flexemu, conn, boot, nova):
    server = boot()
    conn.compute.update_server(server, name="renamed")
    assert conn.compute.get_server(server.id).name == "renamed"
    refused = nova.request("PUT", f"/servers/{server.id}", json={"server": {"description": "d"}})
    assert refused.status_code == 400
    accepted = nova.request(
        "PUT", f"/servers/{server.id}", version="2.19", json={"server": {"description": "d"}}
    )
    assert accepted.json()["server"]["description"] == "d"


def test_update_answers_the_basic_view_without_the_extended_attributes(flexemu, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    response = nova.request(
        "PUT", f"/servers/{server.id}", version="2.26", json={"server": {"name": "renamed"}}
    )
    updated = response.json()["server"]
    assert updated["name"] == "renamed"
    assert {"locked", "description", "tags", "accessIPv4", "progress"} <= set(updated)
    shown = nova.get(f"/servers/{server.id}", version="2.26").json()["server"]
    left_out = {key for key in shown if key.startswith(("OS-EXT-", "OS-SRV-USG:"))}
    left_out |= {"key_name", "security_groups", "os-extended-volumes:volumes_attached"}
    assert left_out <= set(shown)
    assert not left_out & set(updated)
    (addresses,) = updated["addresses"].values()
    assert set(addresses[0]) == {"version", "addr"}


def test_a_server_in_no_security_group_shows_no_security_groups_key(flexemu, conn, boot, nova):
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.remove_security_group_from_server(server, {"name": "default"})
    assert "security_groups" not in nova.get(f"/servers/{server.id}").json()["server"]


def test_progress_is_shown_while_building_or_active_only(flexemu, conn, boot, nova):
    server = boot()
    assert nova.get(f"/servers/{server.id}").json()["server"]["progress"] == 0
    flexemu.advance("PT1M")
    assert nova.get(f"/servers/{server.id}").json()["server"]["progress"] == 100
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    assert "progress" not in nova.get(f"/servers/{server.id}").json()["server"]


def test_create_answers_the_admin_password_given_or_a_generated_one(conn, boot, nova):
    given = boot("given", admin_password="Secr3t-Pass")
    assert given.admin_password == "Secr3t-Pass"
    generated = boot("generated")
    assert generated.admin_password and len(generated.admin_password) >= 8
    assert generated.admin_password != boot("another").admin_password
    shown = nova.get(f"/servers/{generated.id}").json()["server"]
    assert "adminPass" not in shown


def test_extended_server_attributes_from_microversion_2_3(flexemu, conn, boot, nova):
    user_data = base64.b64encode(b"#!/bin/sh\n").decode()
    server = boot("Web_Server 1", user_data=user_data)
    shown = conn.compute.get_server(server.id)
    assert shown.reservation_id.startswith("r-") and shown.launch_index == 0
    assert (shown.kernel_id, shown.ramdisk_id) == ("", "")
    assert shown.hostname == "web-server-1"
    assert shown.root_device_name == "/dev/vda"
    assert shown.user_data == user_data
    assert shown.instance_name and shown.hypervisor_hostname
    old = nova.get(f"/servers/{server.id}").json()["server"]
    assert "OS-EXT-SRV-ATTR:instance_name" in old
    assert "OS-EXT-SRV-ATTR:hostname" not in old and "OS-EXT-SRV-ATTR:user_data" not in old
    (listed,) = nova.get("/servers/detail", version="2.3").json()["servers"]
    assert listed["OS-EXT-SRV-ATTR:hostname"] == "web-server-1" and "host_status" not in listed
    assert nova.get(f"/servers/{server.id}", version="2.16").json()["server"]["host_status"] == "UP"


@pytest.mark.parametrize("path", ["/servers", "/servers/detail"])
def test_all_tenants_is_an_administrator_s_filter(boot, nova, path):
    boot()
    rule = "detail" if path.endswith("detail") else "index"
    for value in ("", "1", "True"):
        refused = nova.get(path, params={"all_tenants": value})
        assert refused.status_code == 403, refused.text
        assert f"os_compute_api:servers:{rule}:get_all_tenants" in refused.text
    assert len(nova.get(path, params={"all_tenants": "0"}).json()["servers"]) == 1
    assert nova.get(path, params={"all_tenants": "maybe"}).status_code == 400


def test_return_reservation_id_answers_only_the_reservation(nova, network, image_id):
    body = {
        "name": "batch",
        "imageRef": image_id,
        "flavorRef": "s3.large.2",
        "networks": [{"uuid": network["subnet_id"]}],
        "min_count": 2,
        "return_reservation_id": "true",
    }
    created = nova.post("/servers", json={"server": body})
    assert created.status_code == 202
    (reservation,) = created.json().values()
    assert list(created.json()) == ["reservation_id"] and reservation.startswith("r-")
    listed = nova.get("/servers/detail", params={"reservation_id": reservation}).json()
    assert sorted(s["name"] for s in listed["servers"]) == ["batch-1", "batch-2"]


def test_embedded_flavor_carries_its_extra_specs_from_2_47(conn, boot, nova):
    server = boot()
    flavor = conn.compute.get_server(server.id).flavor
    assert flavor.extra_specs["ecs:performancetype"] == "normal"
    assert flavor.extra_specs == conn.compute.fetch_flavor_extra_specs("s3.large.2").extra_specs
    (listed,) = nova.get("/servers/detail", version="2.47").json()["servers"]
    assert listed["flavor"]["extra_specs"]["resource_type"]
    assert "extra_specs" not in nova.get(f"/servers/{server.id}", version="2.46").json()["server"]


def test_access_addresses_are_kept_from_create_update_and_rebuild(flexemu, boot, nova, image_id):
    server = boot(access_ipv4="1.1.1.1", access_ipv6="2001:2001::3")
    shown = nova.get(f"/servers/{server.id}").json()["server"]
    assert (shown["accessIPv4"], shown["accessIPv6"]) == ("1.1.1.1", "2001:2001::3")
    flexemu.advance("PT1M")
    addresses = {"accessIPv4": "2.2.2.2", "accessIPv6": "::babe:202:202"}
    updated = nova.request("PUT", f"/servers/{server.id}", json={"server": addresses})
    assert {k: updated.json()["server"][k] for k in addresses} == addresses
    rebuild = {"imageRef": image_id, "accessIPv4": "3.3.3.3"}
    rebuilt = nova.post(f"/servers/{server.id}/action", json={"rebuild": rebuild})
    assert rebuilt.json()["server"]["accessIPv4"] == "3.3.3.3"
    for bad in ({"accessIPv4": "1.1.1"}, {"accessIPv6": "2001:::3"}):
        response = nova.request("PUT", f"/servers/{server.id}", json={"server": bad})
        assert response.status_code == 400
    refused = nova.post(
        f"/servers/{server.id}/action", json={"rebuild": {**rebuild, "accessIPv4": 5}}
    )
    assert refused.status_code == 400


def test_a_bad_access_address_at_create_is_400(nova, network, image_id):
    body = {"name": "x", "flavorRef": "s3.small.1", "imageRef": image_id}
    body["networks"] = [{"uuid": network["subnet_id"]}]
    for bad in ({"accessIPv4": "1.1.1.1.1"}, {"accessIPv6": "1.1.1.1"}):
        response = nova.post("/servers", json={"server": {**body, **bad}})
        assert response.status_code == 400, bad
        assert "badRequest" in response.json()
    assert nova.get("/servers").json()["servers"] == []


def test_disk_config_is_kept_from_create_update_rebuild_and_resize(
    flexemu, nova, network, image_id
):
    body = {"name": "x", "flavorRef": "s3.small.1", "imageRef": image_id}
    body["networks"] = [{"uuid": network["subnet_id"]}]
    created = nova.post("/servers", json={"server": {**body, "OS-DCF:diskConfig": "AUTO"}})
    assert created.json()["server"]["OS-DCF:diskConfig"] == "AUTO"
    server_id = created.json()["server"]["id"]
    flexemu.advance("PT1M")

    def shown():
        return nova.get(f"/servers/{server_id}").json()["server"]["OS-DCF:diskConfig"]

    assert shown() == "AUTO"
    manual = {"OS-DCF:diskConfig": "MANUAL"}
    nova.request("PUT", f"/servers/{server_id}", json={"server": manual})
    assert shown() == "MANUAL"
    action = f"/servers/{server_id}/action"
    nova.post(action, json={"rebuild": {"imageRef": image_id, "OS-DCF:diskConfig": "AUTO"}})
    flexemu.advance("PT1M")
    assert shown() == "AUTO"
    nova.post(action, json={"resize": {"flavorRef": "s3.medium.2", **manual}})
    assert shown() == "MANUAL"
    bad = nova.request("PUT", f"/servers/{server_id}", json={"server": {"OS-DCF:diskConfig": "x"}})
    assert bad.status_code == 400
    refused = nova.post("/servers", json={"server": {**body, "OS-DCF:diskConfig": "auto"}})
    assert refused.status_code == 400


def test_rebuild_replaces_key_pair_from_2_54_and_user_data_from_2_57(
    flexemu, conn, boot, nova, image_id
):
    conn.compute.create_keypair(name="new-key")
    server = boot()
    flexemu.advance("PT1M")
    action = f"/servers/{server.id}/action"
    rebuild = {"imageRef": image_id, "key_name": "new-key"}
    assert nova.post(action, json={"rebuild": rebuild}, version="2.53").status_code == 400
    answer = nova.post(action, json={"rebuild": rebuild}, version="2.54").json()["server"]
    assert answer["key_name"] == "new-key" and "user_data" not in answer
    flexemu.advance("PT1M")
    missing = {"imageRef": image_id, "key_name": "nope"}
    assert nova.post(action, json={"rebuild": missing}, version="2.54").status_code == 400
    user_data = "IyEvYmluL3NoCg=="
    rebuild = {"imageRef": image_id, "key_name": None, "user_data": user_data}
    answer = nova.post(action, json={"rebuild": rebuild}, version="2.57").json()["server"]
    assert (answer["key_name"], answer["user_data"]) == (None, user_data)
