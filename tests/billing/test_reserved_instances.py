"""Reserved instances on synthetic server usage (compute writes ecs.instance_hours by flavor).

The clock is moved to the middle of next month (M1) before subscribing, so coverage starts on
the first day of M2. s3.large.2 costs 0.0550/h in eu-west-0: a 1-year subscription (30% off)
is 0.0550 x 730 h x 0.70 = 28.105 -> 28.11 a month; 3 years (50% off) 20.075 -> 20.08.
"""

from datetime import datetime, timedelta
from decimal import Decimal as D
from typing import Any

import pytest

from emulator.billing.months import month_of
from tests.billing.conftest import bill, lines, months_ahead, subnet

HOUR = timedelta(hours=1)


def goto(flexemu: Any, moment: datetime) -> None:
    flexemu.admin("POST", "/clock", json={"to": moment.isoformat()}).raise_for_status()


def subscribe(flexemu: Any, **body: Any) -> Any:
    body = {"account": flexemu.domain, "region": "eu-west-0", "flavor": "s3.large.2", **body}
    return flexemu.admin("POST", "/reserved-instances", json=body)


@pytest.fixture
def months(flexemu: Any) -> list[datetime]:
    """M0 (now) .. M16 starts; the clock is put at the middle of M1 (the subscription month)."""
    starts = [months_ahead(flexemu, count) for count in range(17)]
    goto(flexemu, starts[1] + timedelta(days=14))
    return starts


def server(
    usage: Any,
    name: str,
    start: datetime,
    hours: int,
    flavor: str = "s3.large.2",
    project: str = "eu-west-0",
) -> None:
    usage.add(
        name,
        "ecs.instance_hours",
        1,
        start,
        start + hours * HOUR,
        unit_class=flavor,
        project=project,
    )


def name(moment: datetime) -> str:
    return month_of(moment).name


def test_from_the_next_month_the_largest_server_of_the_flavor_and_region_is_covered(
    flexemu, usage, months
):
    m1, m2, m3 = months[1], months[2], months[3]
    response = subscribe(flexemu, term_years=1)
    assert response.status_code == 201, response.text
    reservation = response.json()["reserved_instance"]
    assert (reservation["monthly_fee"], reservation["term_amount"]) == ("28.11", "337.32")
    assert reservation["coverage_start"] == m2.strftime("%Y-%m-%dT%H:%M:%SZ")
    server(usage, "srv-a", m1, 100)  # subscription month: pay-as-you-go
    server(usage, "srv-a", m2, 200)
    server(usage, "srv-b", m2 + 10 * HOUR, 300)  # the largest in M2: covered
    server(usage, "srv-c", m2, 500, project="eu-west-1")  # another region
    server(usage, "srv-d", m2, 600, flavor="s6.large.2")  # another flavor
    goto(flexemu, m3 + HOUR)

    assert lines(bill(flexemu, name(m1))) == {
        ("srv-a", "ecs.instance_hours", "s3.large.2"): (D(100), "hour", D("0.0550"), D("5.50"))
    }
    second = bill(flexemu, name(m2))
    assert lines(second) == {
        ("srv-a", "ecs.instance_hours", "s3.large.2"): (D(200), "hour", D("0.0550"), D("11.00")),
        ("srv-b", "ecs.instance_hours", "s3.large.2"): (D(300), "hour", D(0), D("0.00")),
        ("srv-d", "ecs.instance_hours", "s6.large.2"): (D(600), "hour", D("0.0578"), D("34.68")),
        (reservation["id"], "ecs.reserved_instance.monthly_fee", "s3.large.2"): (
            D(1),
            "month",
            D("28.11"),
            D("28.11"),
        ),
    }
    assert lines(second, "eu-west-1") == {
        ("srv-c", "ecs.instance_hours", "s3.large.2"): (D(500), "hour", D("0.0578"), D("28.90"))
    }
    items = [item for tenant in second["tenants"] for item in tenant["lines"]]
    covered = [
        (i["resource_id"], i["reserved_instance"]) for i in items if "reserved_instance" in i
    ]
    assert covered == [("srv-b", reservation["id"])]
    # 11.00 + 0.00 + 34.68 + 28.11 in Paris, 28.90 in Amsterdam
    assert second["total"] == "102.69"


