"""Synthetic usage written through emulator.metering, and bills read through the admin API."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from emulator import metering
from emulator.billing.months import month_of


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Usage:
    """Usage intervals of the bootstrap account's projects, as a service would write them."""

    def __init__(self, server: Any):
        self.server = server

    def add(
        self,
        resource_id: str,
        meter: str,
        quantity: Any,
        start: datetime,
        end: datetime | None = None,
        *,
        unit_class: str = "",
        project: str = "eu-west-0",
        region: str | None = None,
    ) -> None:
        with self.server.emulator.db.transaction() as tx:
            metering.start(
                tx,
                project_id=self.server.project_ids[project],
                region=project.split("_")[0] if region is None else region,
                service=meter.split(".")[0],
                resource_type="resource",
                resource_id=resource_id,
                meter=meter,
                quantity=quantity,
                at=start,
                unit_class=unit_class,
            )
            if end is not None:
                metering.stop(tx, resource_id, at=end, meter=meter)


@pytest.fixture
def usage(flexemu: Any) -> Usage:
    return Usage(flexemu)


def bill(server: Any, month: str, account: str | None = None) -> dict[str, Any]:
    response = server.admin(
        "GET", "/bills", params={"account": account or server.domain, "month": month}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def lines(bill_body: dict[str, Any], project: str = "eu-west-0") -> dict[tuple[str, str, str], Any]:
    """(resource, meter, class) -> (quantity, unit, unit price, amount) of one tenant."""
    (tenant,) = [t for t in bill_body["tenants"] if t["project"] == project]
    return {
        (line["resource_id"], line["meter"], line["class"]): (
            Decimal(line["quantity"]),
            line["unit"],
            Decimal(line["unit_price"]),
            Decimal(line["amount"]),
        )
        for line in tenant["lines"]
    }


def months_ahead(server: Any, count: int) -> datetime:
    """The first instant of the month `count` months after the clock's current month."""
    month = month_of(server.emulator.clock.now())
    for _ in range(count):
        month = month.next()
    return month.start


def subnet(server: Any, conn: Any, project: str = "eu-west-0") -> str:
    """A VPC 10.0.0.0/16 with a subnet 10.0.1.0/24 (native VPC API): the subnet's id."""
    pid = server.project_ids[project]
    with httpx.Client(
        base_url=f"{server.url}/v1/{pid}", headers={"X-Auth-Token": conn.auth_token}
    ) as vpc_api:
        vpc = vpc_api.post("/vpcs", json={"vpc": {"name": "vpc", "cidr": "10.0.0.0/16"}})
        body = {
            "name": "web",
            "cidr": "10.0.1.0/24",
            "gateway_ip": "10.0.1.1",
            "vpc_id": vpc.json()["vpc"]["id"],
        }
        return str(vpc_api.post("/subnets", json={"subnet": body}).json()["subnet"]["id"])
