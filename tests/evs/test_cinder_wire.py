"""Cinder's wire format through raw HTTP: v2 and v3 paths, error bodies, quotas and limits."""

import httpx
import pytest
from openstack import exceptions

from tests.evs.conftest import set_quotas


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_both_versions_serve_the_same_volumes(api, version):
    created = api("POST", f"/{version}/{{pid}}/volumes", json={"volume": {"size": 10}})
    assert created.status_code == 202
    assert created.headers["X-Openstack-Request-Id"].startswith("req-")
    volume = created.json()["volume"]
    assert volume["bootable"] == "false" and volume["status"] == "creating"
    other = "v3" if version == "v2" else "v2"
    shown = api("GET", f"/{other}/{{pid}}/volumes/{volume['id']}").json()["volume"]
    assert shown["id"] == volume["id"]
    summary = api("GET", f"/{other}/{{pid}}/volumes").json()["volumes"]
    assert set(summary[0]) == {"id", "name", "links"}


def test_prefixed_paths_reach_cinder(api):
    assert api("GET", "/evs/v3/{pid}/types").status_code == 200
    assert api("GET", "/evs/v2/{pid}/volumes/detail").json() == {"volumes": []}


def test_version_documents(api):
    root = api("GET", "/evs/")
    assert root.status_code == 300
    assert {v["id"]: v["status"] for v in root.json()["versions"]} == {
        "v2.0": "SUPPORTED",
        "v3.0": "CURRENT",
    }
    assert api("GET", "/evs/v3/").json()["versions"][0]["min_version"] == "3.0"


@pytest.mark.parametrize("asked", [None, "volume 3.0", "volume latest", "compute 2.1"])
def test_v3_echoes_its_microversion(api, asked):
    headers = {"OpenStack-API-Version": asked} if asked else {}
    for path in ("/v3/{pid}/volumes", "/v3/{pid}/volumes/unknown"):
        response = api("GET", path, headers=headers)
        assert response.headers["OpenStack-API-Version"] == "volume 3.0"
        assert "OpenStack-API-Version" in response.headers["Vary"]
    assert "OpenStack-API-Version" not in api("GET", "/v2/{pid}/volumes", headers=headers).headers


@pytest.mark.parametrize(
    "asked,status", [("volume 3.1", 406), ("volume 2.0", 406), ("volume 3.x", 400)]
)
def test_v3_refuses_a_microversion_outside_its_range(api, asked, status):
    response = api("GET", "/v3/{pid}/volumes", headers={"OpenStack-API-Version": asked})
    assert response.status_code == status
    assert next(iter(response.json().values()))["code"] == status
    assert api("GET", "/v2/{pid}/volumes", headers={"OpenStack-API-Version": asked}).is_success


