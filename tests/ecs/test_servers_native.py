"""Servers through huaweicloudsdkecs: jobs with sub-jobs, batch actions, resize, volumes, NICs,
tags, deletion with its options; one store with Nova, VPC and EVS."""

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    AttachServerVolumeOption,
    AttachServerVolumeRequest,
    AttachServerVolumeRequestBody,
    BatchAddServerNicOption,
    BatchAddServerNicsRequest,
    BatchAddServerNicsRequestBody,
    BatchAddServerTag,
    BatchCreateServerTagsRequest,
    BatchCreateServerTagsRequestBody,
    BatchDeleteServerNicOption,
    BatchDeleteServerNicsRequest,
    BatchDeleteServerNicsRequestBody,
    BatchRebootServersRequest,
    BatchRebootServersRequestBody,
    BatchRebootSeversOption,
    BatchStartServersOption,
    BatchStartServersRequest,
    BatchStartServersRequestBody,
    BatchStopServersOption,
    BatchStopServersRequest,
    BatchStopServersRequestBody,
    CreatePostPaidServersRequest,
    CreatePostPaidServersRequestBody,
    DeleteServersRequest,
    DeleteServersRequestBody,
    DetachServerVolumeRequest,
    ListResizeFlavorsRequest,
    ListServersByTagRequest,
    ListServersByTagRequestBody,
    ListServersDetailsRequest,
    PostPaidServer,
    PostPaidServerDataVolume,
    PostPaidServerEip,
    PostPaidServerEipBandwidth,
    PostPaidServerNic,
    PostPaidServerPublicip,
    PostPaidServerRootVolume,
    PostPaidServerTag,
    ResizePostPaidServerOption,
    ResizePostPaidServerRequest,
    ResizePostPaidServerRequestBody,
    ServerId,
    ServerTagMatch,
    ServerTags,
    ShowJobRequest,
    ShowServerBlockDeviceRequest,
    ShowServerRequest,
    ShowServerTagsRequest,
    UpdateServerOption,
    UpdateServerRequest,
    UpdateServerRequestBody,
)

from tests.ecs.conftest import set_quotas


@pytest.fixture
def create(ecs, network, image_id):
    """CreatePostPaidServers with a system disk, optional data disks and EIP."""

    def make(
        name="app",
        count=1,
        data=(),
        eip=False,
        eip_goes_with_server=False,
        flavor="s3.large.2",
        **extra,
    ):
        extra.setdefault("vpcid", network["vpc_id"])
        server = PostPaidServer(
            name=name,
            image_ref=image_id,
            flavor_ref=flavor,
            nics=[PostPaidServerNic(subnet_id=network["subnet_id"])],
            root_volume=PostPaidServerRootVolume(volumetype="SSD", size=50),
            data_volumes=[
                PostPaidServerDataVolume(volumetype=kind, size=size) for kind, size in data
            ],
            publicip=PostPaidServerPublicip(
                eip=PostPaidServerEip(
                    iptype="5_bgp",
                    bandwidth=PostPaidServerEipBandwidth(
                        size=10, sharetype="PER", chargemode="traffic"
                    ),
                ),
                delete_on_termination=eip_goes_with_server,
            )
            if eip
            else None,
            count=count,
            **extra,
        )
        body = CreatePostPaidServersRequestBody(server=server)
        return ecs.create_post_paid_servers(CreatePostPaidServersRequest(body=body))

    return make


def job(ecs, job_id):
    return ecs.show_job(ShowJobRequest(job_id=job_id))


def refs(*ids):
    return [ServerId(id=server_id) for server_id in ids]


def test_create_is_a_job_with_a_sub_job_per_server(flexemu, ecs, create, conn):
    created = create(
        count=2,
        data=[("SAS", 100)],
        eip=True,
        server_tags=[PostPaidServerTag(key="env", value="prod")],
    )
    assert len(created.server_ids) == 2
    running = job(ecs, created.job_id)
    assert (running.status, running.job_type) == ("RUNNING", "createServer")
    flexemu.advance("PT1M")
    done = job(ecs, created.job_id)
    assert done.status == "SUCCESS"
    assert done.entities.sub_jobs_total == 2
    assert {sub.entities.server_id for sub in done.entities.sub_jobs} == set(created.server_ids)
    shown = ecs.show_server(ShowServerRequest(server_id=created.server_ids[0])).server
    assert shown.name == "app-0001" and shown.status == "ACTIVE"
    kinds = {a.os_ext_ip_stype for a in next(iter(shown.addresses.values()))}
    assert kinds == {"fixed", "floating"}
    assert shown.tags == ["env=prod"]
    assert shown.metadata["image_name"] == "OBS Ubuntu 22.04"
    volumes = {
        v["id"]: v for v in (vol.to_dict() for vol in shown.os_extended_volumesvolumes_attached)
    }
    assert len(volumes) == 2
    cinder = [conn.block_storage.get_volume(volume_id) for volume_id in volumes]
    assert sorted((v.size, v.volume_type, v.status) for v in cinder) == [
        (50, "SSD", "in-use"),
        (100, "SAS", "in-use"),
    ]
    nova = conn.compute.get_server(created.server_ids[1])
    assert nova.name == "app-0002" and nova.status == "ACTIVE"


