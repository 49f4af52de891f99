"""`openstack volume backup …` (python-openstackclient) against the emulator."""

from tests.backup.conftest import available_volumes, drain


def test_backup_create_list_restore_delete(flexemu, conn, cli):
    source, target = available_volumes(flexemu, conn, 2)
    created = cli("volume", "backup", "create", "--name", "nightly", source.id)
    drain(flexemu)
    listed = cli("volume", "backup", "list")
    assert [(b["ID"], b["Name"], b["Status"]) for b in listed] == [
        (created["id"], "nightly", "available")
    ]
    restored = cli("volume", "backup", "restore", "--force", created["id"], target.id)
    assert restored["volume_id"] == target.id
    drain(flexemu)
    cli("volume", "backup", "delete", created["id"], output=False)
    drain(flexemu)
    assert list(conn.block_storage.backups()) == []
