"""Nova's version documents and microversion negotiation, on the wire."""

import httpx
import pytest


def test_service_root_lists_v2_1_with_its_microversion_range(flexemu):
    body = httpx.get(f"{flexemu.url}/ecs/").json()
    (version,) = body["versions"]
    assert version["id"] == "v2.1"
    assert version["status"] == "CURRENT"
    assert (version["min_version"], version["version"]) == ("2.1", "2.60")
    assert version["links"][0]["href"] == f"{flexemu.url}/ecs/v2.1/"


@pytest.mark.parametrize("path", ["/ecs/v2.1", "/ecs/v2.1/", "/v2.1", "/v2.1/"])
def test_v2_1_document_under_the_prefix_and_bare(flexemu, path):
    response = httpx.get(flexemu.url + path)
    assert response.status_code == 200
    version = response.json()["version"]
    assert version["id"] == "v2.1"
    assert version["version"] == "2.60"
    prefix = "/ecs" if path.startswith("/ecs") else ""
    assert version["links"][0]["href"] == f"{flexemu.url}{prefix}/v2.1/"


def test_openstacksdk_discovers_the_microversion_range(conn):
    endpoint = conn.compute.get_endpoint_data()
    assert endpoint.min_microversion == (2, 1)
    assert endpoint.max_microversion == (2, 60)


def test_no_header_means_2_1_and_is_echoed(nova):
    response = nova.get("/flavors")
    assert response.headers["OpenStack-API-Version"] == "compute 2.1"
    assert response.headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert "OpenStack-API-Version" in response.headers["Vary"]


@pytest.mark.parametrize(
    "headers,expected",
    [
        ({"OpenStack-API-Version": "compute 2.47"}, "2.47"),
        ({"OpenStack-API-Version": "volume 3.5, compute 2.10"}, "2.10"),
        ({"X-OpenStack-Nova-API-Version": "2.26"}, "2.26"),
        ({"OpenStack-API-Version": "compute latest"}, "2.60"),
        (
            {"OpenStack-API-Version": "compute 2.30", "X-OpenStack-Nova-API-Version": "2.5"},
            "2.30",
        ),
    ],
)
def test_requested_version_is_used_and_echoed(nova, headers, expected):
    response = nova.get("/flavors", headers=headers)
    assert response.status_code == 200
    assert response.headers["OpenStack-API-Version"] == f"compute {expected}"
    assert response.headers["X-OpenStack-Nova-API-Version"] == expected


@pytest.mark.parametrize("version", ["2.61", "3.0", "2.0"])
def test_version_outside_the_range_is_406(nova, version):
    response = nova.get("/flavors", version=version)
    assert response.status_code == 406
    fault = response.json()["computeFault"]
    assert fault["code"] == 406
    assert "Minimum is 2.1 and maximum is 2.60" in fault["message"]
    assert response.headers["X-Compute-Request-Id"].startswith("req-")


def test_malformed_version_is_400(nova):
    response = nova.get("/flavors", version="2.x")
    assert response.status_code == 400
    assert "invalid format" in response.json()["badRequest"]["message"]


def test_errors_carry_the_version_too(nova):
    response = nova.get("/flavors/x9.huge.1", version="2.10")
    assert response.status_code == 404
    assert response.json()["itemNotFound"]["message"] == "Flavor x9.huge.1 could not be found."
    assert response.headers["OpenStack-API-Version"] == "compute 2.10"


def test_versions_differ_in_flavor_fields(nova):
    old = nova.get("/flavors/s3.large.2", version="2.54").json()["flavor"]
    new = nova.get("/flavors/s3.large.2", version="2.55").json()["flavor"]
    assert "description" not in old
    assert new["description"] is None