def test_list_details_pages_and_filters(flexemu, ecs, create, boot):
    create(count=3, name="batch")
    boot("from-nova")
    listed = ecs.list_servers_details(ListServersDetailsRequest(limit=2, offset=1))
    assert listed.count == 4 and len(listed.servers) == 2
    second = ecs.list_servers_details(ListServersDetailsRequest(limit=2, offset=2))
    assert {s.id for s in listed.servers}.isdisjoint({s.id for s in second.servers})
    named = ecs.list_servers_details(ListServersDetailsRequest(name="from-nova"))
    assert [s.name for s in named.servers] == ["from-nova"]


def test_batch_stop_start_reboot_jobs(flexemu, ecs, create):
    ids = create(count=2).server_ids
    flexemu.advance("PT1M")
    stop = ecs.batch_stop_servers(
        BatchStopServersRequest(
            body=BatchStopServersRequestBody(os_stop=BatchStopServersOption(servers=refs(*ids)))
        )
    )
    flexemu.advance("PT1M")
    assert job(ecs, stop.job_id).status == "SUCCESS"
    assert {ecs.show_server(ShowServerRequest(server_id=i)).server.status for i in ids} == {
        "SHUTOFF"
    }
    start = ecs.batch_start_servers(
        BatchStartServersRequest(
            body=BatchStartServersRequestBody(os_start=BatchStartServersOption(servers=refs(*ids)))
        )
    )
    flexemu.advance("PT1M")
    assert job(ecs, start.job_id).entities.sub_jobs_total == 2
    reboot = ecs.batch_reboot_servers(
        BatchRebootServersRequest(
            body=BatchRebootServersRequestBody(
                reboot=BatchRebootSeversOption(servers=refs(ids[0]), type="SOFT")
            )
        )
    )
    assert ecs.show_server(ShowServerRequest(server_id=ids[0])).server.status == "REBOOT"
    flexemu.advance("PT1M")
    assert job(ecs, reboot.job_id).status == "SUCCESS"


def test_batch_with_an_unknown_id_changes_nothing(flexemu, ecs, create):
    (server_id,) = create().server_ids
    flexemu.advance("PT1M")
    body = BatchStopServersRequestBody(
        os_stop=BatchStopServersOption(servers=refs(server_id, "0" * 36))
    )
    with pytest.raises(ClientRequestException) as error:
        ecs.batch_stop_servers(BatchStopServersRequest(body=body))
    assert (error.value.status_code, error.value.error_code) == (404, "Ecs.0114")
    flexemu.advance("PT1M")
    assert ecs.show_server(ShowServerRequest(server_id=server_id)).server.status == "ACTIVE"


def test_resize_confirms_itself(flexemu, ecs, create):
    (server_id,) = create().server_ids
    flexemu.advance("PT1M")
    choices = ecs.list_resize_flavors(ListResizeFlavorsRequest(instance_uuid=server_id)).flavors
    assert "s3.xlarge.4" in {flavor.id for flavor in choices}
    body = ResizePostPaidServerRequestBody(
        resize=ResizePostPaidServerOption(flavor_ref="s3.xlarge.4")
    )
    resized = ecs.resize_post_paid_server(
        ResizePostPaidServerRequest(server_id=server_id, body=body)
    )
    flexemu.advance("PT1M")
    assert job(ecs, resized.job_id).status == "SUCCESS"
    shown = ecs.show_server(ShowServerRequest(server_id=server_id)).server
    assert (shown.status, shown.flavor.id) == ("ACTIVE", "s3.xlarge.4")


def test_update_server(flexemu, ecs, create):
    (server_id,) = create().server_ids
    body = UpdateServerRequestBody(server=UpdateServerOption(name="renamed", description="d"))
    updated = ecs.update_server(UpdateServerRequest(server_id=server_id, body=body)).server
    assert (updated.name, updated.description) == ("renamed", "d")


