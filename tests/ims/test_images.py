"""The public image catalogue through openstacksdk (Glance v2), huaweicloudsdkims and httpx."""

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import GlanceShowImageRequest, ImsClient, ListImagesRequest
from openstack import exceptions


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def ims(flexemu):
    return flexemu.huawei_client(ImsClient)


@pytest.fixture
def get(flexemu, conn):
    def request(path: str, **params: str) -> httpx.Response:
        return httpx.get(
            flexemu.url + path, params=params, headers={"X-Auth-Token": conn.auth_token}
        )

    return request


def test_openstacksdk_lists_the_public_catalogue(conn):
    images = {image.name: image for image in conn.image.images()}
    assert len(images) == 11
    ubuntu = images["OBS Ubuntu 18.04"]
    assert (ubuntu.visibility, ubuntu.status, ubuntu.min_disk) == ("public", "active", 40)
    assert ubuntu.properties["__imagetype"] == "gold"
    assert ubuntu.properties["__os_type"] == "Linux"
    assert ubuntu.properties["__platform"] == "Ubuntu"
    assert ubuntu.properties["__support_kvm"] == "true"


def test_glance_pages_with_next_links(conn, get):
    first = get("/v2/images", limit="4").json()
    assert len(first["images"]) == 4
    assert first["next"].startswith("/v2/images?")
    assert len(list(conn.image.images(limit=4))) == 11


def test_show_and_404(conn):
    image = conn.image.find_image("OBS CentOS 7.9")
    assert conn.image.get_image(image.id).name == "OBS CentOS 7.9"
    with pytest.raises(exceptions.NotFoundException):
        conn.image.get_image("00000000-0000-4000-8000-000000000000")


def test_glance_property_filters(get):
    windows = get("/v2/images", __os_type="Windows").json()["images"]
    assert {image["name"] for image in windows} == {
        "OBS Windows Server 2019 Standard",
        "OBS Windows Server 2022 Datacenter",
    }
    assert get("/v2/images", name="OBS Debian 11.0").json()["images"][0]["min_disk"] == 40
    assert get("/v2/images", visibility="private").json()["images"] == []


def test_windows_red_hat_and_suse_carry_a_billed_licence(get):
    images = get("/v2/images", limit="100").json()["images"]
    licensed = {image["__platform"] for image in images if "__account_code" in image}
    assert licensed == {"Windows", "RedHat", "SUSE"}


def test_native_list_with_its_filters(ims):
    gold = ims.list_images(ListImagesRequest(imagetype="gold")).images
    assert len(gold) == 11
    ubuntu = ims.list_images(ListImagesRequest(platform="Ubuntu", os_type="Linux")).images
    assert sorted(image.name for image in ubuntu) == [
        "OBS Ubuntu 18.04",
        "OBS Ubuntu 20.04",
        "OBS Ubuntu 22.04",
    ]
    assert ims.list_images(ListImagesRequest(imagetype="private")).images == []
    page = ims.list_images(
        ListImagesRequest(imagetype="gold", limit=3, sort_key="name", sort_dir="asc")
    ).images
    assert [image.name for image in page] == sorted(image.name for image in gold)[:3]


def test_native_glance_show_through_the_ims_sdk(ims, conn):
    image = conn.image.find_image("OBS Debian 10.0")
    shown = ims.glance_show_image(GlanceShowImageRequest(image_id=image.id))
    assert (shown.name, shown.os_type) == ("OBS Debian 10.0", "Linux")


def test_unknown_image_is_an_img_error(ims):
    with pytest.raises(ClientRequestException) as caught:
        ims.glance_show_image(GlanceShowImageRequest(image_id="nope"))
    assert caught.value.status_code == 404
    assert caught.value.error_code.startswith("IMG.")


def test_bad_paging_is_400(get):
    assert get("/v2/images", limit="x").status_code == 400
    assert get("/v2/images", marker="nope").status_code == 400
    assert get("/v2/cloudimages", sort_key="colour").status_code == 400


def test_ids_are_stable_across_resets_and_differ_per_region(flexemu, conn):
    before = {image.name: image.id for image in conn.image.images()}
    flexemu.reset()
    assert {image.name: image.id for image in flexemu.openstack().image.images()} == before
    paris = before["OBS Ubuntu 18.04"]
    amsterdam = flexemu.openstack(project="eu-west-1").image.find_image("OBS Ubuntu 18.04")
    assert amsterdam.id != paris


def test_configuration_extends_the_catalogue(tmp_path):
    from apis.ims import images

    extra = tmp_path / "images.json"
    extra.write_text(
        '{"owner": "x", "images": [{"name": "Corp Golden 1", "os_type": "Linux", '
        '"platform": "Other", "os_version": "Other Linux(64 bit)", "min_disk": 20, '
        '"created_at": "2024-01-01T00:00:00Z", "regions": ["eu-west-1"]}]}'
    )
    names = [image.name for image in images.catalogue(extra, "eu-west-1")]
    assert "Corp Golden 1" in names and "OBS Ubuntu 18.04" in names
    assert "Corp Golden 1" not in [image.name for image in images.catalogue(extra, "eu-west-0")]