def test_two_subscriptions_cover_the_two_largest_servers(flexemu, usage, months):
    m2 = months[2]
    subscribe(flexemu, term_years=1).raise_for_status()
    subscribe(flexemu, term_years=1).raise_for_status()
    for index, hours in enumerate((100, 300, 200)):
        server(usage, f"srv-{index}", m2, hours)
    goto(flexemu, months[3])
    billed = lines(bill(flexemu, name(m2)))
    amounts = {key[0]: value[3] for key, value in billed.items() if key[1] == "ecs.instance_hours"}
    assert amounts == {"srv-0": D("5.50"), "srv-1": D("0.00"), "srv-2": D("0.00")}


def test_pay_as_you_go_resumes_at_term_end(flexemu, usage, months):
    subscribe(flexemu, term_years=1).raise_for_status()
    last_covered, after_term = months[13], months[14]  # coverage is M2 .. M13
    server(usage, "srv-e", last_covered, 10)
    server(usage, "srv-e", after_term, 10)
    goto(flexemu, months[15])
    assert [v[3] for v in lines(bill(flexemu, name(last_covered))).values()] == [
        D("0.00"),
        D("28.11"),
    ]
    assert lines(bill(flexemu, name(after_term))) == {
        ("srv-e", "ecs.instance_hours", "s3.large.2"): (D(10), "hour", D("0.0550"), D("0.55"))
    }
    reservation = flexemu.admin("GET", "/reserved-instances").json()["reserved_instances"][0]
    assert reservation["term_end"] == after_term.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (
        flexemu.admin("POST", f"/reserved-instances/{reservation['id']}/cancel").status_code == 409
    )


def test_early_cancellation_costs_twelve_percent_of_the_initial_term(flexemu, usage, months):
    m2, m3 = months[2], months[3]
    reservation = subscribe(flexemu, term_years=3).json()["reserved_instance"]
    server(usage, "srv-f", m2, 10)
    server(usage, "srv-f", m3, 10)
    goto(flexemu, m3 + timedelta(days=5))
    cancelled = flexemu.admin("POST", f"/reserved-instances/{reservation['id']}/cancel")
    # 20.08 x 36 months = 722.88; 12% = 86.7456 -> 86.75
    assert cancelled.json()["reserved_instance"]["cancellation_fee"] == "86.75"
    goto(flexemu, months[4])
    assert [v[3] for v in lines(bill(flexemu, name(m2))).values()] == [D("0.00"), D("20.08")]
    # The month of cancellation is pay-as-you-go, with the fee and no monthly fee.
    assert lines(bill(flexemu, name(m3))) == {
        ("srv-f", "ecs.instance_hours", "s3.large.2"): (D(10), "hour", D("0.0550"), D("0.55")),
        (reservation["id"], "ecs.reserved_instance.cancellation_fee", "s3.large.2"): (
            D(1),
            "fee",
            D("86.75"),
            D("86.75"),
        ),
    }
    again = flexemu.admin("POST", f"/reserved-instances/{reservation['id']}/cancel")
    assert again.status_code == 409


def test_an_upfront_subscription_pays_the_term_in_the_month_it_is_taken(flexemu, usage, months):
    m1, m2 = months[1], months[2]
    reservation = subscribe(flexemu, term_years=1, upfront=True).json()["reserved_instance"]
    server(usage, "srv-g", m2, 10)
    goto(flexemu, months[3])
    assert lines(bill(flexemu, name(m1))) == {
        (reservation["id"], "ecs.reserved_instance.upfront_fee", "s3.large.2"): (
            D(1),
            "term",
            D("337.32"),
            D("337.32"),
        )
    }
    assert lines(bill(flexemu, name(m2))) == {
        ("srv-g", "ecs.instance_hours", "s3.large.2"): (D(10), "hour", D(0), D("0.00"))
    }


