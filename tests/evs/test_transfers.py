"""Cinder volume transfers (os-volume-transfer) through openstacksdk, between two projects."""

import pytest
from openstack import exceptions

from tests.evs.conftest import set_quotas


@pytest.fixture
def other(flexemu, conn, pid):
    conn.identity.create_project(name="eu-west-0_xfer", parent_id=pid)
    return flexemu.openstack(project="eu-west-0_xfer")


def _available_volume(flexemu, conn, **options):
    volume = conn.block_storage.create_volume(size=10, **options)
    flexemu.advance("PT1M")
    return volume


def test_a_project_takes_a_volume_and_its_snapshot_with_the_key(flexemu, conn, pid, other):
    volume = _available_volume(flexemu, conn, volume_type="SAS")
    conn.block_storage.create_snapshot(volume_id=volume.id)
    flexemu.advance("PT1M")
    transfer = conn.block_storage.create_transfer(volume_id=volume.id, name="gift")
    assert transfer.auth_key and transfer.name == "gift"
    assert conn.block_storage.get_volume(volume).status == "awaiting-transfer"
    assert conn.block_storage.get_transfer(transfer.id).volume_id == volume.id
    assert [t.id for t in conn.block_storage.transfers()] == [transfer.id]
    with pytest.raises(exceptions.NotFoundException):
        other.block_storage.get_transfer(transfer.id)  # only its maker sees it
    with pytest.raises(exceptions.BadRequestException, match="invalid auth key"):
        other.block_storage.accept_transfer(transfer.id, "0" * 16)

    other.block_storage.accept_transfer(transfer.id, transfer.auth_key)
    taken = other.block_storage.get_volume(volume.id)
    assert (taken.status, taken.user_id) == ("available", other.current_user_id)
    assert [s.volume_id for s in other.block_storage.snapshots()] == [volume.id]
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_volume(volume.id)
    assert list(conn.block_storage.transfers()) == []
    used = conn.block_storage.get_quota_set(pid, usage=True).usage
    assert (used["volumes"], used["snapshots"], used["gigabytes_SAS"]) == (0, 0, 0)


def test_deleting_a_transfer_gives_the_volume_back(flexemu, conn):
    volume = _available_volume(flexemu, conn)
    transfer = conn.block_storage.create_transfer(volume_id=volume.id)
    with pytest.raises(exceptions.BadRequestException, match="status must be available"):
        conn.block_storage.create_transfer(volume_id=volume.id)
    conn.block_storage.delete_transfer(transfer)
    assert conn.block_storage.get_volume(volume).status == "available"
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_transfer(transfer.id)


def test_the_taker_s_quota_bounds_an_accept(flexemu, conn, other):
    volume = _available_volume(flexemu, conn)
    transfer = conn.block_storage.create_transfer(volume_id=volume.id)
    set_quotas(flexemu, other.current_project_id, volumes=0)
    with pytest.raises(exceptions.HttpException) as caught:
        other.block_storage.accept_transfer(transfer.id, transfer.auth_key)
    assert caught.value.status_code == 413
    assert conn.block_storage.get_volume(volume).status == "awaiting-transfer"
