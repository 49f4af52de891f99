"""The rating rules, on usage written through emulator.metering, read back over HTTP.

Prices are the shipped samples for eu-west-0 (eu-west-1 is 5% dearer); every expected amount
is quantity x unit price, rounded half up to the cent. November 2025 has 720 hours.
"""

from decimal import Decimal as D

from tests.billing.conftest import at, bill, lines

NOVEMBER = "2025-11"


def test_an_interval_across_month_boundaries_is_cut_at_each(flexemu, usage):
    usage.add("vol-ssd", "evs.volume_gb_hours", 100, at("2025-10-31T20:00:00"), unit_class="SSD")
    october, november = bill(flexemu, "2025-10"), bill(flexemu, NOVEMBER)
    # October: 4 h x 100 GB = 400 GB-h x 0.000220 = 0.088 -> 0.09
    assert lines(october) == {
        ("vol-ssd", "evs.volume_gb_hours", "SSD"): (D(400), "GB-hour", D("0.000220"), D("0.09"))
    }
    # November: 720 h x 100 GB = 72,000 GB-h x 0.000220 = 15.84
    assert lines(november) == {
        ("vol-ssd", "evs.volume_gb_hours", "SSD"): (D(72000), "GB-hour", D("0.000220"), D("15.84"))
    }
    assert (october["final"], november["final"], november["total"]) == (True, True, "15.84")


def test_a_stopped_server_is_billed_for_its_running_periods_only(flexemu, usage):
    # s3.large.2 (0.0550/h) with a Windows licence (0.0230/h): running 48 h, stopped, 12 h.
    for start, end in (
        ("2025-11-01T00:00", "2025-11-03T00:00"),
        ("2025-11-05T06:30", "2025-11-05T18:30"),
    ):
        usage.add("srv-1", "ecs.instance_hours", 1, at(start), at(end), unit_class="s3.large.2")
        usage.add("srv-1", "ecs.licence_hours", 1, at(start), at(end), unit_class="Windows")
    # d2.xlarge.8 has local disks: billed in every state, the whole month (720 h x 0.2840).
    usage.add("srv-2", "ecs.instance_hours", 1, at("2025-10-20T00:00"), unit_class="d2.xlarge.8")
    body = bill(flexemu, NOVEMBER)
    assert lines(body) == {
        ("srv-1", "ecs.instance_hours", "s3.large.2"): (D(60), "hour", D("0.0550"), D("3.30")),
        ("srv-1", "ecs.licence_hours", "Windows"): (D(60), "hour", D("0.0230"), D("1.38")),
        ("srv-2", "ecs.instance_hours", "d2.xlarge.8"): (D(720), "hour", D("0.2840"), D("204.48")),
    }
    assert body["tenants"][0]["subtotals"] == {"ecs": "209.16"}
    assert body["total"] == "209.16"


def test_a_resize_bills_each_size_for_its_own_hours(flexemu, usage):
    usage.add("vol-sata", "evs.volume_gb_hours", 40, at("2025-11-10T00:00"), unit_class="SATA")
    with flexemu.emulator.db.transaction() as tx:
        from emulator import metering

        metering.change(
            tx, "vol-sata", "evs.volume_gb_hours", at=at("2025-11-20T12:00"), quantity=60
        )
        metering.stop(tx, "vol-sata", at=at("2025-11-25T00:00"))
    # 40 GB x 252 h + 60 GB x 108 h = 16,560 GB-h x 0.000055 = 0.9108 -> 0.91
    assert lines(bill(flexemu, NOVEMBER)) == {
        ("vol-sata", "evs.volume_gb_hours", "SATA"): (D(16560), "GB-hour", D("0.000055"), D("0.91"))
    }


def test_money_rounds_half_up_per_line_and_time_counts_whole_minutes(flexemu, usage):
    # 1 h x 0.0050 = 0.005 -> 0.01 (half up, where banker's rounding would give 0.00).
    usage.add(
        "eip-1",
        "vpc.eip_hours",
        1,
        at("2025-11-30T23:00"),
        at("2025-12-01T05:00"),
        unit_class="5_bgp",
    )
    # 10:00:42 to 12:30:05 counts 10:00 to 12:30: 2.5 h x 0.0050 = 0.0125 -> 0.01.
    usage.add(
        "eip-2",
        "vpc.eip_hours",
        1,
        at("2025-11-02T10:00:42"),
        at("2025-11-02T12:30:05"),
        unit_class="5_bgp",
    )
    # 5 Mbit/s x 100 h = 500 Mbit/s-h x 0.0125 = 6.25
    usage.add(
        "bw-1",
        "vpc.bandwidth_mbit_hours",
        5,
        at("2025-11-03T00:00"),
        at("2025-11-07T04:00"),
        unit_class="PER",
    )
    body = bill(flexemu, NOVEMBER)
    assert lines(body) == {
        ("eip-1", "vpc.eip_hours", "5_bgp"): (D(1), "hour", D("0.0050"), D("0.01")),
        ("eip-2", "vpc.eip_hours", "5_bgp"): (D("2.5"), "hour", D("0.0050"), D("0.01")),
        ("bw-1", "vpc.bandwidth_mbit_hours", "PER"): (
            D(500),
            "Mbit/s-hour",
            D("0.0125"),
            D("6.25"),
        ),
    }
    # The total is the sum of the rounded lines: 0.01 + 0.01 + 6.25.
    assert body["total"] == "6.27"


