"""Clients for the ECS tests: openstacksdk, huaweicloudsdkecs, raw Nova over httpx, the CLI."""

import httpx
import pytest
from huaweicloudsdkecs.v2 import EcsClient


@pytest.fixture
def conn(flexemu):
    return flexemu.openstack()


@pytest.fixture
def ecs(flexemu):
    return flexemu.huawei_client(EcsClient)


@pytest.fixture
def project_id(flexemu):
    return flexemu.project_ids["eu-west-0"]


@pytest.fixture
def nova(flexemu, conn, project_id):
    """Raw Nova calls: `nova.get("/flavors", version="2.55")` on /ecs/v2.1/{project_id}."""

    class Nova:
        base = f"{flexemu.url}/ecs/v2.1/{project_id}"
        token = conn.auth_token

        def request(self, method, path, version=None, headers=None, **kwargs):
            sent = {"X-Auth-Token": self.token, **(headers or {})}
            if version:
                sent["OpenStack-API-Version"] = f"compute {version}"
            return httpx.request(method, self.base + path, headers=sent, **kwargs)

        def get(self, path, **kwargs):
            return self.request("GET", path, **kwargs)

        def post(self, path, **kwargs):
            return self.request("POST", path, **kwargs)

        def delete(self, path, **kwargs):
            return self.request("DELETE", path, **kwargs)

    return Nova()


def set_quotas(flexemu, project_id, **values):
    flexemu.admin("PUT", f"/quotas/{project_id}", json={"quotas": values}).raise_for_status()


@pytest.fixture
def api(flexemu, conn, project_id):
    """Raw calls on any path, `{pid}` filled in: `api("POST", "/v1/{pid}/vpcs", json=...)`."""

    def call(method, path, **kwargs):
        headers = {"X-Auth-Token": conn.auth_token, **kwargs.pop("headers", {})}
        url = flexemu.url + path.replace("{pid}", project_id)
        return httpx.request(method, url, headers=headers, **kwargs)

    return call


@pytest.fixture
def network(api):
    """A VPC 10.0.0.0/16 with the subnet 10.0.1.0/24: {"vpc_id", "subnet_id"}."""
    vpc = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"name": "vpc", "cidr": "10.0.0.0/16"}})
    vpc_id = vpc.json()["vpc"]["id"]
    subnet = api(
        "POST",
        "/v1/{pid}/subnets",
        json={
            "subnet": {
                "name": "web",
                "cidr": "10.0.1.0/24",
                "gateway_ip": "10.0.1.1",
                "vpc_id": vpc_id,
            }
        },
    )
    return {"vpc_id": vpc_id, "subnet_id": subnet.json()["subnet"]["id"]}


@pytest.fixture
def image_id(conn):
    return next(image.id for image in conn.image.images() if image.name == "OBS Ubuntu 22.04")


@pytest.fixture
def boot(conn, network, image_id):
    """Create a server through openstacksdk (not waiting): `boot("web", flavor="s3.large.2")`."""

    def create(name="web", flavor="s3.large.2", **attrs):
        return conn.compute.create_server(
            name=name,
            image_id=image_id,
            flavor_id=flavor,
            networks=[{"uuid": network["subnet_id"]}],
            **attrs,
        )

    return create
