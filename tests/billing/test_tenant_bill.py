"""The small tenant of the README's worked example, built through real clients and billed over
a month boundary, every line checked against figures worked out by hand from the sample table.

The clock starts at S = B - 10 h, B being the first instant of a month (hours below are from S;
December/January in the README). At S: a VPC and subnet (native VPC API), two servers
(openstacksdk) — "app", s3.large.2 from the licensed "OBS Windows Server 2019 Standard" image,
and "db", d2.xlarge.8 (local disks) from Ubuntu — each with its 40 GB SATA system disk (the
images' min_disk); a 100 GB SATA and a 20 GB SSD volume; an EIP with a dedicated 5 Mbit/s
bandwidth (huaweicloudsdkeip); a bucket (boto3) with 16 + 8 MiB in STANDARD. At S + 1 h: a full
backup of the SATA volume, 16 MiB put in COLD (GLACIER), the 16 MiB object read once. "app" is
stopped from S + 3 h to S + 5 h; "db" is stopped at S + 4 h and stays so. After B: "app" is
deleted at B + 10 h (its system disk with it), the backup at B + 6 h; the bills are read at
B + 14 h.

Sample prices (eu-west-0, EUR): s3.large.2 0.0550/h, d2.xlarge.8 0.2840/h, Windows licence
0.0230/h, SATA 0.000055 and SSD 0.000220 per GB-hour, EIP 0.0050/h, PER bandwidth 0.0125 per
Mbit/s-hour, VBS backup 0.0000685 per GB-hour, OBS STANDARD 0.0000274 and COLD 0.0000082 per
GB-hour, requests per 10,000: STANDARD write 0.0050, STANDARD read 0.0040, COLD write 0.0250;
transfer out 0.0800 per GB. Each line is quantity x unit price rounded half up to the cent.
"""

from datetime import timedelta
from decimal import Decimal as D
from typing import Any

from huaweicloudsdkeip.v2 import (
    CreatePublicipBandwidthOption,
    CreatePublicipOption,
    CreatePublicipRequest,
    CreatePublicipRequestBody,
    EipClient,
    ShowPublicipRequest,
)
from sqlalchemy import select

from apis.obs.models import Bucket
from tests.billing.conftest import bill, lines, months_ahead, subnet

MIB = 1024**2
GB_PER_MIB = D(1) / 1024  # object storage is priced per GB of 1024 MiB


def price_of(quantity: D, unit_price: D) -> D:
    """A line's amount: half up to the cent, as the README states."""
    return (quantity * unit_price).quantize(D("0.01"), rounding="ROUND_HALF_UP")


def line(quantity: Any, unit: str, unit_price: str) -> tuple[D, str, D, D]:
    return D(quantity), unit, D(unit_price), price_of(D(quantity), D(unit_price))


def system_disk(conn: Any, server: Any) -> str:
    (attachment,) = conn.compute.volume_attachments(server)
    return str(attachment.volume_id)


