"""Cinder's os-volume_upload_image: a volume's data exported as a private IMS image, through
openstacksdk (block storage and the cloud layer) and raw HTTP."""

import pytest
from openstack import exceptions

from tests.evs.test_snapshots_and_attachments import attach


@pytest.fixture
def volume(flexemu, conn):
    created = conn.block_storage.create_volume(size=20, name="data")
    flexemu.advance("PT1M")
    return created


def test_the_volume_is_uploading_until_the_image_is_saved(flexemu, conn, volume):
    answer = conn.block_storage.upload_volume_to_image(
        volume, "exported", disk_format="qcow2", container_format="bare"
    )
    assert (answer["id"], answer["status"], answer["size"]) == (volume.id, "uploading", 20)
    assert (answer["image_name"], answer["disk_format"]) == ("exported", "qcow2")
    assert answer["volume_type"]["name"] == "SATA"
    assert conn.block_storage.get_volume(volume).status == "uploading"
    image = conn.image.get_image(answer["image_id"])
    assert (image.name, image.status, image.visibility) == ("exported", "saving", "private")
    assert (image.disk_format, image.container_format, image.min_disk) == ("qcow2", "bare", 20)
    assert image.properties["__data_origin"] == f"volume,{volume.id}"
    assert image.properties["__os_type"] == "Linux"
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(volume).status == "available"
    assert conn.image.get_image(answer["image_id"]).status == "active"


def test_the_cloud_layer_makes_an_image_of_a_volume(flexemu, conn, volume):
    image = conn.create_image("from-volume", volume=volume, wait=False)
    assert conn.image.get_image(image.id).name == "from-volume"
    assert image.id in {listed.id for listed in conn.image.images(visibility="private")}


def test_windows_is_taken_from_the_request(conn, volume):
    answer = conn.block_storage.post(
        f"/volumes/{volume.id}/action",
        json={"os-volume_upload_image": {"image_name": "win", "__os_type": "windows"}},
    )
    assert answer.status_code == 202
    body = answer.json()["os-volume_upload_image"]
    assert (body["disk_format"], body["container_format"]) == ("vhd", "bare")
    assert conn.image.get_image(body["image_id"]).properties["__os_type"] == "Windows"


def test_an_attached_volume_needs_force(flexemu, conn, volume):
    attach(flexemu, volume.id)
    flexemu.advance("PT1M")
    with pytest.raises(exceptions.BadRequestException, match="Volume status is in-use"):
        conn.block_storage.upload_volume_to_image(volume, "busy")
    answer = conn.block_storage.upload_volume_to_image(volume, "busy", force=True)
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(volume).status == "in-use"
    assert conn.image.get_image(answer["image_id"]).status == "active"


@pytest.mark.parametrize(
    "option,fragment",
    [
        ({"image_name": "x", "disk_format": "vmdk"}, "Invalid disk-format 'vmdk'"),
        ({"image_name": "x", "container_format": "docker"}, "Invalid container-format"),
        ({"disk_format": "raw"}, "No image_name was specified in request."),
    ],
)
def test_bad_requests_are_400_and_write_nothing(api, volume, option, fragment):
    response = api(
        "POST", f"/v2/{{pid}}/volumes/{volume.id}/action", json={"os-volume_upload_image": option}
    )
    assert response.status_code == 400
    assert fragment in response.json()["badRequest"]["message"]
    assert api("GET", f"/v2/{{pid}}/volumes/{volume.id}").json()["volume"]["status"] == "available"
    private = api("GET", "/v2/images", params={"visibility": "private"}).json()["images"]
    assert private == []


def test_a_creating_volume_cannot_be_uploaded(conn):
    creating = conn.block_storage.create_volume(size=10)
    with pytest.raises(exceptions.BadRequestException, match="must be available/in-use"):
        conn.block_storage.upload_volume_to_image(creating, "early")
