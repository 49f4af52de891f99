"""Private images through Glance v2: openstacksdk, python-openstackclient and httpx."""

import hashlib
import os
from typing import Any

import httpx
import pytest
from openstack import exceptions

PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def api(flexemu, conn):
    def request(method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"X-Auth-Token": conn.auth_token, **kwargs.pop("headers", {})}
        return httpx.request(method, flexemu.url + path, headers=headers, **kwargs)

    return request


@pytest.fixture
def disk(tmp_path):
    path = tmp_path / "disk.qcow2"
    path.write_bytes(os.urandom(300_000))
    return path


def create(api, **body: Any) -> dict[str, Any]:
    defaults = {"name": "mine", "disk_format": "qcow2", "container_format": "bare"}
    answer = api("POST", "/v2/images", json={**defaults, **body})
    assert answer.status_code == 201, answer.text
    assert answer.headers["Location"].endswith(f"/v2/images/{answer.json()['id']}")
    return answer.json()


def test_sdk_creates_uploads_and_downloads(conn, disk):
    image = conn.create_image("golden", filename=str(disk), wait=True)
    shown = conn.image.get_image(image.id)
    data = disk.read_bytes()
    assert (shown.status, shown.visibility, shown.size) == ("active", "private", len(data))
    assert shown.checksum == hashlib.md5(data).hexdigest()
    assert (shown.hash_algo, shown.hash_value) == ("sha512", hashlib.sha512(data).hexdigest())
    assert shown.owner == conn.current_project_id
    assert shown.properties["__imagetype"] == "private"
    assert conn.image.download_image(shown).content == data
    names = {listed.name for listed in conn.image.images()}
    assert "golden" in names and "OBS Ubuntu 18.04" in names
    assert [listed.name for listed in conn.image.images(visibility="private")] == ["golden"]


def test_create_is_queued_with_properties_and_tags(api, conn):
    body = create(api, min_disk=20, min_ram=1024, protected=True, tags=["a", "b"], foo="bar")
    assert (body["status"], body["visibility"], body["owner"]) == (
        "queued",
        "private",
        conn.current_project_id,
    )
    assert (body["min_disk"], body["min_ram"], body["protected"]) == (20, 1024, True)
    assert (body["size"], body["checksum"], body["foo"], body["tags"]) == (
        None,
        None,
        "bar",
        ["a", "b"],
    )
    assert api("GET", f"/v2/images/{body['id']}/file").status_code == 204


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"disk_format": "floppy"}, 400),
        ({"container_format": "box"}, 400),
        ({"min_disk": -1}, 400),
        ({"status": "active"}, 403),
        ({"checksum": "x"}, 403),
        ({"deleted": True}, 403),
        ({"os_glance_foo": "bar"}, 403),
        ({"visibility": "public"}, 403),
        ({"foo": 1}, 400),
    ],
)
def test_create_refuses_bad_attributes(api, body, status):
    answer = api("POST", "/v2/images", json={"name": "x", **body})
    assert answer.status_code == status
    assert answer.json()["error"]["code"].startswith("IMG.")


