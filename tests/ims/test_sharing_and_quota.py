"""Image members (sharing with another project of the region) and the private image quota."""

from typing import Any

import httpx
import pytest
from openstack import exceptions

PATCH = {"Content-Type": "application/openstack-images-v2.1-json-patch"}


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def dev(flexemu, conn):
    parent = flexemu.project_ids["eu-west-0"]
    conn.identity.create_project(name="eu-west-0_dev", parent_id=parent)
    return flexemu.openstack(project="eu-west-0_dev")


def shared_image(conn) -> Any:
    image = conn.image.create_image("to-share", data=b"shared bytes", disk_format="raw")
    return conn.image.update_image(image, visibility="shared")


def test_sharing_pending_accepted_rejected(conn, dev):
    image = shared_image(conn)
    member = conn.image.add_member(image, member_id=dev.current_project_id)
    assert member.status == "pending"
    assert dev.image.get_image(image.id).name == "to-share"
    assert "to-share" not in {listed.name for listed in dev.image.images()}
    pending = {listed.name for listed in dev.image.images(member_status="pending")}
    assert "to-share" in pending
    accepted = dev.image.update_member(member, image, status="accepted")
    assert accepted.status == "accepted"
    listed = {found.name: found for found in dev.image.images()}
    assert listed["to-share"].owner == conn.current_project_id
    assert listed["to-share"].properties["__imagetype"] == "shared"
    assert conn.image.get_image(image.id).properties["__imagetype"] == "private"
    assert dev.image.download_image(image.id).content == b"shared bytes"
    dev.image.update_member(member, image, status="rejected")
    assert "to-share" not in {found.name for found in dev.image.images()}
    assert [found.member_id for found in conn.image.members(image)] == [dev.current_project_id]


def test_only_the_owner_shares_and_only_the_member_answers(flexemu, conn, dev):
    image = shared_image(conn)
    conn.image.add_member(image, member_id=dev.current_project_id)
    with pytest.raises(exceptions.ForbiddenException):
        conn.image.update_member(dev.current_project_id, image, status="accepted")
    with pytest.raises(exceptions.ForbiddenException):
        dev.image.update_image(image.id, name="taken")
    with pytest.raises(exceptions.ForbiddenException):
        dev.image.delete_image(image.id)
    with pytest.raises(exceptions.ConflictException):
        conn.image.add_member(image, member_id=dev.current_project_id)
    conn.image.remove_member(dev.current_project_id, image)
    with pytest.raises(exceptions.NotFoundException):
        dev.image.get_image(image.id)


def test_private_images_are_shared_as_ims_documents(conn, dev):
    image = conn.image.create_image("kept", data=b"x", disk_format="raw")
    assert image.visibility == "private"
    conn.image.add_member(image, member_id=dev.current_project_id)
    # IMS's query of the images offered to a project (Developer Guide, querying an image list)
    offered = dev.image.images(member_status="pending", visibility="shared", __imagetype="shared")
    assert [(found.id, found.visibility) for found in offered] == [(image.id, "shared")]
    assert conn.image.get_image(image.id).visibility == "shared"
    assert image.id not in {found.id for found in conn.image.images(visibility="private")}


def test_public_images_have_no_members(flexemu, conn):
    public = conn.image.find_image("OBS Ubuntu 22.04")
    answer = httpx.post(
        f"{flexemu.url}/v2/images/{public.id}/members",
        json={"member": "someone"},
        headers={"X-Auth-Token": conn.auth_token},
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"].startswith("IMG.")


def test_quota_of_private_images(flexemu, conn):
    pid = flexemu.project_ids["eu-west-0"]
    flexemu.admin("PUT", f"/quotas/{pid}", json={"quotas": {"images": 2}}).raise_for_status()
    headers = {"X-Auth-Token": conn.auth_token}
    made = [
        httpx.post(f"{flexemu.url}/v2/images", json={"name": f"i{n}"}, headers=headers)
        for n in range(3)
    ]
    assert [answer.status_code for answer in made] == [201, 201, 413]
    assert made[2].json()["error"]["code"].startswith("IMG.")
    httpx.delete(f"{flexemu.url}/v2/images/{made[0].json()['id']}", headers=headers)
    again = httpx.post(f"{flexemu.url}/v2/images", json={"name": "i3"}, headers=headers)
    assert again.status_code == 201


def test_default_quota_is_fifty(flexemu):
    pid = flexemu.project_ids["eu-west-0"]
    quotas = flexemu.admin("GET", f"/quotas/{pid}").json()
    assert quotas["quotas"]["images"]["limit"] == 50


def test_native_list_of_shared_images(flexemu, conn, dev):
    from huaweicloudsdkims.v2 import ImsClient, ListImagesRequest

    image = shared_image(conn)
    member = conn.image.add_member(image, member_id=dev.current_project_id)
    dev.image.update_member(member, image, status="accepted")
    credentials = flexemu.huawei_credentials("eu-west-0_dev")
    ims = flexemu.huawei_client(ImsClient, credentials=credentials)
    shared = ims.list_images(ListImagesRequest(imagetype="shared")).images
    assert [(found.id, found.owner) for found in shared] == [(image.id, conn.current_project_id)]
    assert ims.list_images(ListImagesRequest(imagetype="private")).images == []