@pytest.mark.parametrize(
    "body,fragment",
    [
        (b"{not json", "Malformed request body"),
        (b"{}", "'volume' is a required property"),
        (b'{"volume": {"size": "ten"}}', "volume.size"),
        (b'{"volume": {"size": 10, "availability_zone": "eu-west-1a"}}', "eu-west-1a"),
        (b'{"volume": {"size": 10, "availability_zone": "nowhere"}}', "is invalid"),
        (b'{"volume": {}}', "Size must be specified"),
    ],
)
def test_bad_creates_are_cinder_400s_and_write_nothing(api, body, fragment):
    response = api(
        "POST", "/v2/{pid}/volumes", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["badRequest"]
    assert error["code"] == 400 and fragment in error["message"]
    assert api("GET", "/v2/{pid}/volumes").json() == {"volumes": []}


def test_an_unknown_volume_type_is_item_not_found(api):
    body = {"volume": {"size": 10, "volume_type": "GOLD"}}
    response = api("POST", "/v3/{pid}/volumes", json=body)
    assert response.status_code == 404
    assert "Volume type with name GOLD" in response.json()["itemNotFound"]["message"]
    assert api("GET", "/v3/{pid}/volumes").json() == {"volumes": []}


def test_unknown_action_is_400(api):
    volume = api("POST", "/v2/{pid}/volumes", json={"volume": {"size": 10}}).json()["volume"]
    response = api("POST", f"/v2/{{pid}}/volumes/{volume['id']}/action", json={"os-frobnicate": {}})
    assert response.status_code == 400
    assert response.json()["badRequest"]["message"] == "There is no such action: os-frobnicate"


def test_unknown_volume_is_item_not_found(api):
    response = api("GET", "/v3/{pid}/volumes/nope")
    assert response.status_code == 404
    assert response.json() == {
        "itemNotFound": {"code": 404, "message": "Volume nope could not be found."}
    }


def test_volume_quota_is_413_overlimit_and_writes_nothing(flexemu, api, pid):
    set_quotas(flexemu, pid, volumes=1)
    assert api("POST", "/v2/{pid}/volumes", json={"volume": {"size": 10}}).status_code == 202
    refused = api("POST", "/v2/{pid}/volumes", json={"volume": {"size": 10}})
    assert refused.status_code == 413
    assert refused.json() == {
        "overLimit": {
            "code": 413,
            "retryAfter": "0",
            "message": "VolumeLimitExceeded: Maximum number of volumes allowed (1) exceeded for "
            "quota 'volumes'.",
        }
    }
    assert len(api("GET", "/v2/{pid}/volumes").json()["volumes"]) == 1
    usage = api("GET", "/v2/{pid}/os-quota-sets/{pid}?usage=True").json()["quota_set"]
    assert usage["volumes"]["in_use"] == 1 and usage["gigabytes"]["in_use"] == 10


def test_per_type_gigabytes_quota(flexemu, api, pid):
    set_quotas(flexemu, pid, gigabytes_SSD=15)
    refused = api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 20, "volume_type": "SSD"}})
    assert refused.status_code == 413
    assert refused.json()["overLimit"]["message"] == (
        "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds allowed "
        "gigabytes_SSD quota. Requested 20G, quota is 15G and 0G has been consumed."
    )
    assert (
        api(
            "POST", "/v3/{pid}/volumes", json={"volume": {"size": 20, "volume_type": "SAS"}}
        ).status_code
        == 202
    )


def test_quota_set_and_limits_through_openstacksdk(flexemu, conn, pid):
    set_quotas(flexemu, pid, volumes=7)
    conn.block_storage.create_volume(size=25, volume_type="SAS")
    quota = conn.block_storage.get_quota_set(pid, usage=True)
    assert quota.volumes == 7
    assert quota.usage["volumes"] == 1 and quota.usage["gigabytes"] == 25
    assert quota.usage["volumes_SAS"] == 1 and quota.usage["gigabytes_SAS"] == 25
    limits = conn.block_storage.get_limits().absolute
    assert (limits.max_total_volumes, limits.total_volumes_used) == (7, 1)
    assert limits.total_gigabytes_used == 25


def test_quota_of_another_project_is_404(api):
    response = api("GET", "/v3/{pid}/os-quota-sets/" + "0" * 32)
    assert response.status_code == 404


def test_quota_is_released_when_the_deletion_completes(flexemu, conn, pid):
    set_quotas(flexemu, pid, volumes=1)
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    conn.block_storage.delete_volume(volume)
    with pytest.raises(exceptions.HttpException):
        conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    assert conn.block_storage.create_volume(size=10).status == "creating"


def test_types_with_performance_and_zones(conn):
    types = {t.name: t for t in conn.block_storage.types()}
    assert set(types) == {"SATA", "SAS", "SSD"}
    assert types["SSD"].extra_specs["max_iops"] == "20000"
    assert types["SATA"].extra_specs["max_iops"] == "1000"
    assert types["SAS"].extra_specs["RESKEY:availability_zones"] == (
        "eu-west-0a,eu-west-0b,eu-west-0c"
    )
    assert conn.block_storage.get_type(types["SAS"].id).name == "SAS"


def test_type_ids_are_stable_across_resets(flexemu, conn):
    before = {t.name: t.id for t in conn.block_storage.types()}
    flexemu.reset()
    assert {t.name: t.id for t in flexemu.openstack().block_storage.types()} == before


