"""Billing: the usage intervals of every service, rated into monthly bills per tenant and region.

`meters` knows each meter's unit, `prices` loads the price table, `rating` turns intervals into
quantities, `reserved` applies reserved instances, `bills` assembles a month's bill, `budgets`
records alerts, `render` prints a bill, `api` serves all of it under /_emulator.
"""
