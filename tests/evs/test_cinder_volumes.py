"""Volumes through openstacksdk (Cinder v3) and raw Cinder v2: lifecycle on the virtual clock."""

import pytest
from openstack import exceptions

from tests.evs.conftest import set_quotas


def test_create_is_creating_then_available_on_the_clock(flexemu, conn):
    volume = conn.block_storage.create_volume(
        size=10,
        name="data",
        volume_type="SSD",
        availability_zone="eu-west-0b",
        description="logs",
        metadata={"team": "ops"},
    )
    assert volume.status == "creating"
    assert conn.block_storage.get_volume(volume).status == "creating"
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.status, shown.size, shown.volume_type) == ("available", 10, "SSD")
    assert (shown.availability_zone, shown.is_bootable, shown.is_multiattach) == (
        "eu-west-0b",
        False,
        False,
    )
    assert (shown.name, shown.description, shown.metadata) == ("data", "logs", {"team": "ops"})
    assert shown.project_id == conn.current_project_id


def test_defaults_are_the_first_zone_and_sata(conn):
    volume = conn.block_storage.create_volume(size=10)
    assert (volume.availability_zone, volume.volume_type) == ("eu-west-0a", "SATA")


def test_list_filters_and_pages_newest_first(flexemu, conn):
    made = [conn.block_storage.create_volume(size=10, name=f"v{i}") for i in range(5)]
    flexemu.advance("PT1M")
    listed = [v.id for v in conn.block_storage.volumes(limit=2)]
    assert listed == [v.id for v in reversed(made)]
    assert [v.name for v in conn.block_storage.volumes(name="v3")] == ["v3"]
    assert len(list(conn.block_storage.volumes(status="available"))) == 5
    assert list(conn.block_storage.volumes(status="creating")) == []


def test_update_name_description_metadata(conn):
    volume = conn.block_storage.create_volume(size=10, name="old")
    conn.block_storage.update_volume(volume, name="new", description="d")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.name, shown.description) == ("new", "d")


def test_extend_grows_after_extending(flexemu, conn):
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    conn.block_storage.extend_volume(volume, 30)
    assert conn.block_storage.get_volume(volume).status == "extending"
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.status, shown.size) == ("available", 30)


def test_extend_never_shrinks_and_needs_available(flexemu, conn):
    volume = conn.block_storage.create_volume(size=20)
    with pytest.raises(exceptions.BadRequestException, match="status must be available or in-use"):
        conn.block_storage.extend_volume(volume, 30)
    flexemu.advance("PT1M")
    with pytest.raises(
        exceptions.BadRequestException,
        match="New size for extend must be greater than current size",
    ):
        conn.block_storage.extend_volume(volume, 10)
    assert conn.block_storage.get_volume(volume).size == 20


def test_delete_is_deleting_then_404(flexemu, conn):
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    conn.block_storage.delete_volume(volume)
    assert conn.block_storage.get_volume(volume).status == "deleting"
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_volume(volume)


def test_a_creating_volume_cannot_be_deleted(conn):
    volume = conn.block_storage.create_volume(size=10)
    with pytest.raises(exceptions.BadRequestException, match="Invalid volume"):
        conn.block_storage.delete_volume(volume)


def test_from_image_is_bootable_and_respects_min_disk(flexemu, conn):
    image = conn.image.find_image("OBS Ubuntu 18.04")
    with pytest.raises(exceptions.BadRequestException, match="minDisk"):
        conn.block_storage.create_volume(size=20, image_id=image.id)
    created = conn.block_storage.create_volume(size=40, image_id=image.id)
    volume = conn.block_storage.get_volume(created.id)  # a create answers without image metadata
    assert volume.is_bootable is True
    assert volume.volume_image_metadata["image_name"] == "OBS Ubuntu 18.04"
    assert volume.volume_image_metadata["__os_type"] == "Linux"


def test_from_an_unknown_image_is_400(conn):
    with pytest.raises(exceptions.BadRequestException, match="Invalid image identifier"):
        conn.block_storage.create_volume(size=40, image_id="no-such-image")


def test_from_another_volume_inherits_type_zone_and_size(flexemu, conn):
    source = conn.block_storage.create_volume(
        size=15, volume_type="SAS", availability_zone="eu-west-0c"
    )
    flexemu.advance("PT1M")
    clone = conn.block_storage.create_volume(source_volume_id=source.id)
    assert (clone.size, clone.volume_type, clone.availability_zone) == (15, "SAS", "eu-west-0c")
    assert clone.source_volume_id == source.id


def test_from_a_snapshot_inherits_its_size(flexemu, conn):
    source = conn.block_storage.create_volume(size=12)
    flexemu.advance("PT1M")
    snapshot = conn.block_storage.create_snapshot(volume_id=source.id)
    flexemu.advance("PT1M")
    restored = conn.block_storage.create_volume(snapshot_id=snapshot.id)
    assert (restored.size, restored.snapshot_id) == (12, snapshot.id)
    with pytest.raises(exceptions.BadRequestException, match="cannot be smaller"):
        conn.block_storage.create_volume(snapshot_id=snapshot.id, size=11)


def test_multiattach_is_shown(conn):
    volume = conn.block_storage.create_volume(size=10, is_multiattach=True)
    assert conn.block_storage.get_volume(volume).is_multiattach is True


@pytest.mark.parametrize("size", [9, 32769, 0, -1])
def test_data_disk_sizes_out_of_range_are_400(conn, size):
    with pytest.raises(exceptions.BadRequestException, match="out of range"):
        conn.block_storage.create_volume(size=size)
    assert list(conn.block_storage.volumes()) == []


def test_data_disk_extremes_are_accepted(flexemu, conn, pid):
    set_quotas(flexemu, pid, gigabytes=-1)
    assert conn.block_storage.create_volume(size=10).size == 10
    assert conn.block_storage.create_volume(size=32768).size == 32768


def test_system_disk_from_image_is_capped_at_1024(conn):
    image = conn.image.find_image("OBS Debian 10.0")
    with pytest.raises(exceptions.BadRequestException, match="1 to 1024 GB"):
        conn.block_storage.create_volume(size=1025, image_id=image.id)


def test_unknown_volume_is_404(conn):
    with pytest.raises(exceptions.NotFoundException, match="could not be found"):
        conn.block_storage.get_volume("2d5e4ad0-0000-4000-8000-000000000000")


def test_from_image_the_size_must_be_given(conn):
    image = conn.image.find_image("OBS Ubuntu 20.04")
    with pytest.raises(exceptions.BadRequestException, match="Size must be specified"):
        conn.block_storage.create_volume(image_id=image.id)


def test_retype_changes_the_type_after_retyping(flexemu, conn):
    volume = conn.block_storage.create_volume(size=10, volume_type="SAS")
    flexemu.advance("PT1M")
    conn.block_storage.retype_volume(volume, "SSD")
    assert conn.block_storage.get_volume(volume).status == "retyping"
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.status, shown.volume_type) == ("available", "SSD")
    with pytest.raises(exceptions.NotFoundException, match="Volume type with name GOLD"):
        conn.block_storage.retype_volume(volume, "GOLD")
