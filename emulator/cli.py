"""The `flexemu` command."""

import argparse
import logging
import sys
from pathlib import Path

from emulator import __version__


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from emulator.app import create_app
    from emulator.config import load_settings

    settings = load_settings(
        args.config,
        host=args.host,
        port=args.port,
        state_dir=args.state_dir,
        ephemeral=True if args.ephemeral else None,
    )
    gateway = create_app(settings)
    gateway.emulator.on_ready = lambda emulator: print(banner(emulator), flush=True)
    uvicorn.run(
        gateway,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        access_log=args.log_level == "debug",
        lifespan="on",
    )
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
    serve.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(handler=_serve)
    args = parser.parse_args(argv)
    logging.basicConfig(level=getattr(logging, args.log_level.upper()))
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
