"""DESIGN §2: Host label, path prefix, bare path, else OBS; the table refuses overlaps."""

import httpx
import pytest

from emulator.app import Emulator
from emulator.config import Settings
from emulator.routing import BARE_RULES, Router, RoutingTableError, check_table

PID = "0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def router():
    return Router(BARE_RULES)


@pytest.mark.parametrize(
    "host,path,service,region,bucket",
    [
        ("127.0.0.1:4600", "/v3/auth/tokens", "iam", None, None),
        ("127.0.0.1:4600", "/v3.0/OS-CREDENTIAL/credentials", "iam", None, None),
        ("127.0.0.1:4600", f"/v3/{PID}/volumes", "evs", None, None),
        ("127.0.0.1:4600", f"/v2/{PID}/volumes", "evs", None, None),
        ("127.0.0.1:4600", f"/v2.1/{PID}/servers", "ecs", None, None),
        ("127.0.0.1:4600", f"/v2.1/{PID}/cloudvolumes", "evs", None, None),
        ("127.0.0.1:4600", f"/v1/{PID}/cloudservers/detail", "ecs", None, None),
        ("127.0.0.1:4600", f"/v1/{PID}/vpcs", "vpc", None, None),
        ("127.0.0.1:4600", f"/v1/{PID}/jobs/abc", "jobs", None, None),
        ("127.0.0.1:4600", "/v2.0/networks", "vpc", None, None),
        ("127.0.0.1:4600", "/v2/images", "ims", None, None),
        ("127.0.0.1:4600", f"/v2/{PID}/cloudbackups", "vbs", None, None),
        ("127.0.0.1:4600", "/ecs/v2.1", "ecs", None, None),
        ("127.0.0.1:4600", "/iam/v3/auth/tokens", "iam", None, None),
        ("ecs.eu-west-1.prod-cloud-ocb.orange-business.com", "/v2.1", "ecs", "eu-west-1", None),
        ("vpc.eu-west-0.example.test:4600", "/v2.0/networks", "vpc", "eu-west-0", None),
        (
            "photos.oss.eu-west-0.prod-cloud-ocb.orange-business.com",
            "/a.jpg",
            "obs",
            "eu-west-0",
            "photos",
        ),
        ("oss.eu-west-0.example.test", "/photos/a.jpg", "obs", "eu-west-0", None),
        ("photos.localhost:4600", "/a.jpg", "obs", None, "photos"),
        ("127.0.0.1:4600", "/photos/a.jpg", "obs", None, None),
        ("127.0.0.1:4600", "/_emulator/health", "admin", None, None),
    ],
)
def test_requests_reach_their_service(router, host, path, service, region, bucket):
    route = router.resolve(host, path, s3_request=False)
    assert (route.service, route.region, route.bucket) == (service, region, bucket)
    assert route.original_path == path


def test_prefix_is_stripped_and_kept_for_links(router):
    route = router.resolve("localhost", "/evs/v3/x/volumes", s3_request=False)
    assert (route.path, route.root_path) == ("/v3/x/volumes", "/evs")


def test_virtual_hosted_bucket_becomes_path_style(router):
    route = router.resolve("photos.oss.eu-west-0.x", "/dir/a.jpg", s3_request=False)
    assert route.path == "/photos/dir/a.jpg"


def test_root_is_the_index_unless_s3_signed(router):
    assert router.resolve("localhost", "/", s3_request=False).service == "index"
    assert router.resolve("localhost", "/", s3_request=True).service == "obs"


def test_overlapping_rules_are_found():
    with pytest.raises(RoutingTableError, match="overlap"):
        check_table({"v3/*": "iam", "v3/projects": "other"})
    with pytest.raises(RoutingTableError):
        check_table({"v2/{project_id}/volumes": "evs", "v2/{project_id}/*": "ecs"})
    check_table({"v3/*": "iam", "v3/{project_id}/volumes": "evs"})


def test_the_process_refuses_to_start_with_an_overlap(monkeypatch):
    monkeypatch.setitem(BARE_RULES, "v2/{project_id}/*", "ecs")
    with pytest.raises(RoutingTableError):
        Emulator(Settings(ephemeral=True))


def test_the_shipped_table_has_no_overlap():
    Emulator(Settings(ephemeral=True))


def test_unserved_bare_path_gets_a_clear_404(flexemu):
    response = httpx.get(f"{flexemu.url}/v2.1/{PID}/no-such-api")
    assert response.status_code == 404
    assert "No service" in response.json()["error"]["message"]


def test_index_lists_services(flexemu):
    body = httpx.get(f"{flexemu.url}/").json()
    assert body["name"] == "flexemu"
    assert "iam" in body["services"]
    assert body["identity"] == f"{flexemu.url}/iam/v3"