def test_upload_download_wire(api):
    image = create(api)
    data = b"disk bytes" * 1000
    wrong = api("PUT", f"/v2/images/{image['id']}/file", content=data)
    assert wrong.status_code == 415
    put = api(
        "PUT",
        f"/v2/images/{image['id']}/file",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert put.status_code == 204
    got = api("GET", f"/v2/images/{image['id']}/file")
    assert got.content == data
    assert got.headers["Content-MD5"] == hashlib.md5(data).hexdigest()
    again = api(
        "PUT",
        f"/v2/images/{image['id']}/file",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert again.status_code == 409


def test_patch_add_replace_remove(api):
    image = create(api, foo="bar")
    ops = [
        {"op": "replace", "path": "/name", "value": "renamed"},
        {"op": "add", "path": "/colour", "value": "blue"},
        {"op": "remove", "path": "/foo"},
        {"op": "replace", "path": "/min_ram", "value": 512},
    ]
    patched = api("PATCH", f"/v2/images/{image['id']}", json=ops, headers=PATCH)
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["name"], body["colour"], body["min_ram"]) == ("renamed", "blue", 512)
    assert "foo" not in body
    as_json = api("PATCH", f"/v2/images/{image['id']}", json=ops)
    assert as_json.status_code == 415
    read_only = [{"op": "replace", "path": "/status", "value": "active"}]
    refused = api("PATCH", f"/v2/images/{image['id']}", json=read_only, headers=PATCH)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Attribute 'status' is read-only."
    missing = [{"op": "remove", "path": "/nothing"}]
    assert api("PATCH", f"/v2/images/{image['id']}", json=missing, headers=PATCH).status_code == 409
    shown = api("GET", f"/v2/images/{image['id']}").json()
    assert shown["name"] == "renamed"


def test_patch_in_the_older_media_type_names_the_operation_by_its_key(api):
    image = create(api, foo="bar")
    older = {"Content-Type": "application/openstack-images-v2.0-json-patch"}
    ops = [
        {"replace": "/name", "value": "renamed"},
        {"add": "/colour", "value": "blue"},
        {"remove": "/foo"},
    ]
    patched = api("PATCH", f"/v2/images/{image['id']}", json=ops, headers=older)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["name"], patched.json()["colour"]) == ("renamed", "blue")
    assert "foo" not in patched.json()
    both = [{"replace": "/name", "add": "/name", "value": "x"}]
    refused = api("PATCH", f"/v2/images/{image['id']}", json=both, headers=older)
    assert refused.status_code == 400
    assert "exactly one member" in refused.json()["error"]["message"]


def test_properties_of_glance_s_namespace_are_reserved(api):
    image = create(api)
    ops = [{"op": "add", "path": "/os_glance_foo", "value": "bar"}]
    refused = api("PATCH", f"/v2/images/{image['id']}", json=ops, headers=PATCH)
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Attribute 'os_glance_foo' is reserved."


def test_public_images_cannot_be_changed(api, conn):
    public = conn.image.find_image("OBS Debian 10.0")
    ops = [{"op": "replace", "path": "/name", "value": "mine"}]
    assert api("PATCH", f"/v2/images/{public.id}", json=ops, headers=PATCH).status_code == 403
    assert api("DELETE", f"/v2/images/{public.id}").status_code == 403


def test_protected_image_is_not_deleted(api):
    image = create(api, protected=True)
    refused = api("DELETE", f"/v2/images/{image['id']}")
    assert refused.status_code == 403
    unprotect = [{"op": "replace", "path": "/protected", "value": False}]
    api("PATCH", f"/v2/images/{image['id']}", json=unprotect, headers=PATCH)
    assert api("DELETE", f"/v2/images/{image['id']}").status_code == 204
    assert api("GET", f"/v2/images/{image['id']}").status_code == 404


