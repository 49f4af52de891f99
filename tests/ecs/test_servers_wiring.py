"""A server's wiring: volumes and interfaces through Nova, security groups, metering, the CLI."""

from decimal import Decimal

import openstack.exceptions
import pytest
from huaweicloudsdkecs.v2 import (
    DeleteServerMetadataRequest,
    UpdateServerMetadataRequest,
    UpdateServerMetadataRequestBody,
)

from emulator import metering


def test_nova_volume_attachments(flexemu, conn, boot, nova):
    server = boot()
    volume = conn.block_storage.create_volume(size=10, availability_zone="eu-west-0a")
    flexemu.advance("PT1M")
    conn.compute.create_volume_attachment(server, volume_id=volume.id)
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(volume.id).status == "in-use"
    listed = nova.get(f"/servers/{server.id}/os-volume_attachments").json()["volumeAttachments"]
    assert [a["device"] for a in listed] == ["/dev/vda", "/dev/vdb"]
    system = listed[0]["volumeId"]
    refused = nova.delete(f"/servers/{server.id}/os-volume_attachments/{system}")
    assert refused.status_code == 403
    conn.compute.delete_volume_attachment(server, volume.id)
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(volume.id).status == "available"


def test_attaching_a_volume_of_another_zone_is_refused(flexemu, conn, boot, nova):
    server = boot()
    volume = conn.block_storage.create_volume(size=10, availability_zone="eu-west-0b")
    flexemu.advance("PT1M")
    response = nova.post(
        f"/servers/{server.id}/os-volume_attachments",
        json={"volumeAttachment": {"volumeId": volume.id}},
    )
    assert response.status_code == 400


def test_nova_interfaces(flexemu, conn, boot, network):
    server = boot()
    flexemu.advance("PT1M")
    added = conn.compute.create_server_interface(server, net_id=network["subnet_id"])
    assert len(list(conn.compute.server_interfaces(server))) == 2
    shown = conn.compute.get_server(server.id)
    assert len(next(iter(shown.addresses.values()))) == 2
    conn.compute.delete_server_interface(added.port_id, server=server)
    assert len(list(conn.network.ports(device_id=server.id))) == 1


def test_security_groups_on_a_running_server(flexemu, conn, boot, network, nova):
    web = conn.network.create_security_group(name="web")
    server = boot()
    flexemu.advance("PT1M")
    conn.compute.add_security_group_to_server(server, web)
    names = {g["name"] for g in conn.compute.get_server(server.id).security_groups}
    assert names == {"default", "web"}
    (port,) = conn.network.ports(device_id=server.id)
    assert web.id in port.security_group_ids
    conn.compute.remove_security_group_from_server(server, web)
    assert {g["name"] for g in conn.compute.get_server(server.id).security_groups} == {"default"}
    response = nova.post(
        f"/servers/{server.id}/action", json={"removeSecurityGroup": {"name": "web"}}
    )
    assert response.status_code == 400


def test_created_with_named_groups(flexemu, conn, boot):
    conn.network.create_security_group(name="db")
    server = boot(security_groups=[{"name": "db"}])
    (port,) = conn.network.ports(device_id=server.id)
    (group,) = port.security_group_ids
    assert conn.network.get_security_group(group).name == "db"


def hours(flexemu, server_id):
    with flexemu.emulator.db.transaction() as tx:
        rows = metering.intervals(tx)
        return [
            (row.unit_class, row.ended_at is None)
            for row in rows
            if row.resource_id == server_id and row.meter == "ecs.instance_hours"
        ]


def test_instance_hours_only_while_running_without_local_disks(flexemu, conn, boot):
    server = boot()
    assert hours(flexemu, server.id) == []
    flexemu.advance("PT1M")
    assert hours(flexemu, server.id) == [("s3.large.2", True)]
    conn.compute.stop_server(server)
    flexemu.advance("PT1H")
    assert hours(flexemu, server.id) == [("s3.large.2", False)]
    conn.compute.start_server(server)
    flexemu.advance("PT1M")
    conn.compute.resize_server(server, "s3.xlarge.4")
    flexemu.advance("PT1M")
    assert hours(flexemu, server.id)[-1] == ("s3.xlarge.4", True)


def test_local_disk_flavors_bill_in_every_state_until_deleted(flexemu, conn, boot, project_id):
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": {"cores": 100, "ram": 1 << 20}})
    server = boot(flavor="d2.xlarge.8")
    assert hours(flexemu, server.id) == [("d2.xlarge.8", True)]
    flexemu.advance("PT1M")
    conn.compute.stop_server(server)
    flexemu.advance("PT1H")
    assert hours(flexemu, server.id) == [("d2.xlarge.8", True)]
    conn.compute.delete_server(server)
    assert hours(flexemu, server.id) == [("d2.xlarge.8", False)]
    with flexemu.emulator.db.transaction() as tx:
        (row,) = [r for r in metering.intervals(tx) if r.resource_id == server.id]
        assert row.quantity == Decimal(1)


