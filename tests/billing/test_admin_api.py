"""Bills, meters and budgets through the admin API: what is refused, what is recorded."""

from datetime import timedelta

import pytest

from tests.billing.conftest import at, bill, months_ahead


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"account": "OCB9999999", "month": "2025-11"}, "Unknown account 'OCB9999999'."),
        ({"month": "2025-13"}, "month '2025-13' is malformed: give it as YYYY-MM"),
        ({"month": "2025-1"}, "month '2025-1' is malformed"),
        ({"month": "november"}, "month 'november' is malformed"),
    ],
)
def test_bad_bill_requests_are_400_with_a_message(flexemu, params, message):
    response = flexemu.admin("GET", "/bills", params={"account": flexemu.domain, **params})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]


def test_a_month_that_has_not_begun_is_refused(flexemu):
    month = months_ahead(flexemu, 1).strftime("%Y-%m")
    response = flexemu.admin("GET", "/bills", params={"account": flexemu.domain, "month": month})
    assert response.status_code == 400
    assert f"Unknown month {month}: it has not begun" in response.json()["error"]["message"]


def test_meters_show_the_raw_intervals_of_an_account_and_month(flexemu, usage):
    usage.add(
        "vol-1",
        "evs.volume_gb_hours",
        10,
        at("2025-10-30T00:00"),
        at("2025-11-02T00:00"),
        unit_class="SAS",
    )
    usage.add("vol-2", "evs.volume_gb_hours", 20, at("2025-12-01T00:00"), unit_class="SSD")
    response = flexemu.admin(
        "GET", "/meters", params={"account": flexemu.domain, "month": "2025-11"}
    )
    assert response.json() == {
        "meters": [
            {
                "project_id": flexemu.project_ids["eu-west-0"],
                "region": "eu-west-0",
                "service": "evs",
                "resource_type": "resource",
                "resource_id": "vol-1",
                "meter": "evs.volume_gb_hours",
                "class": "SAS",
                "quantity": "10.000000",
                "started_at": "2025-10-30T00:00:00Z",
                "ended_at": "2025-11-02T00:00:00Z",
            }
        ]
    }
    assert len(flexemu.admin("GET", "/meters").json()["meters"]) == 2


def test_a_budget_records_each_crossed_threshold_once_a_month(flexemu, usage):
    month_one, month_two = months_ahead(flexemu, 1), months_ahead(flexemu, 2)
    start = month_one + timedelta(days=14)
    flexemu.admin("POST", "/clock", json={"to": start.isoformat()}).raise_for_status()
    budget = flexemu.admin(
        "PUT", f"/budgets/{flexemu.domain}", json={"monthly_limit": "10", "thresholds": [100, 50]}
    )
    assert budget.json()["budget"] == {
        "account": flexemu.domain,
        "monthly_limit": "10.00",
        "currency": "EUR",
        "thresholds": [50, 100],
        "alerts": [],
    }
    # d2.xlarge.8 at 0.2840/h: 24 h = 6.816 -> 6.82 (over 50%), 48 h = 13.632 -> 13.63 (over 100%)
    usage.add("srv-d", "ecs.instance_hours", 1, start, unit_class="d2.xlarge.8")
    flexemu.advance("P1D")
    flexemu.advance("P1D")
    flexemu.advance("P1D")
    flexemu.admin("POST", "/clock", json={"to": (month_two + timedelta(hours=20)).isoformat()})
    alerts = flexemu.admin("GET", f"/budgets/{flexemu.domain}").json()["budget"]["alerts"]
    first, second = month_one.strftime("%Y-%m"), month_two.strftime("%Y-%m")
    assert [(a["month"], a["threshold"], a["amount"]) for a in alerts] == [
        (first, 50, "6.82"),
        (first, 100, "13.63"),
        (second, 50, "5.68"),  # 20 h x 0.2840
    ]
    assert flexemu.admin("DELETE", f"/budgets/{flexemu.domain}").status_code == 204
    assert flexemu.admin("GET", f"/budgets/{flexemu.domain}").status_code == 404


@pytest.mark.parametrize(
    ("account", "body", "message"),
    [
        ("OCB9999999", {"monthly_limit": "10"}, "Unknown account 'OCB9999999'."),
        (None, {"monthly_limit": "0"}, "must be a positive amount"),
        (None, {"monthly_limit": "10", "thresholds": [0]}, "each a percentage from 1 to 1000"),
        (None, {"monthly_limit": "10", "thresholds": []}, "Give at least one threshold"),
    ],
)
def test_bad_budgets_are_refused_and_nothing_is_stored(flexemu, account, body, message):
    response = flexemu.admin("PUT", f"/budgets/{account or flexemu.domain}", json=body)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert flexemu.admin("GET", f"/budgets/{flexemu.domain}").status_code == 404


def test_deleting_an_account_ends_its_usage_subscriptions_and_budget(flexemu):
    created = flexemu.admin(
        "POST", "/accounts", json={"domain": "OCB0000042", "user": "u", "password": "p4ssw0rd!"}
    )
    assert created.status_code == 201, created.text
    subscription = {
        "account": "OCB0000042",
        "region": "eu-west-0",
        "flavor": "s3.large.2",
        "term_years": 1,
    }
    assert flexemu.admin("POST", "/reserved-instances", json=subscription).status_code == 201
    assert (
        flexemu.admin("PUT", "/budgets/OCB0000042", json={"monthly_limit": "5"}).status_code == 200
    )
    assert flexemu.admin("DELETE", "/accounts/OCB0000042").status_code == 204
    assert flexemu.admin("GET", "/reserved-instances").json() == {"reserved_instances": []}
    response = flexemu.admin("GET", "/budgets/OCB0000042")
    assert (response.status_code, response.json()["error"]["message"]) == (
        400,
        "Unknown account 'OCB0000042'.",
    )
    assert bill(flexemu, "2025-11")["tenants"] == []


def test_prices_show_each_meters_unit_and_the_table_in_force(flexemu):
    body = flexemu.admin("GET", "/prices").json()
    assert (body["source"], body["currency"]) == ("sample_prices.csv", "EUR")
    units = {meter["meter"]: (meter["measure"], meter["unit"]) for meter in body["meters"]}
    assert units["obs.stored_bytes"] == ("time", "GB-hour")
    assert units["obs.requests"] == ("count", "10,000 requests")
    assert units["csbs.protected_servers"] == ("monthly", "server-month")
    assert {
        "region": "eu-west-1",
        "meter": "vpc.eip_hours",
        "class": "5_bgp",
        "price": "0.00525",
    } in body["prices"]