def test_delete_keeps_eips_and_data_disks_by_default(flexemu, ecs, create, conn):
    (server_id,) = create(data=[("SATA", 20)], eip=True).server_ids
    flexemu.advance("PT1M")
    volumes = [v.id for v in conn.block_storage.volumes()]
    (eip,) = conn.network.ips()
    body = DeleteServersRequestBody(servers=refs(server_id))
    deleted = ecs.delete_servers(DeleteServersRequest(body=body))
    assert list(conn.network.ports(device_id=server_id)) == []
    flexemu.advance("PT1M")
    assert job(ecs, deleted.job_id).status == "SUCCESS"
    with pytest.raises(ClientRequestException) as error:
        ecs.show_server(ShowServerRequest(server_id=server_id))
    assert error.value.error_code == "Ecs.0114"
    left = list(conn.block_storage.volumes())
    assert [(v.size, v.status) for v in left] == [(20, "available")]
    assert {v.id for v in left} < set(volumes)
    kept = conn.network.get_ip(eip.id)
    assert kept.status == "DOWN" and kept.port_id is None
    assert conn.compute.get_limits().absolute.instances_used == 0


def test_delete_with_publicip_and_volumes(flexemu, ecs, create, conn):
    (server_id,) = create(data=[("SATA", 20)], eip=True).server_ids
    flexemu.advance("PT1M")
    body = DeleteServersRequestBody(
        servers=refs(server_id), delete_publicip=True, delete_volume=True
    )
    ecs.delete_servers(DeleteServersRequest(body=body))
    assert list(conn.network.ips()) == []
    flexemu.advance("PT1M")
    assert list(conn.block_storage.volumes()) == []


def test_eip_made_delete_on_termination_goes_with_the_server(flexemu, ecs, create, conn):
    (server_id,) = create(eip=True, eip_goes_with_server=True).server_ids
    flexemu.advance("PT1M")
    assert len(list(conn.network.ips())) == 1
    ecs.delete_servers(DeleteServersRequest(body=DeleteServersRequestBody(servers=refs(server_id))))
    assert list(conn.network.ips()) == []


def test_attach_and_detach_a_volume(flexemu, ecs, create, conn):
    (server_id,) = create().server_ids
    volume = conn.block_storage.create_volume(size=10, availability_zone="eu-west-0a")
    flexemu.advance("PT1M")
    option = AttachServerVolumeOption(volume_id=volume.id, device="/dev/vdb")
    attached = ecs.attach_server_volume(
        AttachServerVolumeRequest(
            server_id=server_id, body=AttachServerVolumeRequestBody(volume_attachment=option)
        )
    )
    flexemu.advance("PT1M")
    assert job(ecs, attached.job_id).status == "SUCCESS"
    assert conn.block_storage.get_volume(volume.id).status == "in-use"
    nova = conn.compute.get_server(server_id)
    assert volume.id in {v["id"] for v in nova.attached_volumes}
    shown = ecs.show_server_block_device(
        ShowServerBlockDeviceRequest(server_id=server_id, volume_id=volume.id)
    ).volume_attachment
    assert (shown.id, shown.server_id, shown.device, shown.size) == (
        volume.id,
        server_id,
        "/dev/vdb",
        10,
    )
    ecs.detach_server_volume(DetachServerVolumeRequest(server_id=server_id, volume_id=volume.id))
    flexemu.advance("PT1M")
    assert conn.block_storage.get_volume(volume.id).status == "available"


def test_add_and_delete_nics(flexemu, ecs, create, conn, network):
    (server_id,) = create().server_ids
    flexemu.advance("PT1M")
    body = BatchAddServerNicsRequestBody(
        nics=[BatchAddServerNicOption(subnet_id=network["subnet_id"], ip_address="10.0.1.77")]
    )
    ecs.batch_add_server_nics(BatchAddServerNicsRequest(server_id=server_id, body=body))
    ports = {p.fixed_ips[0]["ip_address"]: p.id for p in conn.network.ports(device_id=server_id)}
    assert "10.0.1.77" in ports and len(ports) == 2
    removal = BatchDeleteServerNicsRequestBody(
        nics=[BatchDeleteServerNicOption(id=ports["10.0.1.77"])]
    )
    ecs.batch_delete_server_nics(BatchDeleteServerNicsRequest(server_id=server_id, body=removal))
    assert len(list(conn.network.ports(device_id=server_id))) == 1


def test_server_tags(flexemu, ecs, create):
    (server_id,) = create().server_ids
    body = BatchCreateServerTagsRequestBody(
        action="create", tags=[BatchAddServerTag(key="team", value="web")]
    )
    ecs.batch_create_server_tags(BatchCreateServerTagsRequest(server_id=server_id, body=body))
    tags = ecs.show_server_tags(ShowServerTagsRequest(server_id=server_id)).tags
    assert [(t.key, t.value) for t in tags] == [("team", "web")]


