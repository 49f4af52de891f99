"""The flavor catalogue through openstacksdk, huaweicloudsdkecs, the CLI and raw Nova."""

import re

import openstack.exceptions
import pytest
from huaweicloudsdkecs.v2 import ListFlavorsRequest, NovaShowFlavorExtraSpecsRequest

SIZES = {"small": 1, "medium": 1, "large": 2, "xlarge": 4}


def vcpus_by_name(name):
    size = name.split(".")[1]
    return SIZES.get(size) or 4 * int(size.removesuffix("xlarge"))


def test_every_flavor_follows_the_naming_rule(conn):
    listed = list(conn.compute.flavors(details=True))
    assert len(listed) > 50
    for flavor in listed:
        assert flavor.id == flavor.name
        series, _, per_cpu = flavor.name.split(".")
        assert re.fullmatch(r"[a-z]+\d", series)
        assert flavor.vcpus == vcpus_by_name(flavor.name)
        assert flavor.ram == flavor.vcpus * int(per_cpu) * 1024
        assert flavor.disk == 0
        assert flavor.is_public and not flavor.is_disabled
    series = {flavor.name.split(".")[0] for flavor in listed}
    assert {"s3", "s6", "c3", "c6", "m3", "m6", "d2", "e3"} <= series


def test_one_flavor_and_its_extra_specs(conn):
    flavor = conn.compute.get_flavor("s3.large.2")
    assert (flavor.vcpus, flavor.ram, flavor.disk) == (2, 4096, 0)
    specs = conn.compute.fetch_flavor_extra_specs(flavor).extra_specs
    assert specs["ecs:performancetype"] == "normal"
    assert specs["cond:operation:az"] == (
        "eu-west-0a(normal),eu-west-0b(normal),eu-west-0c(normal)"
    )
    assert "quota:local_disk" not in specs


def test_disk_intensive_flavors_carry_local_disks(conn):
    specs = conn.compute.fetch_flavor_extra_specs("d2.2xlarge.8").extra_specs
    assert specs["ecs:performancetype"] == "diskintensive"
    assert specs["quota:local_disk"] == "HDD:4:1675:True"
    assert conn.compute.get_flavor("d2.12xlarge.8").vcpus == 48


def test_extra_specs_name_the_zones_of_the_callers_region(flexemu):
    conn = flexemu.openstack(project="eu-west-1")
    specs = conn.compute.fetch_flavor_extra_specs("c6.large.2").extra_specs
    assert specs["cond:operation:az"].startswith("eu-west-1a(normal)")


def test_unknown_flavor_is_404(conn):
    with pytest.raises(openstack.exceptions.NotFoundException):
        conn.compute.get_flavor("s3.gigantic.2")


def test_min_ram_filter_and_paging(nova):
    big = nova.get("/flavors/detail", params={"minRam": 262144}).json()["flavors"]
    assert big and all(flavor["ram"] >= 262144 for flavor in big)
    first = nova.get("/flavors", params={"limit": 3}).json()
    names = [flavor["name"] for flavor in first["flavors"]]
    assert names == sorted(names) and len(names) == 3
    (link,) = first["flavors_links"]
    assert link["rel"] == "next" and f"marker={names[-1]}" in link["href"]
    second = nova.get("/flavors", params={"limit": 3, "marker": names[-1]}).json()
    assert second["flavors"][0]["name"] > names[-1]
    assert nova.get("/flavors", params={"marker": "nope"}).status_code == 400


def test_tenants_cannot_change_the_catalogue(nova):
    response = nova.post("/flavors", json={"flavor": {"name": "mine", "ram": 1, "vcpus": 1}})
    assert response.status_code == 403
    assert "Policy doesn't allow" in response.json()["forbidden"]["message"]


def test_native_flavors_with_extra_specs_and_zone_filter(ecs):
    everything = ecs.list_flavors(ListFlavorsRequest()).flavors
    large = next(flavor for flavor in everything if flavor.id == "s3.large.2")
    assert (large.vcpus, large.ram, large.disk) == ("2", 4096, "0")
    assert large.os_extra_specs.ecsperformancetype == "normal"
    in_c = {
        flavor.id
        for flavor in ecs.list_flavors(ListFlavorsRequest(availability_zone="eu-west-0c")).flavors
    }
    assert "s3.large.2" in in_c
    assert "c3.large.2" not in in_c  # sold out in eu-west-0c
    assert "c3.large.2" in {flavor.id for flavor in everything}


def test_native_sdk_reads_nova_extra_specs(ecs):
    specs = ecs.nova_show_flavor_extra_specs(
        NovaShowFlavorExtraSpecsRequest(flavor_id="m6.large.8")
    ).extra_specs
    assert specs["ecs:performancetype"] == "highmem"


def test_openstack_flavor_list(cli):
    rows = cli("flavor", "list")
    by_name = {row["Name"]: row for row in rows}
    assert by_name["s3.xlarge.4"]["VCPUs"] == 4
    assert by_name["s3.xlarge.4"]["RAM"] == 16384