def test_a_flexible_subscription_changes_flavor_within_its_family_from_the_next_month(
    flexemu, usage, months
):
    m2, m3 = months[2], months[3]
    reservation = subscribe(flexemu, term_years=1, flexible=True).json()["reserved_instance"]
    goto(flexemu, m2 + timedelta(days=3))
    path = f"/reserved-instances/{reservation['id']}"
    refused = flexemu.admin("PATCH", path, json={"flavor": "s6.large.2"})
    assert refused.status_code == 400
    assert "within its family s3" in refused.json()["error"]["message"]
    changed = flexemu.admin("PATCH", path, json={"flavor": "s3.xlarge.2"})
    assert changed.json()["reserved_instance"]["flavor"] == "s3.xlarge.2"
    for month in (m2, m3):
        server(usage, "srv-large", month, 10)
        server(usage, "srv-xlarge", month, 10, flavor="s3.xlarge.2")
    goto(flexemu, months[4])
    second, third = lines(bill(flexemu, name(m2))), lines(bill(flexemu, name(m3)))
    # s3.xlarge.2 costs 4 x 0.0165 + 8 x 0.0055 = 0.1100/h
    assert second[("srv-large", "ecs.instance_hours", "s3.large.2")][3] == D("0.00")
    assert second[("srv-xlarge", "ecs.instance_hours", "s3.xlarge.2")][3] == D("1.10")
    assert third[("srv-large", "ecs.instance_hours", "s3.large.2")][3] == D("0.55")
    assert third[("srv-xlarge", "ecs.instance_hours", "s3.xlarge.2")][3] == D("0.00")
    # The fee is the commitment taken at subscription.
    assert third[(reservation["id"], "ecs.reserved_instance.monthly_fee", "s3.xlarge.2")][3] == D(
        "28.11"
    )


def test_a_fixed_subscription_cannot_change_flavor(flexemu, months):
    reservation = subscribe(flexemu, term_years=2).json()["reserved_instance"]
    refused = flexemu.admin(
        "PATCH", f"/reserved-instances/{reservation['id']}", json={"flavor": "s3.xlarge.2"}
    )
    assert refused.status_code == 400
    assert "is not flexible" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"flavor": "s3.huge.9"}, "Unknown flavor 's3.huge.9' in region eu-west-0"),
        ({"region": "eu-west-9"}, "Unknown region 'eu-west-9'"),
        ({"term_years": 4}, "term is 1, 2, 3, 5 years, not 4"),
        ({"account": "OCB9999999"}, "Unknown account 'OCB9999999'"),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_stored(flexemu, body, message):
    response = subscribe(flexemu, **{"term_years": 1, **body})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert flexemu.admin("GET", "/reserved-instances").json() == {"reserved_instances": []}


def test_an_unknown_subscription_is_not_found(flexemu):
    assert flexemu.admin("GET", "/reserved-instances/nope").status_code == 404


def test_the_covered_server_is_chosen_again_each_month(flexemu, usage, months):
    m2, m3 = months[2], months[3]
    reservation = subscribe(flexemu, term_years=1).json()["reserved_instance"]
    server(usage, "srv-h", m2, 300)  # the largest in M2
    server(usage, "srv-i", m2, 100)
    server(usage, "srv-h", m3, 50)
    server(usage, "srv-i", m3, 400)  # the largest in M3
    goto(flexemu, months[4])
    second, third = lines(bill(flexemu, name(m2))), lines(bill(flexemu, name(m3)))
    fee = (reservation["id"], "ecs.reserved_instance.monthly_fee", "s3.large.2")
    assert second == {
        ("srv-h", "ecs.instance_hours", "s3.large.2"): (D(300), "hour", D(0), D("0.00")),
        # 100 h x 0.0550 = 5.50
        ("srv-i", "ecs.instance_hours", "s3.large.2"): (D(100), "hour", D("0.0550"), D("5.50")),
        fee: (D(1), "month", D("28.11"), D("28.11")),
    }
    assert third == {
        # 50 h x 0.0550 = 2.75
        ("srv-h", "ecs.instance_hours", "s3.large.2"): (D(50), "hour", D("0.0550"), D("2.75")),
        ("srv-i", "ecs.instance_hours", "s3.large.2"): (D(400), "hour", D(0), D("0.00")),
        fee: (D(1), "month", D("28.11"), D("28.11")),
    }