def test_availability_zones_of_the_region(conn):
    zones = {z.name: z.state for z in conn.block_storage.availability_zones()}
    assert zones == {
        name: {"available": True} for name in ("eu-west-0a", "eu-west-0b", "eu-west-0c")
    }


def test_eu_west_1_has_its_own_zones(flexemu):
    conn = flexemu.openstack(project="eu-west-1")
    volume = conn.block_storage.create_volume(size=10)
    assert volume.availability_zone == "eu-west-1a"
    with pytest.raises(exceptions.BadRequestException):
        conn.block_storage.create_volume(size=10, availability_zone="eu-west-0a")


def test_per_volume_gigabytes_caps_one_volume(flexemu, api, pid):
    set_quotas(flexemu, pid, per_volume_gigabytes=100)
    refused = api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 101}})
    assert refused.status_code == 413
    assert refused.json()["overLimit"]["message"] == (
        "VolumeSizeExceedsLimit: Requested volume size 101G is larger than maximum allowed "
        "limit 100G."
    )
    assert api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 100}}).status_code == 202


def test_metadata_items(conn, api):
    volume = conn.block_storage.create_volume(size=10, metadata={"a": "1"})
    conn.block_storage.set_volume_metadata(volume, b="2")
    assert conn.block_storage.get_volume(volume).metadata == {"a": "1", "b": "2"}
    conn.block_storage.delete_volume_metadata(volume, keys=["a"])
    assert api("GET", f"/v3/{{pid}}/volumes/{volume.id}/metadata").json() == {
        "metadata": {"b": "2"}
    }
    missing = api("DELETE", f"/v3/{{pid}}/volumes/{volume.id}/metadata/zzz")
    assert missing.status_code == 404
    item = api("GET", f"/v3/{{pid}}/volumes/{volume.id}/metadata/b")
    assert item.status_code == 200 and item.json() == {"meta": {"b": "2"}}
    unknown = api("GET", f"/v3/{{pid}}/volumes/{volume.id}/metadata/zzz")
    assert unknown.status_code == 404 and unknown.json()["itemNotFound"]["code"] == 404
    replaced = api(
        "PUT", f"/v2/{{pid}}/volumes/{volume.id}/metadata", json={"metadata": {"c": "3"}}
    )
    assert replaced.json() == {"metadata": {"c": "3"}}


@pytest.mark.parametrize(
    "method, tail, body",
    [
        ("POST", "metadata", {"metadata": {"k": "v" * 256}}),
        ("PUT", "metadata", {"metadata": {"k" * 256: "v"}}),
        ("PUT", "metadata", {"metadata": {"": "v"}}),
        ("PUT", "metadata/k", {"meta": {"k": "v" * 256}}),
    ],
)
def test_metadata_keys_and_values_longer_than_255_are_refused(conn, api, method, tail, body):
    volume = conn.block_storage.create_volume(size=10, metadata={"a": "1"})
    refused = api(method, f"/v3/{{pid}}/volumes/{volume.id}/{tail}", json=body)
    assert refused.status_code == 400
    assert refused.json()["badRequest"]["message"].startswith("Invalid input for field 'meta")
    assert conn.block_storage.get_volume(volume).metadata == {"a": "1"}


def test_set_bootable_action(conn, api):
    volume = conn.block_storage.create_volume(size=10)
    conn.block_storage.set_volume_bootable_status(volume, True)
    assert conn.block_storage.get_volume(volume).is_bootable is True
    body = {"os-set_bootable": {"bootable": False}}
    answer = api("POST", f"/v3/{{pid}}/volumes/{volume.id}/action", json=body)
    assert answer.status_code == 200  # Cinder answers this action 200, the others 202
    assert conn.block_storage.get_volume(volume).is_bootable is False


def test_a_malformed_action_is_400(api):
    volume = api("POST", "/v2/{pid}/volumes", json={"volume": {"size": 10}}).json()["volume"]
    response = api(
        "POST",
        f"/v2/{{pid}}/volumes/{volume['id']}/action",
        json={"os-extend": {"new_size": "big"}},
    )
    assert response.status_code == 400
    assert "os-extend.new_size" in response.json()["badRequest"]["message"]


