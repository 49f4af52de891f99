import httpx


def test_health_answers_without_auth(flexemu):
    response = httpx.get(f"{flexemu.url}/_emulator/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openstacksdk_lists_regions(flexemu):
    conn = flexemu.openstack()
    assert {r.id for r in conn.identity.regions()} >= {"eu-west-0", "eu-west-1", "eu-westvp-28"}
