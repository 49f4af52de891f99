"""Nova's deprecated image proxy: the images IMS shows the project, in Nova's shape, up to
microversion 2.35."""

import openstack.exceptions
import pytest

UBUNTU = "OBS Ubuntu 22.04"


def test_list_find_and_show_through_openstacksdk(conn, image_id):
    listed = list(conn.compute.images())
    assert UBUNTU in {image.name for image in listed}
    found = conn.compute.find_image(UBUNTU, ignore_missing=False)
    assert found.id == image_id
    shown = conn.compute.get_image(image_id)
    assert (shown.name, shown.status, shown.progress) == (UBUNTU, "ACTIVE", 100)
    assert shown.min_disk == 40 and shown.size is not None
    assert shown.metadata["__os_type"] == "Linux"


def test_detail_metadata_and_paging_on_the_wire(nova, image_id):
    (image,) = [i for i in nova.get("/images/detail").json()["images"] if i["id"] == image_id]
    assert image["minDisk"] == 40 and image["created"].endswith("Z")
    assert {link["rel"] for link in image["links"]} == {"self", "bookmark", "alternate"}
    metadata = nova.get(f"/images/{image_id}/metadata").json()["metadata"]
    assert metadata == image["metadata"] and "name" not in metadata
    item = nova.get(f"/images/{image_id}/metadata/__os_type").json()
    assert item == {"meta": {"__os_type": "Linux"}}
    assert nova.get(f"/images/{image_id}/metadata/nope").status_code == 404
    page = nova.get("/images", params={"limit": 2}).json()
    assert len(page["images"]) == 2 and set(page["images"][0]) == {"id", "name", "links"}
    following = nova.get("/images", params={"limit": 2, "marker": page["images"][1]["id"]})
    assert page["images"][1]["id"] not in {i["id"] for i in following.json()["images"]}
    by_name = nova.get("/images", params={"name": UBUNTU}).json()["images"]
    assert [i["id"] for i in by_name] == [image_id]


def test_gone_from_microversion_2_36(nova, image_id):
    assert nova.get(f"/images/{image_id}", version="2.35").status_code == 200
    gone = nova.get(f"/images/{image_id}", version="2.36")
    assert gone.status_code == 404
    assert gone.json()["itemNotFound"]["message"] == "The resource could not be found."


def test_delete_an_own_image_but_not_a_public_one(conn, nova, image_id):
    mine = conn.image.create_image(name="mine", disk_format="qcow2", container_format="bare")
    shown = nova.get(f"/images/{mine.id}").json()["image"]
    assert (shown["status"], shown["progress"]) == ("SAVING", 25)
    assert nova.delete(f"/images/{mine.id}").status_code == 204
    assert nova.get(f"/images/{mine.id}").status_code == 404
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.image.get_image(mine.id)
    assert nova.delete(f"/images/{image_id}").status_code == 403


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_an_empty_image_id_is_not_found(nova, method):
    answer = nova.request(method, "/images/", follow_redirects=True)
    assert answer.status_code == 404
    assert answer.json()["itemNotFound"]["code"] == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/images"), ("DELETE", "/os-security-groups"), ("PUT", "/servers")],
)
def test_a_method_a_path_does_not_take_is_not_found(nova, method, path):
    """Nova's router matches path and method together: no match is 404, never 405."""
    answer = nova.request(method, path)
    assert answer.status_code == 404
    assert answer.json() == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }


def test_filters_by_server_and_snapshot_type(flexemu, conn, boot, nova, image_id):
    servers = [boot("a"), boot("b")]
    flexemu.advance("PT1M")
    snaps = [conn.compute.create_server_image(server, f"snap-{server.name}") for server in servers]
    flexemu.advance("PT1H")
    first = servers[0]
    link = nova.get(f"/servers/{first.id}").json()["server"]["links"][0]["href"]
    for server_ref in (first.id, link):
        listed = nova.get("/images", params={"server": server_ref}).json()["images"]
        assert [image["id"] for image in listed] == [snaps[0].id]
    detail = nova.get("/images/detail", params={"type": "snapshot"}).json()["images"]
    assert {image["id"] for image in detail} == {snap.id for snap in snaps}
    assert nova.get("/images", params={"type": "backup"}).json()["images"] == []