def test_a_small_tenant_billed_line_by_line_over_a_month_boundary(flexemu):
    boundary = months_ahead(flexemu, 2)
    start = boundary - timedelta(hours=10)

    def at_hour(hours: int) -> None:
        moment = start + timedelta(hours=hours)
        flexemu.admin("POST", "/clock", json={"to": moment.isoformat()}).raise_for_status()

    pid = flexemu.project_ids["eu-west-0"]
    quotas = {"quotas": {"cores": 100, "ram": 1 << 20}}  # room for the d2 flavor
    flexemu.admin("PUT", f"/quotas/{pid}", json=quotas).raise_for_status()
    at_hour(0)  # S; clients made now hold tokens valid for the whole scenario
    conn, eip, s3 = flexemu.openstack(), flexemu.huawei_client(EipClient), flexemu.boto3()
    networks = [{"uuid": subnet(flexemu, conn)}]
    windows = conn.image.find_image("OBS Windows Server 2019 Standard")
    ubuntu = conn.image.find_image("OBS Ubuntu 22.04")
    app = conn.compute.create_server(
        name="app", image_id=windows.id, flavor_id="s3.large.2", networks=networks
    )
    db = conn.compute.create_server(
        name="db", image_id=ubuntu.id, flavor_id="d2.xlarge.8", networks=networks
    )
    data = conn.block_storage.create_volume(size=100, volume_type="SATA", name="data")
    logs = conn.block_storage.create_volume(size=20, volume_type="SSD", name="logs")
    publicip = eip.create_publicip(
        CreatePublicipRequest(
            body=CreatePublicipRequestBody(
                publicip=CreatePublicipOption(type="5_bgp"),
                bandwidth=CreatePublicipBandwidthOption(name="bw", size=5, share_type="PER"),
            )
        )
    ).publicip
    shown = eip.show_publicip(ShowPublicipRequest(publicip_id=publicip.id)).publicip
    bandwidth_id = shown.bandwidth_id
    s3.create_bucket(Bucket="assets")
    s3.put_object(Bucket="assets", Key="site.tar", Body=b"s" * 16 * MIB)
    s3.put_object(Bucket="assets", Key="media.tar", Body=b"m" * 8 * MIB)
    at_hour(1)
    backup = conn.block_storage.create_backup(volume_id=data.id, name="nightly")
    s3.put_object(Bucket="assets", Key="2025.tar", Body=b"o" * 16 * MIB, StorageClass="GLACIER")
    assert len(s3.get_object(Bucket="assets", Key="site.tar")["Body"].read()) == 16 * MIB
    app_disk, db_disk = system_disk(conn, app), system_disk(conn, db)
    at_hour(3)
    conn.compute.stop_server(app)
    at_hour(4)
    conn.compute.stop_server(db)
    at_hour(5)
    conn.compute.start_server(app)
    at_hour(16)  # B + 6 h
    conn.block_storage.delete_backup(backup)
    at_hour(20)  # B + 10 h
    conn.compute.delete_server(app)
    at_hour(24)  # B + 14 h
    with flexemu.emulator.db.transaction() as tx:
        bucket = tx.scalar(select(Bucket.id).where(Bucket.name == "assets"))

    first = bill(flexemu, start.strftime("%Y-%m"))
    assert lines(first) == {
        # app runs S..S+3 h and S+5 h..B: 3 + 5 = 8 h; 8 x 0.0550 = 0.44
        (app.id, "ecs.instance_hours", "s3.large.2"): line(8, "hour", "0.0550"),
        # its Windows licence for the same 8 h: 8 x 0.0230 = 0.184 -> 0.18
        (app.id, "ecs.licence_hours", "Windows"): line(8, "hour", "0.0230"),
        # db has local disks: billed stopped or not, 10 h x 0.2840 = 2.84
        (db.id, "ecs.instance_hours", "d2.xlarge.8"): line(10, "hour", "0.2840"),
        # system disks, 40 GB x 10 h = 400 GB-h x 0.000055 = 0.022 -> 0.02 each
        (app_disk, "evs.volume_gb_hours", "SATA"): line(400, "GB-hour", "0.000055"),
        (db_disk, "evs.volume_gb_hours", "SATA"): line(400, "GB-hour", "0.000055"),
        # 100 GB x 10 h = 1000 GB-h x 0.000055 = 0.055 -> 0.06
        (data.id, "evs.volume_gb_hours", "SATA"): line(1000, "GB-hour", "0.000055"),
        # 20 GB x 10 h = 200 GB-h x 0.000220 = 0.044 -> 0.04
        (logs.id, "evs.volume_gb_hours", "SSD"): line(200, "GB-hour", "0.000220"),
        # 10 h x 0.0050 = 0.05
        (publicip.id, "vpc.eip_hours", "5_bgp"): line(10, "hour", "0.0050"),
        # 5 Mbit/s x 10 h = 50 Mbit/s-h x 0.0125 = 0.625 -> 0.63
        (bandwidth_id, "vpc.bandwidth_mbit_hours", "PER"): line(50, "Mbit/s-hour", "0.0125"),
        # the full backup holds the volume's 100 GB from S+1 h: 900 GB-h x 0.0000685 = 0.06165
        (backup.id, "vbs.backup_gb_hours", "full"): line(900, "GB-hour", "0.0000685"),
        # 24 MiB x 10 h = 240 MiB-h = 0.234375 GB-h x 0.0000274 = 0.0000064 -> 0.00
        (f"{bucket}:STANDARD", "obs.stored_bytes", "STANDARD"): line(
            240 * GB_PER_MIB, "GB-hour", "0.0000274"
        ),
        # 16 MiB x 9 h = 144 MiB-h = 0.140625 GB-h x 0.0000082 -> 0.00
        (f"{bucket}:COLD", "obs.stored_bytes", "COLD"): line(
            144 * GB_PER_MIB, "GB-hour", "0.0000082"
        ),
        # two PUTs in STANDARD, one in COLD, one GET of a STANDARD object, per 10,000
        (bucket, "obs.requests", "STANDARD:write"): line("0.0002", "10,000 requests", "0.0050"),
        (bucket, "obs.requests", "COLD:write"): line("0.0001", "10,000 requests", "0.0250"),
        (bucket, "obs.requests", "STANDARD:read"): line("0.0001", "10,000 requests", "0.0040"),
        # the 16 MiB read: 0.015625 GB x 0.0800 = 0.00125 -> 0.00
        (bucket, "obs.transfer_out_bytes", ""): line(16 * GB_PER_MIB, "GB", "0.0800"),
    }
    (tenant,) = first["tenants"]
    assert tenant["subtotals"] == {
        "ecs": "3.46",  # 0.44 + 0.18 + 2.84
        "evs": "0.14",  # 0.02 + 0.02 + 0.06 + 0.04
        "obs": "0.00",
        "vbs": "0.06",
        "vpc": "0.68",  # 0.05 + 0.63
    }
    assert (tenant["total"], first["total"], first["final"]) == ("4.34", "4.34", True)
    assert (first["currency"], first["unpriced"]) == ("EUR", [])
    assert bill(flexemu, start.strftime("%Y-%m")) == first  # a closed month is reproducible

    second = bill(flexemu, boundary.strftime("%Y-%m"))
    assert lines(second) == {
        # app runs B..B+10 h, when it is deleted: 10 x 0.0550 = 0.55, licence 10 x 0.0230 = 0.23
        (app.id, "ecs.instance_hours", "s3.large.2"): line(10, "hour", "0.0550"),
        (app.id, "ecs.licence_hours", "Windows"): line(10, "hour", "0.0230"),
        # db, still stopped: 14 h x 0.2840 = 3.976 -> 3.98
        (db.id, "ecs.instance_hours", "d2.xlarge.8"): line(14, "hour", "0.2840"),
        # app's system disk goes with it: 40 GB x 10 h = 400 GB-h -> 0.022 -> 0.02
        (app_disk, "evs.volume_gb_hours", "SATA"): line(400, "GB-hour", "0.000055"),
        # 40 GB x 14 h = 560 GB-h x 0.000055 = 0.0308 -> 0.03
        (db_disk, "evs.volume_gb_hours", "SATA"): line(560, "GB-hour", "0.000055"),
        # 100 GB x 14 h = 1400 GB-h x 0.000055 = 0.077 -> 0.08
        (data.id, "evs.volume_gb_hours", "SATA"): line(1400, "GB-hour", "0.000055"),
        # 20 GB x 14 h = 280 GB-h x 0.000220 = 0.0616 -> 0.06
        (logs.id, "evs.volume_gb_hours", "SSD"): line(280, "GB-hour", "0.000220"),
        # 14 h x 0.0050 = 0.07; 5 Mbit/s x 14 h = 70 x 0.0125 = 0.875 -> 0.88
        (publicip.id, "vpc.eip_hours", "5_bgp"): line(14, "hour", "0.0050"),
        (bandwidth_id, "vpc.bandwidth_mbit_hours", "PER"): line(70, "Mbit/s-hour", "0.0125"),
        # deleted at B+6 h: 100 GB x 6 h = 600 GB-h x 0.0000685 = 0.0411 -> 0.04
        (backup.id, "vbs.backup_gb_hours", "full"): line(600, "GB-hour", "0.0000685"),
        # 24 MiB x 14 h = 336 MiB-h = 0.328125 GB-h; 16 MiB x 14 h = 224 MiB-h = 0.21875 GB-h;
        # no request this month
        (f"{bucket}:STANDARD", "obs.stored_bytes", "STANDARD"): line(
            336 * GB_PER_MIB, "GB-hour", "0.0000274"
        ),
        (f"{bucket}:COLD", "obs.stored_bytes", "COLD"): line(
            224 * GB_PER_MIB, "GB-hour", "0.0000082"
        ),
    }
    (tenant,) = second["tenants"]
    assert tenant["subtotals"] == {
        "ecs": "4.76",  # 0.55 + 0.23 + 3.98
        "evs": "0.19",  # 0.02 + 0.03 + 0.08 + 0.06
        "obs": "0.00",
        "vbs": "0.04",
        "vpc": "0.95",  # 0.07 + 0.88
    }
    # the month in progress, billed to B + 14 h
    assert (tenant["total"], second["total"], second["final"]) == ("5.94", "5.94", False)
    assert second["as_of"] == (boundary + timedelta(hours=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
