"""Nova's createImage server action, made by IMS: the image id in a Location header before
microversion 2.45, in the body from 2.45; createBackup, which Flexible Engine does not offer."""

import pytest
from openstack import exceptions


def active_server(flexemu, conn, boot):
    server = boot("source")
    flexemu.advance("PT5M")
    return conn.compute.get_server(server.id)


def test_create_image_before_and_from_2_45(flexemu, conn, nova, boot):
    server = active_server(flexemu, conn, boot)
    old = nova.post(f"/servers/{server.id}/action", json={"createImage": {"name": "old"}})
    assert old.status_code == 202
    old_id = old.headers["Location"].rsplit("/", 1)[1]
    assert old.content == b""
    new = nova.post(
        f"/servers/{server.id}/action",
        json={"createImage": {"name": "new", "metadata": {"team": "web"}}},
        version="2.45",
    )
    assert new.status_code == 202
    assert "Location" not in new.headers
    new_id = new.json()["image_id"]
    flexemu.advance("PT1M")
    made = {image.id: image for image in conn.image.images(visibility="private")}
    assert (made[old_id].name, made[new_id].name) == ("old", "new")
    assert made[new_id].properties["team"] == "web"
    assert made[new_id].status == "active"


def test_openstacksdk_create_server_image(flexemu, conn, boot):
    server = active_server(flexemu, conn, boot)
    image = conn.compute.create_server_image(server, "snap", metadata={"k": "v"})
    flexemu.advance("PT1M")
    shown = conn.image.get_image(image.id)
    assert (shown.name, shown.status, shown.min_disk) == ("snap", "active", 40)


def test_create_image_of_an_unknown_server_is_404(conn):
    with pytest.raises(exceptions.NotFoundException):
        conn.compute.create_server_image("00000000-0000-4000-8000-000000000000", "x")


def test_create_backup_is_refused_by_policy(flexemu, conn, boot):
    """Flexible Engine's Nova offers no createBackup: oslo.policy's 403, not Nova's 400 for an
    action it does not know."""
    server = boot()
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.ForbiddenException) as refused:
        conn.compute.backup_server(server, "nightly", "daily", 2)
    assert "os_compute_api:os-create-backup" in str(refused.value)
