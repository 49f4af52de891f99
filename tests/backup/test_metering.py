"""Backup GB-hours: one usage interval per backup, from its creation to its deletion, of the
data it holds (the whole volume for a full backup, the growth for an incremental one)."""

from apis.backup.backups import METER
from emulator import metering
from tests.backup.conftest import available_volumes, drain


def backup_intervals(flexemu, pid: str) -> list:
    with flexemu.emulator.db.transaction() as tx:
        rows = metering.intervals(tx, project_ids=[pid])
        return [
            (r.resource_id, r.region, r.quantity, r.unit_class, r.ended_at is None)
            for r in rows
            if r.meter == METER
        ]


def test_backup_gb_hours_from_creation_to_deletion(flexemu, conn, pid):
    [volume] = available_volumes(flexemu, conn, 1, size=40)
    full = conn.block_storage.create_backup(volume_id=volume.id)
    drain(flexemu)
    conn.block_storage.extend_volume(volume, 50)
    flexemu.advance("PT1M")
    grown = conn.block_storage.create_backup(volume_id=volume.id, is_incremental=True)
    drain(flexemu)
    assert backup_intervals(flexemu, pid) == [
        (full.id, "eu-west-0", 40, "full", True),
        (grown.id, "eu-west-0", 10, "incremental", True),
    ]
    conn.block_storage.delete_backup(grown)
    drain(flexemu)
    assert [open_ for *_, open_ in backup_intervals(flexemu, pid)] == [True, False]
