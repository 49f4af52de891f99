"""Glance's JSON Schemas (`/v2/schemas/...`) through openstacksdk and httpx."""

import httpx
import pytest


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


def test_openstacksdk_reads_the_four_schemas(conn):
    image = conn.image.get_image_schema()
    assert image.additional_properties == {"type": "string"}
    assert image.properties["status"]["readOnly"] is True
    images = conn.image.get_images_schema()
    assert images.properties["images"]["items"]["name"] == "image"
    member = conn.image.get_member_schema()
    assert member.properties["status"]["enum"] == ["pending", "accepted", "rejected"]
    members = conn.image.get_members_schema()
    assert members.properties["members"]["items"]["name"] == "member"


def test_the_image_schema_describes_every_field_an_image_prints(flexemu, conn):
    schema = conn.image.get_image_schema().properties
    shown = httpx.get(flexemu.url + "/v2/images", headers={"X-Auth-Token": conn.auth_token}).json()[
        "images"
    ][0]
    assert set(shown) <= set(schema)


def test_schemas_need_a_token(flexemu):
    response = httpx.get(flexemu.url + "/v2/schemas/image")
    assert response.status_code == 401
