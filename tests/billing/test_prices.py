"""The price table: the shipped samples price every meter; a bad file is refused by line."""

from decimal import Decimal
from importlib import resources

import pytest

from emulator.billing import prices
from emulator.billing.meters import CATALOGUE
from emulator.billing.prices import PriceFileError

SAMPLE = resources.files("emulator.billing").joinpath(prices.SAMPLE).read_text()


def sample_lines() -> list[str]:
    return SAMPLE.splitlines()


def line_number(prefix: str) -> int:
    return next(n for n, line in enumerate(sample_lines(), 1) if line.startswith(prefix))


def with_line(prefix: str, replacement: str) -> str:
    lines = sample_lines()
    lines[line_number(prefix) - 1] = replacement
    return "\n".join(lines)


def test_the_samples_price_every_meter_in_both_regions_and_say_they_are_samples():
    table = prices.load(None)
    assert table.regions == ["eu-west-0", "eu-west-1"]
    for region in table.regions:
        for meter in CATALOGUE:
            assert any(key[:2] == (region, meter) for key in table.rows), (region, meter)
    assert SAMPLE.startswith("# SAMPLE PRICES")
    assert table.price("eu-west-0", "evs.volume_gb_hours", "SSD") == Decimal("0.000220")
    # '*' prices every class without a row of its own
    assert table.price("eu-west-0", "evs.snapshot_gb_hours", "SAS") == Decimal("0.000050")
    assert table.price("eu-west-0", "evs.volume_gb_hours", "GPSSD") is None


def test_a_users_file_replaces_the_samples(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        SAMPLE.replace(
            "eu-west-0,evs.volume_gb_hours,SSD,0.000220", "eu-west-0,evs.volume_gb_hours,SSD,0.5"
        )
    )
    table = prices.load(path)
    assert (table.source, table.price("eu-west-0", "evs.volume_gb_hours", "SSD")) == (
        str(path),
        Decimal("0.5"),
    )


@pytest.mark.parametrize(
    ("prefix", "replacement", "message"),
    [
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hour,SSD,0.1",
            "line {n}: unknown meter 'evs.volume_gb_hour'.",
        ),
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hours,SSD,abc",
            "line {n}: price 'abc' is not a number.",
        ),
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hours,SSD,-1",
            "line {n}: price '-1' must be a finite number >= 0.",
        ),
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hours,SSD,NaN",
            "line {n}: price 'NaN' must be a finite number >= 0.",
        ),
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hours,SSD",
            "line {n}: expected 4 non-empty fields",
        ),
        (
            "eu-west-0,evs.volume_gb_hours,SSD",
            "eu-west-0,evs.volume_gb_hours,SATA,0.1",
            "line {n}: eu-west-0 evs.volume_gb_hours SATA is priced twice.",
        ),
        (
            "eu-west-0,ecs.reserved_discount,1y",
            "eu-west-0,ecs.reserved_discount,1y,1.2",
            "line {n}: a discount is a fraction below 1",
        ),
    ],
)
def test_a_bad_line_is_refused_with_its_number(tmp_path, prefix, replacement, message):
    path = tmp_path / "prices.csv"
    path.write_text(with_line(prefix, replacement))
    with pytest.raises(PriceFileError) as refused:
        prices.load(path)
    assert str(refused.value).startswith(f"{path} line {line_number(prefix)}: ")
    assert message.format(n=line_number(prefix)) in str(refused.value)


def test_a_region_missing_a_meter_is_refused_naming_both(tmp_path):
    path = tmp_path / "prices.csv"
    kept = [
        line
        for line in sample_lines()
        if not line.startswith(("eu-west-1,obs.requests", "eu-west-1,ecs.reserved_discount,5y"))
    ]
    path.write_text("\n".join(kept))
    with pytest.raises(PriceFileError) as refused:
        prices.load(path)
    assert (
        str(refused.value)
        == f"{path}: region eu-west-1 has no price for obs.requests, ecs.reserved_discount 5y."
    )


def test_a_file_without_the_header_or_unreadable_is_refused(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("eu-west-0,vpc.eip_hours,5_bgp,0.005\n")
    with pytest.raises(
        PriceFileError, match="the first line must be the header region,meter,class,price"
    ):
        prices.load(path)
    with pytest.raises(PriceFileError, match="cannot read the price file"):
        prices.load(tmp_path / "absent.csv")
