"""Cinder `/backups` through openstacksdk: create, list, show, incremental chains, restore,
delete, and the statuses along the way on the virtual clock."""

import re

import pytest
from openstack import exceptions

from apis.evs import attachments
from emulator.context import ProjectRef, RequestContext
from tests.backup.conftest import available_volumes, drain


def test_backup_is_creating_then_available_and_records_the_volume(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1, size=20, volume_type="SSD")
    backup = conn.block_storage.create_backup(volume_id=volume.id, name="b1", description="d")
    assert backup.name == "b1"
    shown = conn.block_storage.get_backup(backup)
    assert (shown.status, shown.size, shown.volume_id) == ("creating", 20, volume.id)
    assert conn.block_storage.get_volume(volume).status == "backing-up"
    drain(flexemu)
    shown = conn.block_storage.get_backup(backup)
    assert (shown.status, shown.is_incremental, shown.has_dependent_backups) == (
        "available",
        False,
        False,
    )
    assert (shown.availability_zone, shown.description) == ("eu-west-0a", "d")
    assert conn.block_storage.get_volume(volume).status == "available"


def test_incremental_backup_rests_on_the_last_one_which_cannot_go_first(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    full = conn.block_storage.create_backup(volume_id=volume.id, name="full")
    drain(flexemu)
    incremental = conn.block_storage.create_backup(
        volume_id=volume.id, name="inc", is_incremental=True
    )
    drain(flexemu)
    assert conn.block_storage.get_backup(incremental).is_incremental is True
    assert conn.block_storage.get_backup(full).has_dependent_backups is True
    with pytest.raises(exceptions.BadRequestException, match="Incremental backups exist"):
        conn.block_storage.delete_backup(full)
    conn.block_storage.delete_backup(incremental)
    assert conn.block_storage.get_backup(incremental).status == "deleting"
    drain(flexemu)
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_backup(incremental)
    conn.block_storage.delete_backup(full)
    drain(flexemu)
    assert list(conn.block_storage.backups()) == []


def test_incremental_needs_a_backup_to_rest_on(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    with pytest.raises(exceptions.BadRequestException, match="No backups available"):
        conn.block_storage.create_backup(volume_id=volume.id, is_incremental=True)
    assert list(conn.block_storage.backups()) == []


def test_a_volume_not_yet_available_cannot_be_backed_up(conn):
    volume = conn.block_storage.create_volume(size=10)
    with pytest.raises(exceptions.BadRequestException, match='current status is "creating"'):
        conn.block_storage.create_backup(volume_id=volume.id)
    assert list(conn.block_storage.backups()) == []


def test_one_backup_of_a_volume_at_a_time(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    conn.block_storage.create_backup(volume_id=volume.id)
    with pytest.raises(exceptions.BadRequestException, match="backing-up"):
        conn.block_storage.create_backup(volume_id=volume.id)
    assert len(list(conn.block_storage.backups())) == 1


def test_list_filters_summary_and_detail(flexemu, conn):
    first, second = available_volumes(flexemu, conn, 2)
    a = conn.block_storage.create_backup(volume_id=first.id, name="a")
    b = conn.block_storage.create_backup(volume_id=second.id, name="b")
    drain(flexemu)
    assert {x.id for x in conn.block_storage.backups(details=False)} == {a.id, b.id}
    assert [x.name for x in conn.block_storage.backups(volume_id=second.id)] == ["b"]
    assert [x.id for x in conn.block_storage.backups(name="a")] == [a.id]
    assert len(list(conn.block_storage.backups(status="available"))) == 2
    assert list(conn.block_storage.backups(status="creating")) == []
    [detail] = [x for x in conn.block_storage.backups(details=True) if x.id == a.id]
    assert (detail.size, detail.volume_id, detail.status) == (10, first.id, "available")


def test_restore_overwrites_a_volume_of_another_zone(flexemu, conn):
    [source] = available_volumes(flexemu, conn, 1, size=10, availability_zone="eu-west-0a")
    [target] = available_volumes(flexemu, conn, 1, size=20, availability_zone="eu-west-0b")
    backup = conn.block_storage.create_backup(volume_id=source.id)
    drain(flexemu)
    conn.block_storage.restore_backup(backup, volume=target.id)
    assert conn.block_storage.get_backup(backup).status == "restoring"
    assert conn.block_storage.get_volume(target).status == "restoring-backup"
    drain(flexemu)
    assert conn.block_storage.get_backup(backup).status == "available"
    restored = conn.block_storage.get_volume(target)
    assert (restored.status, restored.size, restored.availability_zone) == (
        "available",
        20,
        "eu-west-0b",
    )


def test_restore_into_a_new_volume_of_the_backup_size_and_type(flexemu, conn):
    [source] = available_volumes(flexemu, conn, 1, size=30, volume_type="SAS")
    backup = conn.block_storage.create_backup(volume_id=source.id)
    drain(flexemu)
    restored = conn.block_storage.restore_backup(backup, name="copy")
    volume = conn.block_storage.get_volume(restored.volume_id)
    assert (volume.name, volume.size, volume.volume_type) == ("copy", 30, "SAS")
    assert volume.status == "restoring-backup"
    drain(flexemu)
    assert conn.block_storage.get_volume(volume).status == "available"


def test_restore_refuses_a_small_volume_and_a_volume_of_another_region(flexemu, conn):
    [source] = available_volumes(flexemu, conn, 1, size=20)
    [small] = available_volumes(flexemu, conn, 1, size=10)
    elsewhere = flexemu.openstack("eu-west-1")
    [foreign] = available_volumes(flexemu, elsewhere, 1, size=40)
    backup = conn.block_storage.create_backup(volume_id=source.id)
    drain(flexemu)
    with pytest.raises(exceptions.BadRequestException, match="too small"):
        conn.block_storage.restore_backup(backup, volume=small.id)
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.restore_backup(backup, volume=foreign.id)
    assert conn.block_storage.get_backup(backup).status == "available"
    assert conn.block_storage.get_volume(small).status == "available"


def test_other_tenants_backups_and_volumes_are_not_found(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    backup = conn.block_storage.create_backup(volume_id=volume.id)
    elsewhere = flexemu.openstack("eu-west-1")
    with pytest.raises(exceptions.NotFoundException):
        elsewhere.block_storage.get_backup(backup.id)
    with pytest.raises(exceptions.NotFoundException):
        elsewhere.block_storage.create_backup(volume_id=volume.id)
    assert list(elsewhere.block_storage.backups()) == []


def test_deleting_a_volume_keeps_its_backups(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    backup = conn.block_storage.create_backup(volume_id=volume.id)
    drain(flexemu)
    conn.block_storage.delete_volume(volume)
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_volume(volume.id)
    assert conn.block_storage.get_backup(backup).status == "available"


def attach_to_a_server(flexemu, project_id: str, volume_id: str) -> None:
    """Attach through EVS's own operation, as compute does (no compute API on this branch)."""
    ctx = RequestContext(
        flexemu.emulator, None, ProjectRef(project_id, "eu-west-0", "", "eu-west-0"), "test"
    )
    with flexemu.emulator.db.transaction() as tx:
        attachments.attach(tx, ctx, volume_id, "server-1", "/dev/vdb")
    flexemu.advance("PT1M")


def test_an_in_use_volume_is_backed_up_only_with_force(flexemu, conn):
    [volume] = available_volumes(flexemu, conn, 1)
    attach_to_a_server(flexemu, conn.current_project_id, volume.id)
    with pytest.raises(exceptions.BadRequestException, match="must use the force flag"):
        conn.block_storage.create_backup(volume_id=volume.id)
    backup = conn.block_storage.create_backup(volume_id=volume.id, force=True)
    assert conn.block_storage.get_volume(volume).status == "backing-up"
    drain(flexemu)
    assert conn.block_storage.get_backup(backup).status == "available"
    assert conn.block_storage.get_volume(volume).status == "in-use"


@pytest.mark.parametrize(
    "path", ["/v2/{pid}/backups", "/vbs/v2/{pid}/backups", "/evs/v3/{pid}/backups"]
)
def test_times_are_printed_as_cinder_does_without_a_zone(flexemu, conn, vbs, path):
    """golangsdk (terraform's vbs_backup_v2) parses them as 2006-01-02T15:04:05.999999."""
    [volume] = available_volumes(flexemu, conn, 1)
    backup = conn.block_storage.create_backup(volume_id=volume.id)
    drain(flexemu)
    shown = vbs.ok("GET", f"{path}/{backup.id}")["backup"]
    listed = vbs.ok("GET", f"{path}/detail")["backups"][0]
    for body in (shown, listed):
        for key in ("created_at", "updated_at", "data_timestamp"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", body[key]), body[key]


def test_a_restore_gives_the_volume_the_metadata_it_had_when_backed_up(flexemu, conn):
    [source] = available_volumes(flexemu, conn, 1, metadata={"app": "db", "tier": "1"})
    [target] = available_volumes(flexemu, conn, 1, metadata={"tier": "2", "own": "x"})
    backup = conn.block_storage.create_backup(volume_id=source.id)
    drain(flexemu)
    conn.block_storage.set_volume_metadata(source, app="changed")
    copy_id = conn.block_storage.restore_backup(backup, name="copy").volume_id
    drain(flexemu)
    conn.block_storage.restore_backup(backup, volume=target.id)
    drain(flexemu)
    assert conn.block_storage.get_volume(copy_id).metadata == {"app": "db", "tier": "1"}
    merged = conn.block_storage.get_volume(target).metadata
    assert merged == {"app": "db", "tier": "1", "own": "x"}
