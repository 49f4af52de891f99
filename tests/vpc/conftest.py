"""Clients of the network for the tests: openstacksdk, the Huawei VPC and EIP SDKs, raw httpx."""

from collections.abc import Callable
from ipaddress import ip_network
from typing import Any

import httpx
import pytest
from huaweicloudsdkeip.v2 import EipClient
from huaweicloudsdkvpc.v2 import VpcClient


@pytest.fixture
def conn(flexemu: Any) -> Any:
    return flexemu.openstack()


@pytest.fixture
def vpc_client(flexemu: Any) -> Any:
    return flexemu.huawei_client(VpcClient)


@pytest.fixture
def eip_client(flexemu: Any) -> Any:
    return flexemu.huawei_client(EipClient)


@pytest.fixture
def project_id(flexemu: Any) -> str:
    return str(flexemu.project_ids["eu-west-0"])


class Api:
    """Raw calls with a project-scoped token: `api("POST", "/v1/{pid}/vpcs", json=...)`."""

    def __init__(self, base_url: str, token: str, project_id: str):
        self.base_url, self.token, self.project_id = base_url, token, project_id

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.base_url + path.replace("{pid}", self.project_id)
        headers = {"X-Auth-Token": self.token, **kwargs.pop("headers", {})}
        return httpx.request(method, url, headers=headers, **kwargs)


@pytest.fixture
def api(flexemu: Any, conn: Any, project_id: str) -> Api:
    return Api(flexemu.url, conn.session.get_token(), project_id)


@pytest.fixture
def other_tenant_api(flexemu: Any) -> Api:
    """The same calls by another account."""
    flexemu.admin(
        "POST",
        "/accounts",
        json={"domain": "OCB0000002", "user": "bob", "password": "Bob-Passw0rd"},
    ).raise_for_status()
    other = flexemu.openstack(
        username="bob",
        password="Bob-Passw0rd",
        user_domain_name="OCB0000002",
        project_domain_name="OCB0000002",
    )
    return Api(flexemu.url, other.session.get_token(), other.current_project_id)


@pytest.fixture
def native_vpc(api: Api) -> Callable[..., dict[str, Any]]:
    """Create a VPC (and subnets) natively: `native_vpc("10.0.0.0/16", ["10.0.1.0/24"])`."""

    def create(cidr: str = "10.0.0.0/16", subnets: tuple[str, ...] = ()) -> dict[str, Any]:
        vpc = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"name": "vpc", "cidr": cidr}})
        assert vpc.status_code == 200, vpc.text
        made = {"vpc": vpc.json()["vpc"], "subnets": []}
        for n, subnet_cidr in enumerate(subnets):
            gateway = str(ip_network(subnet_cidr).network_address + 1)
            response = api(
                "POST",
                "/v1/{pid}/subnets",
                json={
                    "subnet": {
                        "name": f"subnet-{n}",
                        "cidr": subnet_cidr,
                        "gateway_ip": gateway,
                        "vpc_id": made["vpc"]["id"],
                    }
                },
            )
            assert response.status_code == 200, response.text
            made["subnets"].append(response.json()["subnet"])
        return made

    return create
