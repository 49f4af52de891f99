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
TABLE_COLUMNS = [
    ("service", "service", "<"),
    ("resource", "resource_id", "<"),
    ("meter", "meter", "<"),
    ("class", "class", "<"),
    ("quantity", "quantity", ">"),
    ("unit", "unit", "<"),
    ("unit price", "unit_price", ">"),
    ("amount", "amount", ">"),
]


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


def _widths(bill: dict[str, Any]) -> list[int]:
    """Each column as wide as its widest value (OBS meters name a bucket and a class); the
    amounts' column also holds the subtotals and totals."""
    lines = [line for tenant in bill["tenants"] for line in tenant["lines"]]
    sums = [bill["total"]] + [
        amount
        for tenant in bill["tenants"]
        for amount in [*tenant["subtotals"].values(), tenant["total"]]
    ]
    widths = [
        max([len(title), *(len(line[field]) for line in lines)])
        for title, field, _ in TABLE_COLUMNS
    ]
    widths[-1] = max([widths[-1], *map(len, sums)])
    return widths


def _row(values: list[str], widths: list[int]) -> str:
    aligned = zip(values, widths, (align for _, _, align in TABLE_COLUMNS), strict=True)
    return " ".join(f"{value:{align}{width}}" for value, width, align in aligned)


def as_table(bill: dict[str, Any]) -> str:
    status = "final" if bill["final"] else f"to date, as of {bill['as_of']}"
    rows = [
        f"Bill of {bill['account']} for {bill['month']} ({status}), "
        f"in {bill['currency']}, prices from {bill['prices']}",
    ]
    widths = _widths(bill)
    label, amount = sum(widths[:-1]) + len(widths) - 2, widths[-1]
    for tenant in bill["tenants"]:
        rows += ["", f"{tenant['project']} ({tenant['project_id']}), region {tenant['region']}"]
        rows.append(_row([title for title, _, _ in TABLE_COLUMNS], widths))
        for line in tenant["lines"]:
            rows.append(_row([line[field] for _, field, _ in TABLE_COLUMNS], widths))
        for service, subtotal in tenant["subtotals"].items():
            rows.append(f"{'subtotal ' + service:>{label}} {subtotal:>{amount}}")
        rows.append(f"{'total ' + tenant['project']:>{label}} {tenant['total']:>{amount}}")
    rows += ["", f"{'TOTAL':>{label}} {bill['total']:>{amount}} {bill['currency']}"]
    rows += unpriced_warnings(bill)
    return "\n".join(rows) + "\n"


def unpriced_warnings(bill: dict[str, Any]) -> list[str]:
    return [
        f"UNPRICED: {item['quantity']} of {item['meter']} ({item['class']}) by "
        f"{item['resource_id']} in {item['region']}: {item['reason']}"
        for item in bill["unpriced"]
    ]
