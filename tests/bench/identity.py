"""Server time of a token issue plus one authenticated GET, over the bare-app floor."""

import httpx

from tests.bench.common import bare_command, flexemu_command, free_port, per_call_ms, start, stop

REPEAT = 300
BODY = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {
                    "name": "admin",
                    "domain": {"name": "OCB0000001"},
                    "password": "flexemu-Passw0rd",
                }
            },
        },
        "scope": {"project": {"name": "eu-west-0"}},
    }
}


def run() -> list[str]:
    figures = {}
    for name, command in (("floor", bare_command), ("flexemu", flexemu_command)):
        port = free_port()
        server, _ = start(command(port), f"http://127.0.0.1:{port}/_emulator/health")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:

            def token_and_get(client: httpx.Client = client) -> None:
                issued = client.post("/v3/auth/tokens", json=BODY)
                token = issued.headers["X-Subject-Token"]
                client.get("/v3/auth/projects", headers={"X-Auth-Token": token})

            figures[name] = per_call_ms(token_and_get, REPEAT)
        stop(server)
    server_time = figures["flexemu"] - figures["floor"]
    port = free_port()
    server, _ = start(flexemu_command(port), f"http://127.0.0.1:{port}/_emulator/ready")
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}/_emulator",
        headers={"Authorization": "Bearer flexemu-admin"},
    ) as client:
        reset = per_call_ms(lambda: client.post("/reset").raise_for_status(), 50)
    stop(server)
    return [
        f"POST /_emulator/reset (empty-ish state)  {reset:6.2f} ms (target well under 50 ms)",
        f"token issue + authenticated GET: flexemu {figures['flexemu']:6.2f} ms, stateless "
        f"stub {figures['floor']:5.2f} ms -> server time {server_time:5.2f} ms "
        "(target < 5 ms)",
    ]
