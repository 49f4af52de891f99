"""`flexemu bill` as a subprocess, reading a state directory written by an emulator."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import metering
from emulator.app import Emulator
from emulator.config import Settings
from tests.billing.conftest import at


@pytest.fixture(scope="module")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A state with a SAS volume (10 GB, 30 days: 7,200 GB-h x 0.000110 = 0.79) and an EIP."""
    directory = tmp_path_factory.mktemp("state")
    emulator = Emulator(Settings(state_dir=directory, database_url=None))
    emulator.start()
    project_id = emulator.bootstrap_project_ids()["eu-west-0"]
    with emulator.db.transaction() as tx:
        for resource, meter, quantity, unit_class in (
            ("vol-1", "evs.volume_gb_hours", 10, "SAS"),
            ("eip-1", "vpc.eip_hours", 1, "5_bgp"),
        ):
            metering.start(
                tx,
                project_id=project_id,
                region="eu-west-0",
                service=meter.split(".")[0],
                resource_type="resource",
                resource_id=resource,
                meter=meter,
                quantity=quantity,
                at=at("2025-11-01T00:00"),
                unit_class=unit_class,
            )
        metering.start(
            tx,
            project_id=project_id,
            region="eu-west-0",
            service="dns",
            resource_type="zone",
            resource_id="zone-1",
            meter="dns.zone_hours",
            quantity=1,
            at=at("2025-11-30T00:00"),
        )
    emulator.stop()
    return directory


def flexemu_bill(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it against a state directory (not a database URL the
    suite itself may be running against)."""
    command = [sys.executable, "-m", "emulator.cli", "bill", *args]
    env = {k: v for k, v in os.environ.items() if k != "FLEXEMU_DATABASE_URL"}
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)


def test_csv_lists_every_line_item(state_dir):
    result = flexemu_bill("--state-dir", str(state_dir), "--month", "2025-11", "--csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "account,month,project,region,service,resource_type,resource_id,meter,class,"
        "quantity,unit,unit_price,amount,reserved_instance"
    )
    assert lines[1:] == [
        # 720 h x 0.0050 = 3.60
        "OCB0000001,2025-11,eu-west-0,eu-west-0,evs,resource,vol-1,evs.volume_gb_hours,SAS,7200.000000,GB-hour,0.000110,0.79,",
        "OCB0000001,2025-11,eu-west-0,eu-west-0,vpc,resource,eip-1,vpc.eip_hours,5_bgp,720.000000,hour,0.0050,3.60,",
    ]
    assert (
        "UNPRICED: 24.000000 of dns.zone_hours () by zone-1 in eu-west-0: "
        "unknown meter dns.zone_hours" in result.stderr
    )


def test_json_is_the_admin_apis_bill_and_the_table_is_readable(state_dir):
    as_json = flexemu_bill("--state-dir", str(state_dir), "--month", "2025-11", "--json")
    body = json.loads(as_json.stdout)
    assert (body["total"], body["final"], body["tenants"][0]["subtotals"]) == (
        "4.39",
        True,
        {"evs": "0.79", "vpc": "3.60"},
    )
    table = flexemu_bill("--state-dir", str(state_dir), "--month", "2025-11").stdout
    assert "Bill of OCB0000001 for 2025-11 (final), in EUR, prices from sample_prices.csv" in table
    assert table.splitlines()[-2].split() == ["TOTAL", "4.39", "EUR"]
    assert "UNPRICED: 24.000000 of dns.zone_hours" in table.splitlines()[-1]


def test_a_users_price_file_is_used_and_a_bad_one_is_refused_naming_the_line(state_dir, tmp_path):
    good = tmp_path / "prices.csv"
    sample = (Path(__file__).parents[2] / "emulator" / "billing" / "sample_prices.csv").read_text()
    good.write_text(
        sample.replace("eu-west-0,vpc.eip_hours,5_bgp,0.0050", "eu-west-0,vpc.eip_hours,5_bgp,0.01")
    )
    body = json.loads(
        flexemu_bill(
            "--state-dir", str(state_dir), "--month", "2025-11", "--json", "--prices", str(good)
        ).stdout
    )
    assert (body["prices"], body["total"]) == (str(good), "7.99")  # 720 h x 0.01 = 7.20
    bad = tmp_path / "bad.csv"
    bad.write_text("region,meter,class,price\neu-west-0,vpc.eip_hours,5_bgp,cheap\n")
    result = flexemu_bill("--state-dir", str(state_dir), "--month", "2025-11", "--prices", str(bad))
    assert result.returncode == 2
    assert result.stderr == f"flexemu bill: {bad} line 2: price 'cheap' is not a number.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--month", "2025-13"],
            "flexemu bill: month '2025-13' is malformed: give it as YYYY-MM, e.g. 2026-11.\n",
        ),
        (
            ["--month", "2025-11", "--account", "OCB404"],
            "flexemu bill: Unknown account 'OCB404'.\n",
        ),
    ],
)
def test_bad_requests_exit_2_with_the_reason(state_dir, args, message):
    result = flexemu_bill("--state-dir", str(state_dir), *args)
    assert (result.returncode, result.stderr) == (2, message)


def test_a_missing_state_directory_is_refused(tmp_path):
    result = flexemu_bill("--state-dir", str(tmp_path / "none"), "--month", "2025-11")
    assert result.returncode == 2
    assert "no state at" in result.stderr
    assert not (tmp_path / "none").exists()


def test_serve_refuses_a_bad_price_file_before_listening(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("region,meter,class,price\neu-west-0,vpc.eip_hourz,5_bgp,0.1\n")
    command = [sys.executable, "-m", "emulator.cli", "serve", "--ephemeral", "--port", "0"]
    result = subprocess.run(
        [*command, "--prices", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (
        2,
        f"flexemu serve: {bad} line 2: unknown meter 'vpc.eip_hourz'.\n",
    )


def test_the_table_keeps_its_columns_for_long_resource_names():
    """An OBS storage meter names its bucket and class (41 characters, longer than a UUID):
    every line, subtotal and total still ends in the amounts' column."""
    from emulator.billing.render import as_table

    def item(resource_id: str, amount: str) -> dict[str, str]:
        return {
            "service": "obs",
            "resource_id": resource_id,
            "meter": "obs.stored_bytes",
            "class": "STANDARD",
            "quantity": "1.000000",
            "unit": "GB-hour",
            "unit_price": "0.0000274",
            "amount": amount,
        }

    bill = {
        "account": "OCB0000001",
        "month": "2026-12",
        "final": True,
        "as_of": "2027-01-01T00:00:00Z",
        "currency": "EUR",
        "prices": "sample_prices.csv",
        "tenants": [
            {
                "project": "eu-west-0",
                "project_id": "p1",
                "region": "eu-west-0",
                "lines": [item("b" * 32 + ":STANDARD", "0.00"), item("short", "1234.50")],
                "subtotals": {"obs": "1234.50"},
                "total": "1234.50",
            }
        ],
        "unpriced": [],
        "total": "1234.50",
    }
    rows = as_table(bill).splitlines()
    columns = rows[3:8]  # header, two lines, subtotal, tenant total
    assert len({len(row) for row in columns}) == 1, columns
    assert [row.split()[-1] for row in columns] == [
        "amount",
        "0.00",
        "1234.50",
        "1234.50",
        "1234.50",
    ]
    assert rows[-1].endswith("1234.50 EUR") and len(rows[-1]) == len(columns[0]) + 4
