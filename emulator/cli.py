"""The `flexemu` command."""

import argparse
import logging
import sys
from pathlib import Path

from emulator import __version__


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from emulator.app import create_app
    from emulator.billing import prices
    from emulator.config import load_settings
    from emulator.http_protocol import BodyPassingProtocol

    settings = load_settings(
        args.config,
        host=args.host,
        port=args.port,
        state_dir=args.state_dir,
        ephemeral=True if args.ephemeral else None,
        prices_file=args.prices,
    )
    try:
        prices.load(settings.prices_file)  # refused before listening, with the line at fault
    except prices.PriceFileError as error:
        print(f"flexemu serve: {error}", file=sys.stderr)
        return 2
    gateway = create_app(settings)
    gateway.emulator.on_ready = lambda emulator: print(banner(emulator), flush=True)
    uvicorn.run(
        gateway,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        access_log=args.log_level == "debug",
        lifespan="on",
        http=BodyPassingProtocol,
    )
    return 0


def _bill(args: argparse.Namespace) -> int:
    """Rate a month from the state directory directly: no running emulator is needed."""
    import json

    from emulator.app import Emulator
    from emulator.billing import bills, render
    from emulator.billing.prices import PriceFileError
    from emulator.config import load_settings
    from emulator.errors import ApiError

    settings = load_settings(args.config, state_dir=args.state_dir, prices_file=args.prices)
    database = settings.state_dir / "flexemu.db"
    if not settings.database_url and not database.exists():
        print(f"flexemu bill: no state at {database} (give --state-dir)", file=sys.stderr)
        return 2
    emulator = Emulator(settings)
    try:
        emulator.start()
    except PriceFileError as error:
        print(f"flexemu bill: {error}", file=sys.stderr)
        return 2
    try:
        with emulator.db.transaction() as tx:
            bill = bills.build(
                tx,
                emulator.prices,
                args.account or settings.bootstrap.domain,
                args.month,
                emulator.clock.now(),
                settings.default_region,
            )
    except ApiError as error:
        print(f"flexemu bill: {error}", file=sys.stderr)
        return 2
    finally:
        emulator.stop()
    if args.json:
        print(json.dumps(bill, indent=2))
    elif args.csv:
        print(render.as_csv(bill), end="")
        for warning in render.unpriced_warnings(bill):
            print(warning, file=sys.stderr)
    else:
        print(render.as_table(bill), end="")
    return 0


def banner(emulator: "object") -> str:
    from emulator.app import Emulator

    assert isinstance(emulator, Emulator)
    settings = emulator.settings
    boot = settings.bootstrap
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host
    base = f"http://{host}:{settings.port}"
    where = (
        "in memory (--ephemeral)"
        if settings.url == "sqlite://"
        else (settings.database_url or str(settings.state_dir.resolve() / "flexemu.db"))
    )
    projects = emulator.bootstrap_project_ids()
    lines = [
        f"flexemu {__version__} listening on {base}",
        f"  state:        {where}",
        f"  identity:     {base}/iam/v3  (Keystone v3; AK/SK on {base})",
        f"  admin API:    {base}/_emulator  (Authorization: Bearer {settings.admin_token})",
        f"  account:      {boot.domain}  user {boot.user}  password {boot.password}",
        f"  access key:   {boot.access_key}",
        f"  secret key:   {boot.secret_key}",
    ]
    lines += [f"  project:      {name} = {pid}" for name, pid in sorted(projects.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="flexemu", description="A local Flexible Engine cloud.")
    parser.add_argument("--version", action="version", version=f"flexemu {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the emulator")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 4600)")
    serve.add_argument("--state-dir", type=Path, help="where state is kept (default ./.flexemu)")
    serve.add_argument("--ephemeral", action="store_true", help="keep state in memory only")
    serve.add_argument("--config", type=Path, help="a TOML configuration file")
    serve.add_argument("--prices", type=Path, help="a CSV price table instead of the samples")
    serve.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(handler=_serve)
    bill = commands.add_parser("bill", help="print a month's bill, read from the state directory")
    bill.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-11")
    bill.add_argument("--account", help="account (domain) name; default the bootstrap account")
    bill.add_argument("--state-dir", type=Path, help="where state is kept (default ./.flexemu)")
    bill.add_argument("--config", type=Path, help="a TOML configuration file")
    bill.add_argument("--prices", type=Path, help="a CSV price table instead of the samples")
    output = bill.add_mutually_exclusive_group()
    output.add_argument("--csv", action="store_true", help="line items as CSV")
    output.add_argument("--json", action="store_true", help="the bill as the admin API's JSON")
    bill.set_defaults(handler=_bill, log_level="warning")
    args = parser.parse_args(argv)
    logging.basicConfig(level=getattr(logging, args.log_level.upper()))
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