def test_object_storage_by_class_requests_and_bytes_out(flexemu, usage):
    gib = 1024**3
    usage.add(
        "bkt:STANDARD", "obs.stored_bytes", 10 * gib, at("2025-11-01T00:00"), unit_class="STANDARD"
    )
    usage.add("bkt:COLD", "obs.stored_bytes", 50 * gib, at("2025-11-01T00:00"), unit_class="COLD")
    # Requests and bytes out are counted per hour; the October hour is not November's.
    usage.add(
        "bkt",
        "obs.requests",
        25000,
        at("2025-11-05T10:00"),
        at("2025-11-05T11:00"),
        unit_class="STANDARD:read",
    )
    usage.add(
        "bkt",
        "obs.requests",
        5000,
        at("2025-11-06T10:00"),
        at("2025-11-06T11:00"),
        unit_class="STANDARD:read",
    )
    usage.add(
        "bkt",
        "obs.requests",
        7000,
        at("2025-10-31T23:00"),
        at("2025-11-01T00:00"),
        unit_class="STANDARD:read",
    )
    usage.add(
        "bkt", "obs.transfer_out_bytes", 2 * gib, at("2025-11-08T00:00"), at("2025-11-08T01:00")
    )
    assert lines(bill(flexemu, NOVEMBER)) == {
        # 10 GB x 720 h = 7,200 GB-h x 0.0000274 = 0.19728 -> 0.20
        ("bkt:STANDARD", "obs.stored_bytes", "STANDARD"): (
            D(7200),
            "GB-hour",
            D("0.0000274"),
            D("0.20"),
        ),
        # 50 GB x 720 h = 36,000 GB-h x 0.0000082 = 0.2952 -> 0.30
        ("bkt:COLD", "obs.stored_bytes", "COLD"): (D(36000), "GB-hour", D("0.0000082"), D("0.30")),
        # 30,000 requests = 3 x 10,000 x 0.0040 = 0.012 -> 0.01
        ("bkt", "obs.requests", "STANDARD:read"): (D(3), "10,000 requests", D("0.0040"), D("0.01")),
        # 2 GB x 0.0800 = 0.16
        ("bkt", "obs.transfer_out_bytes", ""): (D(2), "GB", D("0.0800"), D("0.16")),
    }


def test_tenants_are_billed_apart_at_their_region_prices(flexemu, usage):
    usage.add("vol-par", "evs.volume_gb_hours", 10, at("2025-11-01T00:00"), unit_class="SAS")
    usage.add(
        "vol-ams",
        "evs.volume_gb_hours",
        10,
        at("2025-11-01T00:00"),
        unit_class="SAS",
        project="eu-west-1",
    )
    body = bill(flexemu, NOVEMBER)
    # 7,200 GB-h x 0.000110 = 0.792 -> 0.79 in Paris; x 0.0001155 = 0.8316 -> 0.83 in Amsterdam.
    assert [(t["project"], t["region"], t["total"]) for t in body["tenants"]] == [
        ("eu-west-0", "eu-west-0", "0.79"),
        ("eu-west-1", "eu-west-1", "0.83"),
    ]
    assert lines(body, "eu-west-1")[("vol-ams", "evs.volume_gb_hours", "SAS")][2] == D("0.0001155")
    assert body["total"] == "1.62"


def test_usage_without_a_price_is_reported_not_dropped(flexemu, usage):
    usage.add("zone-1", "dns.zone_hours", 1, at("2025-11-01T00:00"), at("2025-11-01T10:00"))
    usage.add(
        "srv-x",
        "ecs.instance_hours",
        1,
        at("2025-11-01T00:00"),
        at("2025-11-01T02:00"),
        unit_class="x9.large.2",
    )
    usage.add(
        "vol-1",
        "evs.volume_gb_hours",
        10,
        at("2025-11-01T00:00"),
        at("2025-11-01T01:00"),
        unit_class="SATA",
    )
    body = bill(flexemu, NOVEMBER)
    assert [
        (u["resource_id"], u["meter"], u["class"], u["quantity"], u["reason"])
        for u in body["unpriced"]
    ] == [
        ("zone-1", "dns.zone_hours", "", "10.000000", "unknown meter dns.zone_hours"),
        (
            "srv-x",
            "ecs.instance_hours",
            "x9.large.2",
            "2.000000",
            "no price for ecs.instance_hours class 'x9.large.2' in region eu-west-0",
        ),
    ]
    # 10 GB-h x 0.000055 = 0.00055 -> 0.00: the line is there, at zero.
    assert lines(body) == {
        ("vol-1", "evs.volume_gb_hours", "SATA"): (D(10), "GB-hour", D("0.000055"), D("0.00"))
    }


def test_the_month_in_progress_is_billed_to_date(flexemu, usage):
    now = flexemu.emulator.clock.now()
    month = now.strftime("%Y-%m")
    usage.add(
        "eip-now",
        "vpc.eip_hours",
        1,
        now.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
        unit_class="5_bgp",
    )
    body = bill(flexemu, month)
    hours = D(((now.day - 1) * 24 + now.hour) * 60 + now.minute) / 60
    (line,) = body["tenants"][0]["lines"]
    assert (body["final"], D(line["quantity"])) == (False, hours.quantize(D("0.000001")))


def test_usage_not_tied_to_a_region_is_priced_in_the_home_region(flexemu, usage):
    # Recorded without a region by a project of Amsterdam: priced at Paris (the default
    # region, which the account has) rates, 10 GB x 720 h x 0.000050 = 0.36.
    start = at("2025-11-01T00:00")
    usage.add("snap-1", "evs.snapshot_gb_hours", 10, start, project="eu-west-1", region="")
    body = bill(flexemu, NOVEMBER)
    assert lines(body, "eu-west-1") == {
        ("snap-1", "evs.snapshot_gb_hours", ""): (D(7200), "GB-hour", D("0.000050"), D("0.36"))
    }
