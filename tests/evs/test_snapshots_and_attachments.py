"""Snapshots, the delete rules they impose, and the attach/detach operations compute calls."""

import pytest
from openstack import exceptions

from apis.evs import attachments
from emulator.context import ProjectRef, RequestContext
from emulator.errors import BadRequest
from state.models import Project

SERVER = "9f8e7d6c-0000-4000-8000-000000000001"
OTHER_SERVER = "9f8e7d6c-0000-4000-8000-000000000002"


def context(flexemu, project: str = "eu-west-0") -> RequestContext:
    """What compute holds when it calls the EVS operations (no HTTP involved)."""
    with flexemu.emulator.db.transaction() as tx:
        row = tx.get(Project, flexemu.project_ids[project])
        ref = ProjectRef(row.id, row.name, row.domain_id, row.region)
    return RequestContext(flexemu.emulator, None, ref, "test")  # type: ignore[arg-type]


def attach(flexemu, volume_id: str, server_id: str = SERVER) -> None:
    ctx = context(flexemu)
    with ctx.transaction() as tx:
        attachments.attach(tx, ctx, volume_id, server_id, "/dev/vdb")


def detach(flexemu, volume_id: str, server_id: str = SERVER) -> None:
    ctx = context(flexemu)
    with ctx.transaction() as tx:
        attachments.detach(tx, ctx, volume_id, server_id)


@pytest.fixture
def volume(flexemu, conn):
    created = conn.block_storage.create_volume(size=10, name="disk")
    flexemu.advance("PT1M")
    return created


def test_snapshot_lifecycle(flexemu, conn, volume):
    snapshot = conn.block_storage.create_snapshot(
        volume_id=volume.id, name="s1", description="before upgrade"
    )
    assert (snapshot.status, snapshot.size) == ("creating", 10)
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_snapshot(snapshot)
    assert (shown.status, shown.name, shown.volume_id) == ("available", "s1", volume.id)
    assert [s.id for s in conn.block_storage.snapshots(volume_id=volume.id)] == [snapshot.id]
    conn.block_storage.delete_snapshot(snapshot)
    assert conn.block_storage.get_snapshot(snapshot).status == "deleting"
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_snapshot(snapshot)


def test_snapshot_counts_against_snapshot_and_gigabyte_quotas(flexemu, api, conn, volume):
    conn.block_storage.create_snapshot(volume_id=volume.id)
    usage = api("GET", "/v3/{pid}/os-quota-sets/{pid}?usage=true").json()["quota_set"]
    assert usage["snapshots"]["in_use"] == 1 and usage["gigabytes"]["in_use"] == 20
    assert usage["snapshots_SATA"]["in_use"] == 1


def test_volume_with_snapshots_needs_cascade(flexemu, conn, volume):
    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id)
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.BadRequestException, match="have snapshots"):
        conn.block_storage.delete_volume(volume)
    conn.block_storage.delete_volume(volume, cascade=True)
    assert conn.block_storage.get_snapshot(snapshot).status == "deleting"
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_snapshot(snapshot)
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.get_volume(volume)


def test_attach_and_detach_on_the_clock(flexemu, conn, volume):
    attach(flexemu, volume.id)
    assert conn.block_storage.get_volume(volume).status == "attaching"
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert shown.status == "in-use"
    assert [(a["server_id"], a["device"]) for a in shown.attachments] == [(SERVER, "/dev/vdb")]
    detach(flexemu, volume.id)
    assert conn.block_storage.get_volume(volume).status == "detaching"
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.status, shown.attachments) == ("available", [])


def test_a_volume_in_use_cannot_be_deleted(flexemu, conn, volume):
    attach(flexemu, volume.id)
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.BadRequestException, match="attached"):
        conn.block_storage.delete_volume(volume)


def test_snapshot_of_an_in_use_volume_needs_force(flexemu, conn, api, volume):
    attach(flexemu, volume.id)
    flexemu.advance("PT1M")
    refused = api("POST", "/v3/{pid}/snapshots", json={"snapshot": {"volume_id": volume.id}})
    assert refused.status_code == 400
    assert refused.json()["badRequest"]["message"] == (
        f"Invalid volume: Volume {volume.id} status must be available, but current status is: "
        "in-use."
    )
    forced = api(
        "POST", "/v3/{pid}/snapshots", json={"snapshot": {"volume_id": volume.id, "force": True}}
    )
    assert forced.status_code == 202


def test_only_a_multiattach_volume_takes_a_second_server(flexemu, conn, volume):
    shared = conn.block_storage.create_volume(size=10, is_multiattach=True)
    flexemu.advance("PT1M")
    for target in (volume, shared):
        attach(flexemu, target.id)
    flexemu.advance("PT1M")
    with pytest.raises(BadRequest, match="must be available to attach"):
        attach(flexemu, volume.id, OTHER_SERVER)
    attach(flexemu, shared.id, OTHER_SERVER)
    flexemu.advance("PT1M")
    assert len(conn.block_storage.get_volume(shared).attachments) == 2
    detach(flexemu, shared.id)
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(shared).status == "in-use"


def test_an_in_use_volume_can_be_extended(flexemu, conn, volume):
    attach(flexemu, volume.id)
    flexemu.advance("PT1M")
    conn.block_storage.extend_volume(volume, 15)
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume)
    assert (shown.status, shown.size) == ("in-use", 15)
