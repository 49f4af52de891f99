"""The price table: EUR per unit of each meter, per region and class, read from a CSV file.

    region,meter,class,price
    eu-west-0,evs.volume_gb_hours,SSD,0.00022

`class` is the meter's unit class (a volume type, a flavor, a storage class) or `*` for every
class without a row of its own. Lines starting with `#` are comments. Every region listed must
price every meter of the catalogue and the reserved-instance discount of every term; anything
wrong is refused at load with the file and line named.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from emulator.billing.meters import CATALOGUE, RESERVED_DISCOUNT, TERMS_YEARS

HEADER = ["region", "meter", "class", "price"]
ANY_CLASS = "*"
SAMPLE = "sample_prices.csv"


class PriceFileError(ValueError):
    """A price file that cannot be used, with the place of the mistake in the message."""


@dataclass(frozen=True)
class PriceTable:
    source: str
    rows: dict[tuple[str, str, str], Decimal]

    @property
    def regions(self) -> list[str]:
        return sorted({region for region, _, _ in self.rows})

    def price(self, region: str, meter: str, unit_class: str) -> Decimal | None:
        exact = self.rows.get((region, meter, unit_class))
        return exact if exact is not None else self.rows.get((region, meter, ANY_CLASS))

    def reserved_discount(self, region: str, term_years: int) -> Decimal:
        return self.rows[(region, RESERVED_DISCOUNT, f"{term_years}y")]


def _checked_amount(text: str, meter: str, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise PriceFileError(f"{where}: price {text!r} is not a number.") from None
    if not value.is_finite() or value < 0:
        raise PriceFileError(f"{where}: price {text!r} must be a finite number >= 0.")
    if meter == RESERVED_DISCOUNT and value >= 1:
        raise PriceFileError(f"{where}: a discount is a fraction below 1, not {text!r}.")
    return value


def _missing(rows: dict[tuple[str, str, str], Decimal], region: str) -> list[str]:
    priced = {meter for row_region, meter, _ in rows if row_region == region}
    missing = sorted(set(CATALOGUE) - priced)
    terms = [
        f"{RESERVED_DISCOUNT} {t}y"
        for t in TERMS_YEARS
        if (region, RESERVED_DISCOUNT, f"{t}y") not in rows
    ]
    return missing + terms


def parse(text: str, source: str) -> PriceTable:
    rows: dict[tuple[str, str, str], Decimal] = {}
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1)]
    content = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not content or [f.strip() for f in next(csv.reader([content[0][1]]))] != HEADER:
        raise PriceFileError(f"{source}: the first line must be the header {','.join(HEADER)}.")
    for number, line in content[1:]:
        where = f"{source} line {number}"
        fields = [field.strip() for field in next(csv.reader([line]))]
        if len(fields) != len(HEADER) or not all(fields):
            raise PriceFileError(f"{where}: expected 4 non-empty fields {','.join(HEADER)}.")
        region, meter, unit_class, amount = fields
        if meter not in CATALOGUE and meter != RESERVED_DISCOUNT:
            raise PriceFileError(f"{where}: unknown meter {meter!r}.")
        if (region, meter, unit_class) in rows:
            raise PriceFileError(f"{where}: {region} {meter} {unit_class} is priced twice.")
        rows[(region, meter, unit_class)] = _checked_amount(amount, meter, where)
    table = PriceTable(source, rows)
    for region in table.regions:
        missing = _missing(rows, region)
        if missing:
            raise PriceFileError(
                f"{source}: region {region} has no price for {', '.join(missing)}."
            )
    return table


def load(path: Path | None) -> PriceTable:
    """The user's price file, or the shipped sample table when none is given."""
    if path is None:
        text = resources.files("emulator.billing").joinpath(SAMPLE).read_text()
        return parse(text, SAMPLE)
    try:
        return parse(path.read_text(), str(path))
    except OSError as error:
        raise PriceFileError(f"cannot read the price file {path}: {error.strerror}.") from None