def test_delete_cascade_frees_ports_and_volumes(flexemu, conn, boot):
    server = boot()
    flexemu.advance("PT1M")
    (port,) = conn.network.ports(device_id=server.id)
    address = port.fixed_ips[0]["ip_address"]
    conn.compute.delete_server(server)
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.network.get_port(port.id)
    flexemu.advance("PT1M")
    assert list(conn.block_storage.volumes()) == []
    again = boot("again")
    (reused,) = conn.network.ports(device_id=again.id)
    assert reused.fixed_ips[0]["ip_address"] == address


def test_openstack_server_commands(flexemu, cli, network, image_id):
    created = cli(
        "server",
        "create",
        "--image",
        image_id,
        "--flavor",
        "s3.large.2",
        "--network",
        network["subnet_id"],
        "cli-server",
    )
    assert created["status"] == "BUILD"
    flexemu.advance("PT1M")
    assert [row["Name"] for row in cli("server", "list")] == ["cli-server"]
    shown = cli("server", "show", "cli-server")
    assert shown["status"] == "ACTIVE" and shown["OS-EXT-AZ:availability_zone"] == "eu-west-0a"


def test_server_metadata_through_both_apis(flexemu, conn, boot, ecs, nova, project_id):
    server = boot(metadata={"team": "web"})
    flexemu.advance("PT1M")
    conn.compute.set_server_metadata(server, env="prod")
    assert conn.compute.get_server_metadata(server).metadata == {"team": "web", "env": "prod"}
    body = UpdateServerMetadataRequestBody(metadata={"tier": "front"})
    ecs.update_server_metadata(UpdateServerMetadataRequest(server_id=server.id, body=body))
    ecs.delete_server_metadata(DeleteServerMetadataRequest(server_id=server.id, key="team"))
    assert nova.get(f"/servers/{server.id}/metadata").json()["metadata"] == {
        "env": "prod",
        "tier": "front",
    }
    assert nova.get(f"/servers/{server.id}/metadata/team").status_code == 404
    replaced = nova.request("PUT", f"/servers/{server.id}/metadata", json={"metadata": {}})
    assert replaced.json()["metadata"] == {}
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": {"metadata_items": 1}})
    too_many = nova.post(f"/servers/{server.id}/metadata", json={"metadata": {"a": "1", "b": "2"}})
    assert too_many.status_code == 403


def test_metadata_changes_are_refused_while_building_or_locked(flexemu, boot, nova):
    server = boot()
    building = nova.post(f"/servers/{server.id}/metadata", json={"metadata": {"a": "1"}})
    assert building.status_code == 409
    assert building.json()["conflictingRequest"]["message"] == (
        f"Cannot 'update metadata' instance {server.id} while it is in vm_state building"
    )
    flexemu.advance("PT1M")
    nova.request(
        "PUT", f"/servers/{server.id}/metadata/a", json={"meta": {"a": "1"}}
    ).raise_for_status()
    nova.post(f"/servers/{server.id}/action", json={"lock": None}).raise_for_status()
    for refused in (
        nova.request("PUT", f"/servers/{server.id}/metadata", json={"metadata": {}}),
        nova.request("DELETE", f"/servers/{server.id}/metadata/a"),
    ):
        assert refused.status_code == 409
        assert refused.json()["conflictingRequest"]["message"] == f"Instance {server.id} is locked"
    assert nova.request("DELETE", f"/servers/{server.id}/metadata/b").status_code == 404
    assert nova.get(f"/servers/{server.id}/metadata").json()["metadata"] == {"a": "1"}


def test_licensed_images_bill_licence_hours_while_running(flexemu, conn, network):
    windows = conn.image.find_image("OBS Windows Server 2019 Standard")
    server = conn.compute.create_server(
        name="win",
        image_id=windows.id,
        flavor_id="s3.large.4",
        networks=[{"uuid": network["subnet_id"]}],
    )
    flexemu.advance("PT1M")
    with flexemu.emulator.db.transaction() as tx:
        meters = {
            (row.meter, row.unit_class, row.ended_at is None)
            for row in metering.intervals(tx)
            if row.resource_id == server.id
        }
    assert meters == {
        ("ecs.instance_hours", "s3.large.4", True),
        ("ecs.licence_hours", "Windows", True),
    }
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    with flexemu.emulator.db.transaction() as tx:
        assert all(
            row.ended_at is not None
            for row in metering.intervals(tx)
            if row.resource_id == server.id
        )
