"""Compute control plane: create a server (no wait), show it, delete it, with one sequential
client, through raw Nova calls beside a stateless stub of the same calls (the client floor),
and through openstacksdk; then a detail list of 1,000 servers in one page."""

import statistics
import time
from typing import Any

import httpx

from tests.bench.common import bare_command, flexemu_command, free_port, per_call_ms, start, stop
from tests.bench.identity import BODY

REPEAT = 200
FLEET = 1000
UNLIMITED = {key: -1 for key in ("instances", "cores", "ram", "port", "volumes", "gigabytes")}


def _session(client: httpx.Client) -> tuple[str, str]:
    issued = client.post("/v3/auth/tokens", json=BODY)
    return issued.headers["X-Subject-Token"], issued.json()["token"]["project"]["id"]


def _network(client: httpx.Client, headers: dict[str, str], project_id: str) -> str:
    vpc = client.post(
        f"/v1/{project_id}/vpcs",
        headers=headers,
        json={"vpc": {"name": "bench", "cidr": "10.0.0.0/8"}},
    ).json()["vpc"]
    subnet = client.post(
        f"/v1/{project_id}/subnets",
        headers=headers,
        json={
            "subnet": {
                "name": "bench",
                "cidr": "10.0.0.0/16",
                "gateway_ip": "10.0.0.1",
                "vpc_id": vpc["id"],
            }
        },
    ).json()["subnet"]
    return str(subnet["id"])


def _cycle(client: httpx.Client, headers: dict[str, str], base: str, body: Any) -> None:
    created = client.post(f"{base}/servers", headers=headers, json=body)
    server_id = created.json()["server"]["id"]
    client.get(f"{base}/servers/{server_id}", headers=headers)
    client.delete(f"{base}/servers/{server_id}", headers=headers)


def _floor() -> float:
    port = free_port()
    server, _ = start(bare_command(port), f"http://127.0.0.1:{port}/_emulator/health")
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        body = {"server": {"name": "b", "flavorRef": "s3.large.2", "imageRef": "i"}}
        floor = per_call_ms(lambda: _cycle(client, {}, "/v2.1/p", body), REPEAT)
    stop(server)
    return floor


def run() -> list[str]:
    floor = _floor()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server, _ = start(flexemu_command(port), f"{url}/_emulator/ready")
    with httpx.Client(base_url=url, timeout=300) as client:
        token, project_id = _session(client)
        headers = {"X-Auth-Token": token}
        admin = {"Authorization": "Bearer flexemu-admin"}
        client.put(f"/_emulator/quotas/{project_id}", headers=admin, json={"quotas": UNLIMITED})
        subnet_id = _network(client, headers, project_id)
        image_id = client.get("/v2/images", headers=headers).json()["images"][0]["id"]
        base = f"/v2.1/{project_id}"
        body = {
            "server": {
                "name": "bench",
                "flavorRef": "s3.large.2",
                "imageRef": image_id,
                "networks": [{"uuid": subnet_id}],
            }
        }
        raw = per_call_ms(lambda: _cycle(client, headers, base, body), REPEAT)
        sdk = _openstacksdk_cycle_ms(url, image_id, subnet_id)
        for _ in range(FLEET // 100):
            fleet = {"server": {**body["server"], "min_count": 100}}
            client.post(f"{base}/servers", headers=headers, json=fleet).raise_for_status()
        client.post("/_emulator/clock", headers=admin, json={"advance": "PT1M"})  # all built
        # The first request after the clock moved also applies the fleet's 1,000 BUILD -> ACTIVE
        # transitions; the list itself is measured after it, as the median of five.
        client.get(f"{base}/servers", headers=headers, params={"limit": 1}).raise_for_status()
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            listed = client.get(f"{base}/servers/detail", headers=headers, params={"limit": FLEET})
            timings.append((time.perf_counter() - began) * 1000)
        listing = statistics.median(timings)
        count = len(listed.json()["servers"])
    stop(server)
    return [
        f"create + show + delete, raw Nova: flexemu {raw:6.2f} ms ({1000 / raw:5.1f} cycles/s), "
        f"stateless stub {floor:5.2f} ms ({1000 / floor:5.1f}/s) (target >= 100 cycles/s)",
        f"create + show + delete, openstacksdk: {sdk:6.2f} ms ({1000 / sdk:5.1f} cycles/s)",
        f"GET /servers/detail of {count} servers, one page (median of 5): {listing:6.1f} ms "
        "(target < 100 ms)",
    ]


def _openstacksdk_cycle_ms(url: str, image_id: str, subnet_id: str) -> float:
    import openstack

    conn = openstack.connect(
        auth_url=f"{url}/iam/v3",
        username="admin",
        password="flexemu-Passw0rd",
        user_domain_name="OCB0000001",
        project_name="eu-west-0",
        project_domain_name="OCB0000001",
        region_name="eu-west-0",
        load_yaml_config=False,
        load_envvars=False,
    )

    def cycle() -> None:
        server = conn.compute.create_server(
            name="sdk", image_id=image_id, flavor_id="s3.large.2", networks=[{"uuid": subnet_id}]
        )
        conn.compute.get_server(server.id)
        conn.compute.delete_server(server.id)

    return per_call_ms(cycle, REPEAT // 4)
