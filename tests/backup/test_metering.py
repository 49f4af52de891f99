"""Backup GB-hours: one usage interval per backup, from its creation to its deletion, of the
data it holds (the whole volume for a full backup, the growth for an incremental one)."""

from apis.backup.backups import METER
from emulator import metering
from tests.backup.conftest import available_volumes, drain
from tests.backup.test_policies import associate, create_policy, signed_in, to_next_month_start


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


def test_a_pruned_backup_passes_its_data_to_the_one_resting_on_it(flexemu):
    """A daily policy keeping 3 backups of a 10 GB volume: the first (full, 10 GB) goes on the
    fourth day, and the next one, incremental on it with nothing grown, becomes the full
    backup of the chain: the 10 GB stay stored and billed, from then on as its own."""
    to_next_month_start(flexemu)
    conn, vbs = signed_in(flexemu)
    [volume] = available_volumes(flexemu, conn, 1)
    associate(vbs, create_policy(vbs), volume.id)
    flexemu.advance("P4D")
    conn, _ = signed_in(flexemu)
    kept = sorted(conn.block_storage.backups(volume_id=volume.id), key=lambda b: b.created_at)
    intervals = backup_intervals(flexemu, flexemu.project_ids["eu-west-0"])
    heir = [
        (quantity, unit_class) for rid, _, quantity, unit_class, _ in intervals if rid == kept[0].id
    ]
    assert heir == [(0, "incremental"), (10, "full")]
    still_open = {
        rid: (quantity, unit_class) for rid, _, quantity, unit_class, open_ in intervals if open_
    }
    assert [still_open[backup.id] for backup in kept] == [
        (10, "full"),
        (0, "incremental"),
        (0, "incremental"),
    ]
