"""A small tenant built through real clients, billed over a month boundary.

An EIP with a dedicated 5 Mbit/s bandwidth (huaweicloudsdkeip) and two volumes, SATA and SSD
(openstacksdk), created 10 hours before the first day of a month (B); the bandwidth grows to
10 Mbit/s after 3 h, the SATA volume from 40 to 60 GB after 4 h, the EIP is released after 6 h
and the SSD volume deleted after 8 h. The clock then jumps to B + 14 h.
"""

from datetime import timedelta
from decimal import Decimal as D

from huaweicloudsdkeip.v2 import (
    CreatePublicipBandwidthOption,
    CreatePublicipOption,
    CreatePublicipRequest,
    CreatePublicipRequestBody,
    DeletePublicipRequest,
    EipClient,
    ShowPublicipRequest,
    UpdateBandwidthOption,
    UpdateBandwidthRequest,
    UpdateBandwidthRequestBody,
)

from tests.billing.conftest import bill, lines, months_ahead


def test_a_tenant_billed_across_a_month_boundary(flexemu):
    boundary = months_ahead(flexemu, 2)
    start = boundary - timedelta(hours=10)

    def at_hour(hours: int) -> None:
        moment = start + timedelta(hours=hours)
        flexemu.admin("POST", "/clock", json={"to": moment.isoformat()}).raise_for_status()

    eip, conn = flexemu.huawei_client(EipClient), flexemu.openstack()
    conn.block_storage.volumes()  # authenticated before the clock is set
    at_hour(0)
    publicip = eip.create_publicip(
        CreatePublicipRequest(
            body=CreatePublicipRequestBody(
                publicip=CreatePublicipOption(type="5_bgp"),
                bandwidth=CreatePublicipBandwidthOption(name="bw", size=5, share_type="PER"),
            )
        )
    ).publicip
    bandwidth_id = eip.show_publicip(
        ShowPublicipRequest(publicip_id=publicip.id)
    ).publicip.bandwidth_id
    sata = conn.block_storage.create_volume(size=40, volume_type="SATA", name="data")
    ssd = conn.block_storage.create_volume(size=100, volume_type="SSD", name="fast")
    at_hour(3)
    eip.update_bandwidth(
        UpdateBandwidthRequest(
            bandwidth_id=bandwidth_id,
            body=UpdateBandwidthRequestBody(bandwidth=UpdateBandwidthOption(size=10)),
        )
    )
    at_hour(4)
    conn.block_storage.extend_volume(sata, 60)
    at_hour(6)
    eip.delete_publicip(DeletePublicipRequest(publicip_id=publicip.id))
    at_hour(8)
    conn.block_storage.delete_volume(ssd)
    at_hour(24)  # B + 14 h: the deletion is applied now, as of when it was due

    before = bill(flexemu, start.strftime("%Y-%m"))
    assert lines(before) == {
        # 40 GB x 4 h + 60 GB x 6 h = 520 GB-h x 0.000055 = 0.0286
        (sata.id, "evs.volume_gb_hours", "SATA"): (D(520), "GB-hour", D("0.000055"), D("0.03")),
        # 100 GB x 8 h = 800 GB-h x 0.000220 = 0.176
        (ssd.id, "evs.volume_gb_hours", "SSD"): (D(800), "GB-hour", D("0.000220"), D("0.18")),
        # 6 h x 0.0050 = 0.03
        (publicip.id, "vpc.eip_hours", "5_bgp"): (D(6), "hour", D("0.0050"), D("0.03")),
        # 5 Mbit/s x 3 h + 10 Mbit/s x 3 h = 45 Mbit/s-h x 0.0125 = 0.5625
        (bandwidth_id, "vpc.bandwidth_mbit_hours", "PER"): (
            D(45),
            "Mbit/s-hour",
            D("0.0125"),
            D("0.56"),
        ),
    }
    (tenant,) = before["tenants"]
    assert (tenant["subtotals"], tenant["total"]) == ({"evs": "0.21", "vpc": "0.59"}, "0.80")
    assert (before["total"], before["final"], before["currency"]) == ("0.80", True, "EUR")

    after = bill(flexemu, boundary.strftime("%Y-%m"))
    # The SATA volume only: 60 GB x 14 h = 840 GB-h x 0.000055 = 0.0462
    assert lines(after) == {
        (sata.id, "evs.volume_gb_hours", "SATA"): (D(840), "GB-hour", D("0.000055"), D("0.05"))
    }
    assert (after["total"], after["final"], after["unpriced"]) == ("0.05", False, [])
