"""A bill (the admin API's JSON) as a readable table or as CSV, for the `flexemu bill` command."""

import csv
import io
from typing import Any

CSV_COLUMNS = [
    "account",
    "month",
    "project",
    "region",
    "service",
    "resource_type",
    "resource_id",
    "meter",
    "class",
    "quantity",
    "unit",
    "unit_price",
    "amount",
    "reserved_instance",
]
_TABLE = "{:<8} {:<38} {:<38} {:<14} {:>16} {:<16} {:>12} {:>10}"


def as_csv(bill: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for tenant in bill["tenants"]:
        for line in tenant["lines"]:
            writer.writerow(
                {
                    **line,
                    "account": bill["account"],
                    "month": bill["month"],
                    "project": tenant["project"],
                    "region": tenant["region"],
                }
            )
    return out.getvalue()


def as_table(bill: dict[str, Any]) -> str:
    status = "final" if bill["final"] else f"to date, as of {bill['as_of']}"
    rows = [
        f"Bill of {bill['account']} for {bill['month']} ({status}), "
        f"in {bill['currency']}, prices from {bill['prices']}",
    ]
    for tenant in bill["tenants"]:
        rows += ["", f"{tenant['project']} ({tenant['project_id']}), region {tenant['region']}"]
        rows.append(
            _TABLE.format(
                "service", "resource", "meter", "class", "quantity", "unit", "unit price", "amount"
            )
        )
        for line in tenant["lines"]:
            rows.append(
                _TABLE.format(
                    line["service"],
                    line["resource_id"],
                    line["meter"],
                    line["class"],
                    line["quantity"],
                    line["unit"],
                    line["unit_price"],
                    line["amount"],
                )
            )
        for service, amount in tenant["subtotals"].items():
            rows.append(f"{'subtotal ' + service:>132}  {amount:>10}")
        rows.append(f"{'total ' + tenant['project']:>132}  {tenant['total']:>10}")
    rows += ["", f"{'TOTAL':>132}  {bill['total']:>10} {bill['currency']}"]
    rows += unpriced_warnings(bill)
    return "\n".join(rows) + "\n"


def unpriced_warnings(bill: dict[str, Any]) -> list[str]:
    return [
        f"UNPRICED: {item['quantity']} of {item['meter']} ({item['class']}) by "
        f"{item['resource_id']} in {item['region']}: {item['reason']}"
        for item in bill["unpriced"]
    ]
