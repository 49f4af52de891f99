"""Private images through the native IMS API (huaweicloudsdkims): CreateImage from a server
or from an OBS object under a job, UpdateImage, the private list and the quota; and compute
booting from a private image."""

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import (
    CreateImageRequest,
    CreateImageRequestBody,
    ImsClient,
    ListImagesRequest,
    ShowImageQuotaRequest,
    ShowJobRequest,
    UpdateImageRequest,
    UpdateImageRequestBody,
)
from openstack import exceptions


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def ims(flexemu):
    return flexemu.huawei_client(ImsClient)


@pytest.fixture
def network(flexemu, conn):
    headers = {"X-Auth-Token": conn.auth_token}
    pid = flexemu.project_ids["eu-west-0"]
    vpc = httpx.post(
        f"{flexemu.url}/v1/{pid}/vpcs",
        json={"vpc": {"name": "vpc", "cidr": "10.0.0.0/16"}},
        headers=headers,
    ).json()["vpc"]
    subnet = httpx.post(
        f"{flexemu.url}/v1/{pid}/subnets",
        json={
            "subnet": {
                "name": "web",
                "cidr": "10.0.1.0/24",
                "gateway_ip": "10.0.1.1",
                "vpc_id": vpc["id"],
            }
        },
        headers=headers,
    ).json()["subnet"]
    return subnet["id"]


def boot(flexemu, conn, network, image_id, name="web"):
    server = conn.compute.create_server(
        name=name, image_id=image_id, flavor_id="s3.large.2", networks=[{"uuid": network}]
    )
    flexemu.advance("PT5M")
    return conn.compute.get_server(server.id)


def finished(flexemu, ims, job_id):
    assert ims.show_job(ShowJobRequest(job_id=job_id)).status == "RUNNING"
    flexemu.advance("PT1M")
    job = ims.show_job(ShowJobRequest(job_id=job_id))
    assert (job.status, job.job_type) == ("SUCCESS", "createImage")
    return job.entities.image_id


def create(ims, **body):
    return ims.create_image(CreateImageRequest(body=CreateImageRequestBody(**body))).job_id


def test_image_from_a_server_boots_another(flexemu, conn, ims, network):
    ubuntu = conn.image.find_image("OBS Ubuntu 22.04")
    server = boot(flexemu, conn, network, ubuntu.id)
    assert server.status == "ACTIVE"
    job_id = create(ims, name="web-golden", instance_id=server.id, description="from web")
    image_id = finished(flexemu, ims, job_id)
    image = conn.image.get_image(image_id)
    assert (image.status, image.visibility, image.min_disk) == ("active", "private", 40)
    assert image.properties["__platform"] == "Ubuntu"
    assert image.properties["__os_version"] == ubuntu.properties["__os_version"]
    assert image.properties["__imagetype"] == "private"
    assert image.properties["__description"] == "from web"
    clone = boot(flexemu, conn, network, image_id, name="clone")
    assert (clone.status, clone.image.id) == ("ACTIVE", image_id)


def test_image_from_an_unknown_server_is_refused(ims):
    with pytest.raises(ClientRequestException) as caught:
        create(ims, name="x", instance_id="00000000-0000-4000-8000-000000000000")
    assert caught.value.error_code.startswith("IMG.")


def test_image_from_an_obs_file(flexemu, conn, ims):
    s3 = flexemu.boto3()
    s3.create_bucket(Bucket="images")
    data = b"qcow2 image file" * 4096
    s3.put_object(Bucket="images", Key="disk.qcow2", Body=data)
    job_id = create(
        ims,
        name="imported",
        image_url="images:disk.qcow2",
        min_disk=40,
        os_version="Debian GNU/Linux 11.0.0 64bit",
    )
    image_id = finished(flexemu, ims, job_id)
    image = conn.image.get_image(image_id)
    assert (image.status, image.size, image.properties["__os_type"]) == (
        "active",
        len(data),
        "Linux",
    )
    assert conn.image.download_image(image).content == data
    s3.delete_object(Bucket="images", Key="disk.qcow2")
    assert conn.image.download_image(image).content == data


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"image_url": "images:missing.qcow2", "min_disk": 40}, 400),
        ({"image_url": "nobucket:disk.qcow2", "min_disk": 40}, 400),
        ({"image_url": "images:disk.qcow2"}, 400),
        ({}, 400),
    ],
)
def test_bad_obs_sources(flexemu, ims, body, status):
    flexemu.boto3().create_bucket(Bucket="images")
    with pytest.raises(ClientRequestException) as caught:
        create(ims, name="bad", **body)
    assert caught.value.status_code == status


def test_update_list_and_quota(flexemu, conn, ims):
    image = conn.image.create_image("native", data=b"data", disk_format="raw")
    changes = [
        UpdateImageRequestBody(op="replace", path="/name", value="renamed"),
        UpdateImageRequestBody(op="replace", path="/min_ram", value="1024"),
        UpdateImageRequestBody(op="add", path="/__description", value="web tier"),
    ]
    updated = ims.update_image(UpdateImageRequest(image_id=image.id, body=changes))
    assert (updated.name, updated.min_ram, updated.description) == ("renamed", 1024, "web tier")
    private = ims.list_images(ListImagesRequest(imagetype="private")).images
    assert [(found.name, found.isregistered, found.imagetype) for found in private] == [
        ("renamed", "true", "private")
    ]
    assert ims.list_images(ListImagesRequest(imagetype="private", os_type="Windows")).images == []
    quota = ims.show_image_quota(ShowImageQuotaRequest()).quotas.resources[0]
    assert (quota.type, quota.used, quota.quota) == ("image", 1, 50)


def test_an_image_of_a_licensed_server_keeps_the_licence(flexemu, conn, ims, network):
    windows = conn.image.find_image("OBS Windows Server 2019 Standard")
    server = boot(flexemu, conn, network, windows.id)
    image_id = finished(flexemu, ims, create(ims, name="win-golden", instance_id=server.id))
    image = conn.image.get_image(image_id)
    assert image.properties["__os_type"] == "Windows"
    assert image.properties["__account_code"] == windows.properties["__account_code"]


def test_a_volume_from_a_private_image(flexemu, conn, ims):
    image = conn.image.create_image("disk-image", data=b"bytes", disk_format="raw")
    conn.image.update_image(image, min_disk=20)
    volume = conn.block_storage.create_volume(
        size=20, image_id=image.id, volume_type="SSD", availability_zone="eu-west-0a"
    )
    flexemu.advance("PT1M")
    shown = conn.block_storage.get_volume(volume.id)
    assert shown.volume_image_metadata["image_id"] == image.id
    assert shown.volume_image_metadata["__imagetype"] == "private"
    assert shown.is_bootable


def test_images_without_data_or_deactivated_are_not_bootable(flexemu, conn):
    queued = conn.image.create_image("empty", disk_format="raw", container_format="bare")
    with pytest.raises(exceptions.BadRequestException):
        conn.block_storage.create_volume(
            size=20, image_id=queued.id, availability_zone="eu-west-0a"
        )
    ready = conn.image.create_image("ready", data=b"x", disk_format="raw")
    conn.image.deactivate_image(ready.id)
    with pytest.raises(exceptions.BadRequestException):
        conn.block_storage.create_volume(size=20, image_id=ready.id, availability_zone="eu-west-0a")
    assert conn.image.get_image(ready.id).status == "deactivated"
