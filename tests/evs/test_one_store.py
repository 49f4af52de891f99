"""Both dialects are one store; tenants never see each other's volumes; GB-hours are metered."""

from decimal import Decimal

import pytest
from huaweicloudsdkevs.v2 import ListVolumesRequest, ShowVolumeRequest
from openstack import exceptions

from emulator import metering
from tests.evs.conftest import create_native


def test_a_cinder_volume_is_in_cloudvolumes_detail(evs, conn):
    volume = conn.block_storage.create_volume(size=11, name="from-cinder", volume_type="SAS")
    listed = evs.list_volumes(ListVolumesRequest()).volumes
    assert [(v.id, v.name, v.size, v.volume_type) for v in listed] == [
        (volume.id, "from-cinder", 11, "SAS")
    ]


def test_a_native_volume_is_in_cinder(flexemu, evs, conn):
    volume_id = create_native(evs, name="from-evs", multiattach=True).volume_ids[0]
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume_id)
    assert (shown.name, shown.status, shown.is_multiattach) == ("from-evs", "available", True)
    assert [v.id for v in conn.block_storage.volumes()] == [volume_id]


def test_a_cinder_snapshot_is_a_cloudsnapshot_and_back(flexemu, api, conn):
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id, name="s")
    native = api("GET", "/v2/{pid}/cloudsnapshots/detail").json()
    assert [s["id"] for s in native["snapshots"]] == [snapshot.id]
    created = api(
        "POST", "/v2/{pid}/cloudsnapshots", json={"snapshot": {"volume_id": volume.id, "name": "n"}}
    ).json()["snapshot"]
    assert conn.block_storage.get_snapshot(created["id"]).name == "n"


def test_a_native_update_shows_in_cinder_and_back(evs, conn, api):
    volume = conn.block_storage.create_volume(size=10)
    api("PUT", f"/v2/{{pid}}/cloudvolumes/{volume.id}", json={"volume": {"name": "n1"}})
    assert conn.block_storage.get_volume(volume).name == "n1"
    conn.block_storage.update_volume(volume, name="n2")
    assert evs.show_volume(ShowVolumeRequest(volume_id=volume.id)).volume.name == "n2"


@pytest.fixture
def stranger(flexemu):
    """openstacksdk for the eu-west-0 project of another account."""
    flexemu.admin(
        "POST", "/accounts", json={"domain": "OCB0000002", "user": "bob", "password": "Bob-pass1"}
    ).raise_for_status()
    return flexemu.openstack(
        username="bob",
        password="Bob-pass1",
        user_domain_name="OCB0000002",
        project_domain_name="OCB0000002",
    )


def test_another_tenants_volume_is_404_in_both_dialects(conn, api, stranger):
    volume = conn.block_storage.create_volume(size=10)
    with pytest.raises(exceptions.NotFoundException):
        stranger.block_storage.get_volume(volume.id)
    assert list(stranger.block_storage.volumes()) == []
    own_path = api(
        "GET",
        f"/v2/{stranger.current_project_id}/cloudvolumes/{volume.id}",
        headers={"X-Auth-Token": stranger.auth_token},
    )
    assert own_path.status_code == 404


def test_gb_hours_are_metered_by_type_until_deletion(flexemu, conn, pid):
    volume = conn.block_storage.create_volume(size=20, volume_type="SSD")
    flexemu.advance("PT1M")
    conn.block_storage.extend_volume(volume, 30)
    flexemu.advance("PT1H")
    conn.block_storage.delete_volume(volume)
    flexemu.advance("PT1M")
    with flexemu.emulator.db.transaction() as tx:
        rows = [
            (r.meter, r.unit_class, r.quantity, r.ended_at is None)
            for r in metering.intervals(tx, project_ids=[pid])
        ]
    assert rows == [
        ("evs.volume_gb_hours", "SSD", Decimal(20), False),
        ("evs.volume_gb_hours", "SSD", Decimal(30), False),
    ]


def test_a_refused_create_starts_no_meter(flexemu, conn, pid):
    with pytest.raises(exceptions.BadRequestException):
        conn.block_storage.create_volume(size=5)
    with flexemu.emulator.db.transaction() as tx:
        assert metering.intervals(tx, project_ids=[pid]) == []


def test_snapshots_record_their_size(flexemu, conn, pid):
    volume = conn.block_storage.create_volume(size=15, volume_type="SAS")
    flexemu.advance("PT1M")
    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id)
    with flexemu.emulator.db.transaction() as tx:
        meters = {
            r.resource_id: (r.meter, r.unit_class, r.quantity)
            for r in metering.intervals(tx, project_ids=[pid])
        }
    assert meters[snapshot.id] == ("evs.snapshot_gb_hours", "SAS", Decimal(15))


def test_another_tenants_volume_is_no_marker(conn, api, stranger):
    volume = conn.block_storage.create_volume(size=10)
    headers = {"X-Auth-Token": stranger.auth_token}
    for path in ("/v3/{sp}/volumes/detail", "/v2/{sp}/cloudvolumes/detail"):
        response = api(
            "GET",
            path.replace("{sp}", stranger.current_project_id),
            params={"marker": volume.id},
            headers=headers,
        )
        assert response.status_code == 404