def test_quota_defaults(conn, pid, flexemu):
    set_quotas(flexemu, pid, volumes=3)
    defaults = conn.block_storage.get_quota_set_defaults(pid)
    assert (defaults.volumes, defaults.gigabytes, defaults.snapshots) == (50, 12800, 50)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_extensions_are_listed_as_evs_documents_them(api, version):
    listed = api("GET", f"/evs/{version}/{{pid}}/extensions").json()["extensions"]
    quotas = next(e for e in listed if e["alias"] == "os-quota-sets")
    assert quotas == {
        "name": "Quotas",
        "alias": "os-quota-sets",
        "description": "Quota management support.",
        "updated": "2011-08-08T00:00:00+00:00",
        "links": [],
    }


def test_create_and_update_answer_without_the_extension_attributes(api, conn):
    extended = {"os-vol-tenant-attr:tenant_id", "os-vol-host-attr:host", "shareable"}
    created = api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 10}}).json()["volume"]
    assert not extended & set(created)
    assert created["user_id"] == conn.current_user_id
    path = f"/v3/{{pid}}/volumes/{created['id']}"
    updated = api("PUT", path, json={"volume": {"name": "renamed"}}).json()["volume"]
    assert updated["name"] == "renamed" and not extended & set(updated)
    shown = api("GET", path).json()["volume"]
    assert extended <= set(shown) and shown["user_id"] == conn.current_user_id


def test_snapshot_extended_attributes_only_in_show_and_detail(flexemu, api):
    extended = {
        "os-extended-snapshot-attributes:project_id",
        "os-extended-snapshot-attributes:progress",
    }
    volume = api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 10}}).json()["volume"]
    flexemu.advance("PT1M")
    body = {"snapshot": {"volume_id": volume["id"], "name": "snap"}}
    created = api("POST", "/v3/{pid}/snapshots", json=body).json()["snapshot"]
    assert not extended & set(created)
    path = f"/v3/{{pid}}/snapshots/{created['id']}"
    updated = api("PUT", path, json={"snapshot": {"name": "renamed"}}).json()["snapshot"]
    assert updated["name"] == "renamed" and not extended & set(updated)
    assert not extended & set(api("GET", "/v3/{pid}/snapshots").json()["snapshots"][0])
    assert extended <= set(api("GET", "/v3/{pid}/snapshots/detail").json()["snapshots"][0])
    assert extended <= set(api("GET", path).json()["snapshot"])


@pytest.mark.parametrize("path", ["volumes", "volumes/detail"])
def test_a_full_page_links_the_next_even_at_the_end(api, path):
    for _ in range(2):
        api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 10}})
    first = api("GET", f"/v3/{{pid}}/{path}?limit=2").json()
    assert len(first["volumes"]) == 2
    [link] = first["volumes_links"]
    assert link["rel"] == "next" and f"/{path}?marker={first['volumes'][1]['id']}" in link["href"]
    last = httpx.get(link["href"], headers={"X-Auth-Token": api.token}).json()
    assert last == {"volumes": []}
    assert "volumes_links" not in api("GET", f"/v3/{{pid}}/{path}?limit=3").json()


@pytest.mark.parametrize("query", ["sort_key=name&sort_dir=asc", "sort=name:asc", "sort=name"])
def test_lists_sort_by_the_key_asked_and_page_in_that_order(api, query):
    for name in ("b", "c", "a"):
        api("POST", "/v3/{pid}/volumes", json={"volume": {"size": 10, "name": name}})
    names = [v["name"] for v in api("GET", f"/v3/{{pid}}/volumes?{query}").json()["volumes"]]
    expected = ["a", "b", "c"] if "asc" in query else ["c", "b", "a"]
    assert names == expected
    first = api("GET", f"/v3/{{pid}}/volumes/detail?{query}&limit=1").json()["volumes"][0]
    rest = api("GET", f"/v3/{{pid}}/volumes?{query}&marker={first['id']}").json()["volumes"]
    assert [v["name"] for v in rest] == expected[1:]


def test_an_unknown_sort_key_is_400(api):
    for path in ("volumes", "snapshots/detail", "backups"):
        response = api("GET", f"/v3/{{pid}}/{path}?sort_key=invalid")
        assert response.status_code == 400
        assert "Sort key supplied is invalid" in response.json()["badRequest"]["message"]