def test_a_server_holds_50_tags_whichever_api_sets_them(ecs, create):
    (server_id,) = create().server_ids

    def add(*keys):
        body = BatchCreateServerTagsRequestBody(
            action="create", tags=[BatchAddServerTag(key=k, value="v") for k in keys]
        )
        ecs.batch_create_server_tags(BatchCreateServerTagsRequest(server_id=server_id, body=body))

    add(*[f"k{n}" for n in range(10)])
    add(*[f"k{n}" for n in range(10, 50)])  # past TMS's usual 10: ECS allows 50 a server
    assert len(ecs.show_server_tags(ShowServerTagsRequest(server_id=server_id)).tags) == 50
    with pytest.raises(ClientRequestException) as refused:
        add("one-too-many")
    assert refused.value.status_code == 400


def test_servers_by_tags(flexemu, ecs, create, api):
    def tagged(name, **values):
        server_tags = [PostPaidServerTag(key=k, value=v) for k, v in values.items()]
        return create(name=name, server_tags=server_tags).server_ids[0]

    web = tagged("web", env="prod", team="web")
    db = tagged("db", env="dev", team="db")
    tagged("lone", env="prod")

    def query(action="filter", tags=(), not_tags=(), **extra):
        body = ListServersByTagRequestBody(
            action=action,
            tags=[ServerTags(key=k, values=v) for k, v in tags] or None,
            not_tags=[ServerTags(key=k, values=v) for k, v in not_tags] or None,
            **extra,
        )
        return ecs.list_servers_by_tag(ListServersByTagRequest(body=body))

    found = query(tags=[("env", ["prod", "dev"]), ("team", [])])
    assert found.total_count == 2
    assert {r.resource_id for r in found.resources} == {web, db}
    shown = next(r for r in found.resources if r.resource_id == web)
    assert (shown.resource_name, shown.resource_detail) == ("web", None)
    assert [(t.key, t.value) for t in shown.tags] == [("env", "prod"), ("team", "web")]
    assert query(tags=[("team", [])], limit="1", offset="1").total_count == 2
    assert len(query(tags=[("team", [])], limit="1", offset="1").resources) == 1
    assert query(action="count", not_tags=[("team", ["db"])]).total_count == 2
    named = query(tags=[("team", [])], matches=[ServerTagMatch(key="resource_name", value="db")])
    assert [r.resource_id for r in named.resources] == [db]
    # The path Flexible Engine documents answers the same
    documented = api(
        "POST",
        "/v1/{pid}/servers/resource_instances/action",
        json={"action": "count", "tags": [{"key": "env", "values": ["prod"]}]},
    )
    assert documented.json() == {"total_count": 2}
    with pytest.raises(ClientRequestException) as error:
        query(tags=[("env", []), ("env", ["dev"])])
    assert (error.value.status_code, error.value.error_code) == (400, "Ecs.0005")


def test_quota_errors_carry_ecs_codes(flexemu, ecs, create, project_id):
    set_quotas(flexemu, project_id, instances=1)
    with pytest.raises(ClientRequestException) as error:
        create(count=2)
    assert (error.value.status_code, error.value.error_code) == (400, "Ecs.0001")
    set_quotas(flexemu, project_id, instances=10, floatingip=0, publicIp=0)
    with pytest.raises(ClientRequestException) as error:
        create(eip=True)
    assert error.value.error_code == "Ecs.0013"
    set_quotas(flexemu, project_id, volumes=0)
    with pytest.raises(ClientRequestException) as error:
        create()
    assert error.value.error_code == "Ecs.0021"
    assert ecs.list_servers_details(ListServersDetailsRequest()).count == 0


def test_bad_native_input(flexemu, ecs, create, api):
    with pytest.raises(ClientRequestException) as error:
        create(name="x" * 65)
    assert error.value.status_code == 400
    other = api("POST", "/v1/{pid}/vpcs", json={"vpc": {"name": "other", "cidr": "10.1.0.0/16"}})
    with pytest.raises(ClientRequestException) as error:
        create(vpcid=other.json()["vpc"]["id"])
    assert (error.value.status_code, error.value.error_code) == (400, "Ecs.0005")
    assert "must belong to the VPC" in error.value.error_msg
    with pytest.raises(ClientRequestException) as error:
        create(flavor="c3.large.2", availability_zone="eu-west-0c")
    assert error.value.error_code == "Ecs.0005"
