"""The native EVS API through huaweicloudsdkevs: jobs, offset paging, tags, snapshots."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkevs.v2 import (
    BatchCreateVolumeTagsRequest,
    BatchCreateVolumeTagsRequestBody,
    BatchDeleteVolumeTagsRequest,
    BatchDeleteVolumeTagsRequestBody,
    CinderListQuotasRequest,
    CinderListVolumeTypesRequest,
    CreateSnapshotOption,
    CreateSnapshotRequest,
    CreateSnapshotRequestBody,
    DeleteSnapshotRequest,
    DeleteTagsOption,
    DeleteVolumeRequest,
    ListSnapshotsRequest,
    ListVolumesByTagsRequest,
    ListVolumesByTagsRequestBody,
    ListVolumesRequest,
    ListVolumeTagsRequest,
    Match,
    OsExtend,
    ResizeVolumeRequest,
    ResizeVolumeRequestBody,
    RetypeVolume,
    RetypeVolumeRequest,
    RetypeVolumeRequestBody,
    RollbackSnapshotOption,
    RollbackSnapshotRequest,
    RollbackSnapshotRequestBody,
    ShowSnapshotRequest,
    ShowVolumeRequest,
    ShowVolumeTagsRequest,
    Tag,
    TagsForListVolumes,
    UpdateVolumeOption,
    UpdateVolumeRequest,
    UpdateVolumeRequestBody,
)

from tests.evs.conftest import create_native, job_status, set_quotas


def test_create_returns_a_job_that_succeeds_on_the_clock(flexemu, evs):
    created = create_native(evs, name="native", volume_type="SSD", size=20)
    assert len(created.volume_ids) == 1
    job = job_status(evs, created.job_id)
    assert (job.status, job.job_type) == ("RUNNING", "createVolume")
    assert job.entities.volume_id == created.volume_ids[0]
    flexemu.advance("PT1M")
    assert job_status(evs, created.job_id).status == "SUCCESS"
    volume = evs.show_volume(ShowVolumeRequest(volume_id=created.volume_ids[0])).volume
    assert (volume.status, volume.size, volume.volume_type) == ("available", 20, "SSD")
    assert (volume.name, volume.service_type) == ("native", "EVS")


def test_count_creates_a_batch_with_sub_jobs_and_numbered_names(flexemu, evs):
    created = create_native(evs, name="web", count=3)
    flexemu.advance("PT1M")
    job = job_status(evs, created.job_id)
    assert (job.status, job.job_type) == ("SUCCESS", "batchCreateVolume")
    assert sorted(sub.entities.name for sub in job.entities.sub_jobs) == [
        "web-0001",
        "web-0002",
        "web-0003",
    ]
    assert {sub.entities.volume_id for sub in job.entities.sub_jobs} == set(created.volume_ids)


def test_list_pages_with_offset_and_counts_all(flexemu, evs):
    create_native(evs, name="a", count=5)
    page = evs.list_volumes(ListVolumesRequest(offset=1, limit=2))
    assert page.count == 5 and len(page.volumes) == 2
    names = [v.name for v in evs.list_volumes(ListVolumesRequest()).volumes]
    assert names == ["a-0005", "a-0004", "a-0003", "a-0002", "a-0001"]
    assert [v.name for v in page.volumes] == names[1:3]
    assert evs.list_volumes(ListVolumesRequest(name="a-0002")).count == 1
    assert evs.list_volumes(ListVolumesRequest(availability_zone="eu-west-0b")).count == 0


def test_update_volume(evs):
    volume_id = create_native(evs).volume_ids[0]
    body = UpdateVolumeRequestBody(volume=UpdateVolumeOption(name="renamed", description="x"))
    updated = evs.update_volume(UpdateVolumeRequest(volume_id=volume_id, body=body))
    assert (updated.name, updated.description) == ("renamed", "x")


def test_resize_through_a_job(flexemu, evs):
    volume_id = create_native(evs).volume_ids[0]
    flexemu.advance("PT1M")
    body = ResizeVolumeRequestBody(os_extend=OsExtend(new_size=50))
    job_id = evs.resize_volume(ResizeVolumeRequest(volume_id=volume_id, body=body)).job_id
    assert job_status(evs, job_id).job_type == "extendVolume"
    flexemu.advance("PT1M")
    assert job_status(evs, job_id).status == "SUCCESS"
    assert evs.show_volume(ShowVolumeRequest(volume_id=volume_id)).volume.size == 50


def test_delete_through_a_job_then_404(flexemu, evs):
    volume_id = create_native(evs).volume_ids[0]
    flexemu.advance("PT1M")
    job_id = evs.delete_volume(DeleteVolumeRequest(volume_id=volume_id)).job_id
    flexemu.advance("PT1M")
    assert job_status(evs, job_id).status == "SUCCESS"
    with pytest.raises(ClientRequestException) as caught:
        evs.show_volume(ShowVolumeRequest(volume_id=volume_id))
    assert caught.value.status_code == 404


@pytest.mark.parametrize("size", [5, 40000])
def test_size_out_of_range_is_evs_1010(evs, size):
    with pytest.raises(ClientRequestException) as caught:
        create_native(evs, size=size)
    assert (caught.value.status_code, caught.value.error_code) == (400, "EVS.1010")
    assert evs.list_volumes(ListVolumesRequest()).count == 0


def test_quota_is_a_native_400_and_writes_nothing(flexemu, evs, pid):
    set_quotas(flexemu, pid, volumes=2)
    with pytest.raises(ClientRequestException) as caught:
        create_native(evs, count=3)
    assert (caught.value.status_code, caught.value.error_code) == (400, "EVS.5400")
    assert evs.list_volumes(ListVolumesRequest()).count == 0


def test_missing_fields_are_400_with_an_evs_code(api):
    response = api("POST", "/v2.1/{pid}/cloudvolumes", json={"volume": {"size": 10}})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "EVS.1009"
    assert "availability_zone" in response.json()["error"]["message"]
    assert response.headers["X-Request-Id"]


def test_unknown_volume_is_a_native_404(api):
    response = api("GET", "/v2/{pid}/cloudvolumes/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "EVS.5404", "message": "Volume nope could not be found."}
    }


def test_tags_through_the_sdk_and_the_terraform_path(evs, api):
    volume_id = create_native(evs, tags={"env": "prod"}).volume_ids[0]
    body = BatchCreateVolumeTagsRequestBody(action="create", tags=[Tag(key="team", value="a")])
    evs.batch_create_volume_tags(BatchCreateVolumeTagsRequest(volume_id=volume_id, body=body))
    shown = evs.show_volume_tags(ShowVolumeTagsRequest(volume_id=volume_id)).tags
    assert {(t.key, t.value) for t in shown} == {("env", "prod"), ("team", "a")}
    removal = BatchDeleteVolumeTagsRequestBody(action="delete", tags=[DeleteTagsOption(key="env")])
    evs.batch_delete_volume_tags(BatchDeleteVolumeTagsRequest(volume_id=volume_id, body=removal))
    vendor = api("GET", f"/v2/{{pid}}/os-vendor-volumes/{volume_id}/tags").json()
    assert vendor == {"tags": [{"key": "team", "value": "a"}]}
    added = api(
        "POST",
        f"/v2/{{pid}}/os-vendor-volumes/{volume_id}/tags/action",
        json={"action": "create", "tags": [{"key": "tf", "value": "yes"}]},
    )
    assert added.status_code == 204
    detail = evs.show_volume(ShowVolumeRequest(volume_id=volume_id)).volume
    assert detail.tags == {"team": "a", "tf": "yes"}


def test_project_tags_list_every_key_with_its_values(evs):
    create_native(evs, tags={"env": "prod", "team": "a"})
    create_native(evs, tags={"env": "dev"})
    listed = evs.list_volume_tags(ListVolumeTagsRequest()).tags
    assert listed == {"env": ["dev", "prod"], "team": ["a"]}


def test_volumes_by_tags_need_every_key_with_one_of_its_values(evs):
    prod = create_native(evs, name="a", tags={"env": "prod", "team": "x"}).volume_ids[0]
    dev = create_native(evs, name="b", tags={"env": "dev", "team": "y"}).volume_ids[0]
    create_native(evs, name="c", tags={"env": "prod"})

    def query(*tags, **extra):
        filters = [TagsForListVolumes(key=key, values=values) for key, values in tags]
        body = ListVolumesByTagsRequestBody(action="filter", tags=filters, **extra)
        return evs.list_volumes_by_tags(ListVolumesByTagsRequest(body=body))

    found = query(("env", ["prod", "dev"]), ("team", []))
    assert found.total_count == 2
    assert {r.resource_id for r in found.resources} == {prod, dev}
    first = next(r for r in found.resources if r.resource_id == prod)
    assert first.resource_name == "a"
    assert first.resource_detail.id == prod
    assert first.resource_detail.size == 10
    assert first.tags == [{"key": "env", "value": "prod"}, {"key": "team", "value": "x"}]
    paged = query(("env", ["prod", "dev"]), ("team", []), offset=1, limit=1)
    assert (paged.total_count, len(paged.resources)) == (2, 1)
    by_name = query(("team", []), matches=[Match(key="resource_name", value="b")])
    assert [r.resource_id for r in by_name.resources] == [dev]
    with pytest.raises(ClientRequestException) as error:
        query(("env", []), ("env", ["prod"]))
    assert (error.value.status_code, error.value.error_code) == (400, "EVS.1009")


def test_snapshots_and_rollback(flexemu, evs):
    volume_id = create_native(evs, name="db").volume_ids[0]
    flexemu.advance("PT1M")
    body = CreateSnapshotRequestBody(
        snapshot=CreateSnapshotOption(volume_id=volume_id, name="snap")
    )
    snapshot = evs.create_snapshot(CreateSnapshotRequest(body=body)).snapshot
    flexemu.advance("PT1M")
    listed = evs.list_snapshots(ListSnapshotsRequest(volume_id=volume_id))
    assert listed.count == 1 and listed.snapshots[0].status == "available"
    rollback = RollbackSnapshotRequestBody(
        rollback=RollbackSnapshotOption(volume_id=volume_id, name="db-restored")
    )
    restored = evs.rollback_snapshot(
        RollbackSnapshotRequest(snapshot_id=snapshot.id, body=rollback)
    )
    assert restored.rollback.volume_id == volume_id
    assert evs.show_volume(ShowVolumeRequest(volume_id=volume_id)).volume.name == "db-restored"
    evs.delete_snapshot(DeleteSnapshotRequest(snapshot_id=snapshot.id))
    flexemu.advance("PT1M")
    with pytest.raises(ClientRequestException) as caught:
        evs.show_snapshot(ShowSnapshotRequest(snapshot_id=snapshot.id))
    assert caught.value.status_code == 404


def test_volume_types_natively(evs):
    types = evs.cinder_list_volume_types(CinderListVolumeTypesRequest()).volume_types
    assert {t.name for t in types} == {"SATA", "SAS", "SSD"}


def test_quota_set_through_the_evs_sdk(evs, pid):
    create_native(evs, volume_type="SSD", size=30)
    quota = evs.cinder_list_quotas(CinderListQuotasRequest(target_project_id=pid, usage="True"))
    assert (quota.quota_set.volumes.in_use, quota.quota_set.volumes.limit) == (1, 50)
    assert quota.quota_set.gigabytes_ssd.in_use == 30


def test_retype_through_a_job_moves_quota_and_meter_class(flexemu, evs, api, pid):
    volume_id = create_native(evs, volume_type="SATA", size=10).volume_ids[0]
    flexemu.advance("PT1M")
    body = RetypeVolumeRequestBody(os_retype=RetypeVolume(new_type="SSD"))
    job_id = evs.retype_volume(RetypeVolumeRequest(volume_id=volume_id, body=body)).job_id
    assert evs.show_volume(ShowVolumeRequest(volume_id=volume_id)).volume.status == "retyping"
    flexemu.advance("PT1M")
    assert job_status(evs, job_id).status == "SUCCESS"
    volume = evs.show_volume(ShowVolumeRequest(volume_id=volume_id)).volume
    assert (volume.status, volume.volume_type) == ("available", "SSD")
    usage = api("GET", "/v3/{pid}/os-quota-sets/{pid}?usage=True").json()["quota_set"]
    assert usage["gigabytes_SSD"]["in_use"] == 10 and usage["gigabytes_SATA"]["in_use"] == 0
    with pytest.raises(ClientRequestException) as caught:
        evs.retype_volume(RetypeVolumeRequest(volume_id=volume_id, body=body))
    assert caught.value.status_code == 400
