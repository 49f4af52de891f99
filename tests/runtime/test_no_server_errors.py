"""No client mistake produces a 500: every route of every JSON service, sent bad inputs.

Each route gets the bad requests of `tests.runtime.sweep` twice: once with its path parameters
naming unknown (and malformed) ids, once naming real resources of the tenant, so that the
handlers behind the lookups see the bad bodies too. Every answer must be below 500 and, when an
error, in the route's dialect (or the API gateway's), never FastAPI's `{"detail": ...}`.
"""

from typing import Any

import httpx
import pytest

from tests.runtime import sweep
from tests.signing import sdk_signed_headers

TARGETS = sweep.routes()
# Routes of apis/ecs/ that still answer 500 to some bad input: (route id, request name) -> why.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _token(server: Any) -> str:
    user = {"name": server.username, "password": server.password, "domain": {"name": server.domain}}
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"name": "eu-west-0", "domain": {"name": server.domain}}},
        }
    }
    response = httpx.post(f"{server.url}/iam/v3/auth/tokens", json=body)
    response.raise_for_status()
    return response.headers["X-Subject-Token"]


def _id_of(response: httpx.Response, *keys: str) -> str | None:
    if response.status_code >= 300:
        return None
    found: Any = response.json()
    for key in keys:
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, str) else None


def _real_resources(server: Any, client: httpx.Client, pid: str) -> dict[str, str]:
    """One resource of each kind the routes name, created through the APIs; their ids by the
    path parameter that names them."""
    ids: dict[str, str] = {"project_id": pid, "tenant_id": pid, "target_project_id": pid}

    def create(param: str, path: str, body: Any, *keys: str) -> None:
        found = _id_of(client.post(path.format(pid=pid), json=body), *keys)
        if found:
            ids[param] = found

    create(
        "vpc_id", "/vpc/v1/{pid}/vpcs", {"vpc": {"name": "v", "cidr": "10.0.0.0/16"}}, "vpc", "id"
    )
    subnet = {"name": "s", "cidr": "10.0.1.0/24", "gateway_ip": "10.0.1.1", "vpc_id": ids["vpc_id"]}
    create("subnet_id", "/vpc/v1/{pid}/subnets", {"subnet": subnet}, "subnet", "id")
    create("network_id", "/vpc/v2.0/networks", {"network": {"name": "n"}}, "network", "id")
    create("router_id", "/vpc/v2.0/routers", {"router": {"name": "r"}}, "router", "id")
    port = {"network_id": ids.get("subnet_id", "")}
    create("port_id", "/vpc/v2.0/ports", {"port": port}, "port", "id")
    create(
        "group_id",
        "/vpc/v2.0/security-groups",
        {"security_group": {"name": "g"}},
        *("security_group", "id"),
    )
    rule = {"security_group_id": ids.get("group_id", ""), "direction": "ingress"}
    create(
        "rule_id",
        "/vpc/v2.0/security-group-rules",
        {"security_group_rule": rule},
        *("security_group_rule", "id"),
    )
    eip = {
        "publicip": {"type": "5_bgp"},
        "bandwidth": {"name": "b", "size": 5, "share_type": "PER"},
    }
    created = client.post(f"/vpc/v1/{pid}/publicips", json=eip)
    if created.status_code < 300:
        ids["publicip_id"] = ids["floatingip_id"] = created.json()["publicip"]["id"]
        ids["bandwidth_id"] = created.json()["publicip"].get("bandwidth_id", "")
        ids["resource_id"] = ids["publicip_id"]
    create(
        "volume_id", "/evs/v2/{pid}/volumes", {"volume": {"size": 10, "name": "v"}}, "volume", "id"
    )
    server.advance("PT5M")  # the volume is available
    snapshot = {"volume_id": ids.get("volume_id", ""), "force": True}
    create("snapshot_id", "/evs/v2/{pid}/snapshots", {"snapshot": snapshot}, "snapshot", "id")
    backup = {"volume_id": ids.get("volume_id", ""), "name": "b"}
    create("backup_id", "/evs/v2/{pid}/backups", {"backup": backup}, "backup", "id")
    images = client.get("/ims/v2/images", params={"name": "OBS Ubuntu 22.04"}).json()["images"]
    ids["image_id"] = images[0]["id"]
    boot = {
        "name": "s",
        "imageRef": ids["image_id"],
        "flavorRef": "s3.large.2",
        "networks": [{"uuid": ids.get("subnet_id", "")}],
    }
    create("server_id", "/ecs/v2.1/{pid}/servers", {"server": boot}, "server", "id")
    server.advance("PT5M")  # the server is active, the backup available
    create("keypair", "/ecs/v2.1/{pid}/os-keypairs", {"keypair": {"name": "k"}}, "keypair", "name")
    ids["name"] = ids.get("keypair", "k")
    ids["flavor_id"] = "s3.large.2"
    ids["type_id"] = "SATA"
    policy = {
        "backup_policy_name": "p",
        "scheduled_policy": {
            "start_time": "02:00",
            "frequency": 1,
            "rentention_num": 3,
            "status": "ON",
        },
    }
    create("policy_id", "/vbs/v2/{pid}/backuppolicy", policy, "backup_policy_id")
    create(
        "user_id",
        "/iam/v3/users",
        {"user": {"name": "sweeper", "password": "Passw0rd!x"}},
        "user",
        "id",
    )
    return ids