def test_snapshot_metadata_as_a_volume_s(flexemu, conn):
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    snapshot = conn.block_storage.create_snapshot(volume_id=volume.id, metadata={"a": "1"})
    conn.block_storage.set_snapshot_metadata(snapshot, b="2")
    assert conn.block_storage.get_snapshot(snapshot).metadata == {"a": "1", "b": "2"}
    conn.block_storage.delete_snapshot_metadata(snapshot, keys=["a"])
    assert conn.block_storage.get_snapshot(snapshot).metadata == {"b": "2"}
    with pytest.raises(exceptions.NotFoundException):
        conn.block_storage.delete_snapshot_metadata(snapshot, keys=["zzz"])


def test_snapshot_lists_take_offset_and_display_name(flexemu, conn, api):
    volume = conn.block_storage.create_volume(size=10)
    flexemu.advance("PT1M")
    for name in ("b", "c", "a"):
        conn.block_storage.create_snapshot(volume_id=volume.id, name=name, force=True)
    listed = api("GET", "/v3/{pid}/snapshots?sort_key=display_name&sort_dir=asc&offset=1").json()
    assert [s["name"] for s in listed["snapshots"]] == ["b", "c"]
    assert api("GET", "/v3/{pid}/snapshots?offset=x").status_code == 400


def test_a_snapshot_of_a_null_volume_is_item_not_found(api):
    body = {"snapshot": {"volume_id": None, "name": "snap"}}
    response = api("POST", "/v3/{pid}/snapshots", json=body)
    assert response.status_code == 404
    assert response.json()["itemNotFound"]["message"] == "Volume None could not be found."
    missing = api("POST", "/v3/{pid}/snapshots", json={"snapshot": {"name": "snap"}})
    assert missing.status_code == 400  # volume_id is required


def test_display_name_and_description_stand_for_name_and_description(flexemu, api):
    body = {"volume": {"size": 10, "display_name": "v", "display_description": "d"}}
    volume = api("POST", "/v2/{pid}/volumes", json=body).json()["volume"]
    assert (volume["name"], volume["description"]) == ("v", "d")
    path = f"/v3/{{pid}}/volumes/{volume['id']}"
    renamed = api("PUT", path, json={"volume": {"display_name": "w"}}).json()["volume"]
    assert renamed["name"] == "w"
    flexemu.advance("PT1M")
    body = {"snapshot": {"volume_id": volume["id"], "display_name": "s"}}
    snapshot = api("POST", "/v3/{pid}/snapshots", json=body).json()["snapshot"]
    assert snapshot["name"] == "s"
    changes = {"snapshot": {"display_description": "e"}}
    path = f"/v3/{{pid}}/snapshots/{snapshot['id']}"
    assert api("PUT", path, json=changes).json()["snapshot"]["description"] == "e"


@pytest.mark.parametrize("method", ["DELETE", "PUT"])
def test_a_method_a_path_does_not_take_is_item_not_found(api, method):
    """Cinder's router matches a path and a method together: no 405."""
    response = api(method, "/v3/{pid}/volumes", json={"volume": {}})
    assert response.status_code == 404
    assert response.json() == {
        "itemNotFound": {"code": 404, "message": "The resource could not be found."}
    }


def test_a_trailing_slash_is_another_path(api):
    response = api("GET", "/v3/{pid}/volumes/")
    assert response.status_code == 404 and "itemNotFound" in response.json()


def test_managing_volume_types_is_the_cloud_s_policy_refusal(conn, api):
    type_id = next(conn.block_storage.types()).id
    for method, path in [
        ("POST", "/types"),
        ("PUT", f"/types/{type_id}"),
        ("DELETE", f"/types/{type_id}"),
    ]:
        response = api(method, f"/v3/{{pid}}{path}", json={"volume_type": {"name": "GOLD"}})
        assert response.status_code == 403
        assert response.json()["forbidden"]["message"] == (
            "Policy doesn't allow volume_extension:types_manage to be performed."
        )