def test_delete_releases_the_blob(flexemu, api):
    image = create(api)
    data = os.urandom(5000)
    api(
        "PUT",
        f"/v2/images/{image['id']}/file",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    path = flexemu.emulator.blobs.path(hashlib.sha256(data).hexdigest())
    assert path.exists()
    assert api("DELETE", f"/v2/images/{image['id']}").status_code == 204
    flexemu.emulator.blobs.settle()
    assert not path.exists()


def test_tags_and_tag_filter(api):
    image = create(api)
    other = create(api, name="other")
    assert api("PUT", f"/v2/images/{image['id']}/tags/red").status_code == 204
    assert api("PUT", f"/v2/images/{image['id']}/tags/round").status_code == 204
    api("PUT", f"/v2/images/{other['id']}/tags/red")
    listed = api("GET", "/v2/images", params=[("tag", "red"), ("tag", "round")]).json()
    assert [found["id"] for found in listed["images"]] == [image["id"]]
    assert api("DELETE", f"/v2/images/{image['id']}/tags/red").status_code == 204
    assert api("DELETE", f"/v2/images/{image['id']}/tags/red").status_code == 404
    assert api("GET", f"/v2/images/{image['id']}").json()["tags"] == ["round"]


def test_deactivate_and_reactivate(api):
    image = create(api)
    assert api("POST", f"/v2/images/{image['id']}/actions/deactivate").status_code == 403
    api(
        "PUT",
        f"/v2/images/{image['id']}/file",
        content=b"x",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert api("POST", f"/v2/images/{image['id']}/actions/deactivate").status_code == 204
    assert api("GET", f"/v2/images/{image['id']}").json()["status"] == "deactivated"
    assert api("GET", f"/v2/images/{image['id']}/file").status_code == 403
    assert api("POST", f"/v2/images/{image['id']}/actions/reactivate").status_code == 204
    assert api("GET", f"/v2/images/{image['id']}/file").content == b"x"


def test_list_sorted_by_several_keys(api, conn):
    # Ids ascending with the names: ties on min_ram broken by id (descending) would put c first.
    for n, name, min_ram in ((1, "a", 0), (2, "b", 512), (3, "c", 512)):
        create(api, id=f"00000000-0000-4000-8000-00000000000{n}", name=name, min_ram=min_ram)
    listed = conn.image.images(visibility="private", sort="min_ram:desc,name:asc")
    assert [image.name for image in listed] == ["b", "c", "a"]
    assert [image.name for image in conn.image.images(visibility="private", sort="name")] == [
        "c",
        "b",
        "a",
    ]
    mixed = api("GET", "/v2/images", params={"sort": "name", "sort_key": "name"})
    assert mixed.status_code == 400
    assert api("GET", "/v2/images", params={"sort": "colour:asc"}).status_code == 400


def test_list_filters_and_paging(api, conn):
    first = create(api, name="one")
    second = create(api, name="two")
    private = api(
        "GET", "/v2/images", params={"visibility": "private", "sort_key": "name", "sort_dir": "asc"}
    )
    assert [found["name"] for found in private.json()["images"]] == ["one", "two"]
    owned = api("GET", "/v2/images", params={"owner": conn.current_project_id}).json()
    assert {found["id"] for found in owned["images"]} == {first["id"], second["id"]}
    queued = api("GET", "/v2/images", params={"status": "queued", "name": "two"}).json()
    assert [found["id"] for found in queued["images"]] == [second["id"]]
    everything = api("GET", "/v2/images", params={"limit": "100"}).json()["images"]
    assert len(everything) == 13
    paged = list(conn.image.images(limit=5))
    assert len(paged) == 13


def test_hidden_images_are_left_out_of_lists_unless_asked_for(api, conn):
    hidden = create(api, name="hidden", os_hidden=True)
    shown = create(api, name="shown")
    assert (hidden["os_hidden"], shown["os_hidden"]) == (True, False)
    listed = {image.name for image in conn.image.images()}
    assert "shown" in listed
    assert "hidden" not in listed
    only_hidden = api("GET", "/v2/images", params={"os_hidden": "true"}).json()["images"]
    assert [image["id"] for image in only_hidden] == [hidden["id"]]
    conn.image.update_image(hidden["id"], is_hidden=False)
    assert "hidden" in {image.name for image in conn.image.images()}


def test_other_projects_do_not_see_private_images(flexemu, api):
    image = create(api)
    other = flexemu.openstack(project="eu-west-1")
    with pytest.raises(exceptions.NotFoundException):
        other.image.get_image(image["id"])
    assert "mine" not in {listed.name for listed in other.image.images()}


def test_openstack_image_cli(cli, disk):
    created = cli(
        "image",
        "create",
        "--file",
        str(disk),
        "--disk-format",
        "qcow2",
        "--property",
        "team=ops",
        "cli-image",
    )
    assert (created["status"], created["visibility"]) == ("active", "private")
    assert created["size"] == disk.stat().st_size
    listed = {image["Name"]: image for image in cli("image", "list", "--private")}
    assert list(listed) == ["cli-image"]
    cli(
        "image",
        "set",
        "--min-disk",
        "30",
        "--tag",
        "prod",
        "--property",
        "team=dev",
        "cli-image",
        output=False,
    )
    shown = cli("image", "show", "cli-image")
    assert (shown["min_disk"], shown["tags"], shown["properties"]["team"]) == (30, ["prod"], "dev")
    cli("image", "delete", "cli-image", output=False)
    assert cli("image", "list", "--private") == []


@pytest.mark.parametrize("method", ["GET", "DELETE"])
@pytest.mark.parametrize("prefix", ["", "/ims"])
def test_an_empty_image_id_is_not_found(api, method, prefix):
    create(api)
    answer = api(method, f"{prefix}/v2/images/", follow_redirects=True)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"].startswith("IMG.")