@pytest.fixture(scope="module")
def wire(flexemu_server: Any) -> Any:
    """A client of the emulator with a project-scoped token, and the ids to fill paths with."""
    flexemu_server.reset()
    token = _token(flexemu_server)
    pid = flexemu_server.project_ids["eu-west-0"]
    # A new connection per request: keep-alive adds a delayed-ACK wait to every answer.
    headers = {"X-Auth-Token": token, "Connection": "close"}
    with httpx.Client(base_url=flexemu_server.url, headers=headers, timeout=30) as client:
        real = _real_resources(flexemu_server, client, pid)
        yield client, {"project_id": pid}, real
    flexemu_server.reset()


def _problems(
    client: httpx.Client, target: sweep.Target, ids: dict[str, str], quick: bool = False
) -> list[str]:
    found = []
    for request in sweep.requests_for(target, ids, quick):
        if (target.id, request.name) in KNOWN_FAILURES:
            continue
        response = client.request(
            target.method, request.path, headers=request.headers, content=request.content
        )
        if response.status_code >= 500:
            found.append(f"{request.name} -> {response.status_code} {response.text[:200]!a}")
        elif response.status_code >= 400 and response.content:
            try:
                body = response.json()
            except ValueError:
                body = response.text
            problem = sweep.error_shape_problem(target.dialect, body)
            if problem:
                found.append(f"{request.name} -> {response.status_code} {problem}: {body!a:.200}")
    return found


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_bad_input_is_a_client_error_in_the_dialect(wire, target):
    client, unknown, real = wire
    problems = _problems(client, target, unknown, quick=True)
    if target.method != "DELETE":
        problems += _problems(client, target, real)
    assert not problems, "\n".join(problems)


def test_a_nul_character_is_a_bad_request_in_the_dialect(wire):
    client, ids, _ = wire
    pid = ids["project_id"]
    network = client.post("/vpc/v2.0/networks", json={"network": {"name": "a\u0000"}})
    assert network.status_code == 400
    assert network.json()["NeutronError"]["type"] == "BadRequest"
    volumes = client.get(f"/evs/v2/{pid}/volumes?name=%00")
    assert volumes.status_code == 400
    assert "NUL" in volumes.json()["badRequest"]["message"]
    server = client.get(f"/ecs/v1/{pid}/cloudservers/a%00b")
    assert (server.status_code, server.json()["error"]["code"]) == (400, "Common.0002")


def test_an_escaped_backslash_before_u0000_is_no_nul(wire):
    client, _, _ = wire
    body = b'{"network": {"name": "a\\\\u0000"}}'
    network = client.post(
        "/vpc/v2.0/networks", content=body, headers={"Content-Type": "application/json"}
    )
    assert network.status_code == 201, network.text
    assert network.json()["network"]["name"] == "a\\u0000"


NATIVE = [t for t in TARGETS if t.dialect in ("huawei", "vpc", "ims", "iam")]
# Signing costs time on both sides: a few bad inputs per route are enough to cover that path.
SIGNED = ("not-json", "missing-keys", "limit=abc", "malformed-id")


@pytest.mark.parametrize("target", NATIVE, ids=[t.id for t in NATIVE])
def test_bad_input_signed_with_an_access_key_is_a_client_error(flexemu_server, wire, target):
    """The native APIs as the Huawei SDKs call them: SDK-HMAC-SHA256, no token."""
    pid = flexemu_server.project_ids["eu-west-0"]
    problems = []
    for request in sweep.requests_for(target, {"project_id": pid}, quick=True):
        if request.name not in SIGNED:
            continue
        headers = sdk_signed_headers(
            target.method,
            flexemu_server.url + request.path,
            flexemu_server.access_key,
            flexemu_server.secret_key,
            {**request.headers, "X-Project-Id": pid},
            request.content or b"",
        )
        response = httpx.request(
            target.method,
            flexemu_server.url + request.path,
            headers={**headers, "Connection": "close"},
            content=request.content,
        )
        if response.status_code >= 500:
            problems.append(f"{request.name} -> {response.status_code} {response.text[:200]!a}")
    assert not problems, "\n".join(problems)