def test_a_subscription_on_the_first_of_a_month_covers_from_the_next_one(flexemu, usage):
    m1, m2, m3 = (months_ahead(flexemu, count) for count in (1, 2, 3))
    goto(flexemu, m1)  # 00:00 on the 1st: the month is still the first, pay-as-you-go
    reservation = subscribe(flexemu, term_years=1).json()["reserved_instance"]
    assert reservation["coverage_start"] == m2.strftime("%Y-%m-%dT%H:%M:%SZ")
    server(usage, "srv-j", m1, 100)
    server(usage, "srv-j", m2, 100)
    goto(flexemu, m3)
    assert lines(bill(flexemu, name(m1))) == {
        ("srv-j", "ecs.instance_hours", "s3.large.2"): (D(100), "hour", D("0.0550"), D("5.50"))
    }
    assert lines(bill(flexemu, name(m2))) == {
        ("srv-j", "ecs.instance_hours", "s3.large.2"): (D(100), "hour", D(0), D("0.00")),
        (reservation["id"], "ecs.reserved_instance.monthly_fee", "s3.large.2"): (
            D(1),
            "month",
            D("28.11"),
            D("28.11"),
        ),
    }


def test_real_servers_the_one_running_longest_is_covered_not_its_licence(flexemu, months):
    """Two s3.large.2 servers made through openstacksdk on the 1st of M2: "win" (Windows) runs
    24 h, "linux" is stopped after 10 h; the bill of M2 is read 24 h in."""
    m2 = months[2]
    reservation = subscribe(flexemu, term_years=1).json()["reserved_instance"]
    goto(flexemu, m2)
    conn = flexemu.openstack()
    networks = [{"uuid": subnet(flexemu, conn)}]

    def boot(name: str, image: str) -> Any:
        image_id = conn.image.find_image(image).id
        return conn.compute.create_server(
            name=name, image_id=image_id, flavor_id="s3.large.2", networks=networks
        )

    win = boot("win", "OBS Windows Server 2019 Standard")
    linux = boot("linux", "OBS Ubuntu 22.04")
    goto(flexemu, m2 + 10 * HOUR)
    conn.compute.stop_server(linux)
    disks = {
        server.id: next(iter(conn.compute.volume_attachments(server))).volume_id
        for server in (win, linux)
    }
    goto(flexemu, m2 + 24 * HOUR)
    billed = bill(flexemu, name(m2))
    assert lines(billed) == {
        # the larger consumption (24 h against 10 h): covered
        (win.id, "ecs.instance_hours", "s3.large.2"): (D(24), "hour", D(0), D("0.00")),
        # the licence is not: 24 h x 0.0230 = 0.552 -> 0.55
        (win.id, "ecs.licence_hours", "Windows"): (D(24), "hour", D("0.0230"), D("0.55")),
        # 10 h x 0.0550 = 0.55
        (linux.id, "ecs.instance_hours", "s3.large.2"): (D(10), "hour", D("0.0550"), D("0.55")),
        # system disks, stopped or not: 40 GB x 24 h = 960 GB-h x 0.000055 = 0.0528 -> 0.05
        (disks[win.id], "evs.volume_gb_hours", "SATA"): (
            D(960),
            "GB-hour",
            D("0.000055"),
            D("0.05"),
        ),
        (disks[linux.id], "evs.volume_gb_hours", "SATA"): (
            D(960),
            "GB-hour",
            D("0.000055"),
            D("0.05"),
        ),
        (reservation["id"], "ecs.reserved_instance.monthly_fee", "s3.large.2"): (
            D(1),
            "month",
            D("28.11"),
            D("28.11"),
        ),
    }
    # 0.55 + 0.55 + 0.05 + 0.05 + 28.11
    assert billed["total"] == "29.31"
