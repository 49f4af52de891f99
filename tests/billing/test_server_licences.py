"""A licensed image bills its licence by the hour of the server however the system disk is made:
from the image (imageRef), from the image through a block device mapping, or from a volume
made from the image."""

from typing import Any

import pytest

from emulator import metering
from tests.billing.conftest import subnet


def licence_meters(flexemu: Any, server_id: str) -> list[tuple[str, bool]]:
    with flexemu.emulator.db.transaction() as tx:
        return [
            (row.unit_class, row.ended_at is None)
            for row in metering.intervals(tx)
            if row.resource_id == server_id and row.meter == "ecs.licence_hours"
        ]


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def networks(flexemu, conn):
    return [{"uuid": subnet(flexemu, conn)}]


def image_id(conn: Any, name: str) -> str:
    return str(conn.image.find_image(name).id)


def test_a_system_disk_mapped_from_a_licensed_image(flexemu, conn, networks):
    mapping = {
        "boot_index": 0,
        "uuid": image_id(conn, "OBS Red Hat Enterprise Linux 8.4"),
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 40,
        "delete_on_termination": True,
    }
    server = conn.compute.create_server(
        name="rhel", flavor_id="s3.large.2", networks=networks, block_device_mapping=[mapping]
    )
    flexemu.advance("PT1M")
    assert licence_meters(flexemu, server.id) == [("RedHat", True)]


def test_a_system_disk_that_is_a_volume_made_from_a_licensed_image(flexemu, conn, networks):
    image = image_id(conn, "OBS SUSE Linux Enterprise Server 15 SP3")
    volume = conn.block_storage.create_volume(size=40, image_id=image, name="sles-root")
    flexemu.advance("PT1M")
    mapping = {
        "boot_index": 0,
        "uuid": volume.id,
        "source_type": "volume",
        "destination_type": "volume",
    }
    server = conn.compute.create_server(
        name="sles", flavor_id="s3.large.2", networks=networks, block_device_mapping=[mapping]
    )
    flexemu.advance("PT1M")
    assert licence_meters(flexemu, server.id) == [("SUSE", True)]
    conn.compute.stop_server(server)
    flexemu.advance("PT1M")
    assert licence_meters(flexemu, server.id) == [("SUSE", False)]


def test_an_unlicensed_image_has_no_licence(flexemu, conn, networks):
    server = conn.compute.create_server(
        name="ubuntu",
        flavor_id="s3.large.2",
        networks=networks,
        image_id=image_id(conn, "OBS Ubuntu 22.04"),
    )
    flexemu.advance("PT1M")
    assert licence_meters(flexemu, server.id) == []
