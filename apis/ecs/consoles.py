"""What a server's serial console printed: a boot log made from the server itself (its name,
the operating system of its image, its addresses, its boot time on the virtual clock), plus
the shutdown when it is stopped. Nova and the native API return its last lines."""

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from apis.ecs import nics, states
from apis.ecs.models import Server
from apis.ims import images
from emulator.context import RequestContext


def _stamp(at: datetime) -> str:
    return at.strftime("%a, %d %b %Y %H:%M:%S +0000")


def _kernel(seconds: float, text: str) -> str:
    return f"[{seconds:12.6f}] {text}"


def _linux_boot(server: Server, os_version: str, addresses: list[nics.Address]) -> list[str]:
    booted = server.launched_at or server.created_at
    lines = [
        _kernel(0, f"Linux version 5.15.0-91-generic ({os_version})"),
        _kernel(0, "Command line: root=/dev/vda1 ro console=tty0 console=ttyS0"),
        _kernel(0, "DMI: OpenStack Foundation OpenStack Nova, BIOS rel-1.10.2"),
        _kernel(0.412, "virtio_blk virtio2: [vda] 83886080 512-byte logical blocks"),
        _kernel(1.873, "EXT4-fs (vda1): mounted filesystem with ordered data mode."),
        _kernel(3.215, f"systemd[1]: Set hostname to <{server.name}>."),
        f"Cloud-init v. 23.1 running 'init' at {_stamp(booted + timedelta(seconds=5))}. "
        "Up 5.12 seconds.",
        "ci-info: ++++++++++++++++++++++++Net device info+++++++++++++++++++++++++",
        "ci-info: | Device |  Up  |   Address   | Scope  |     Hw-Address    |",
    ]
    for index, address in enumerate(a for a in addresses if a.kind == "fixed"):
        lines.append(
            f"ci-info: | eth{index}   | True | {address.ip_address} | global "
            f"| {address.mac_address} |"
        )
    lines += [
        f"Cloud-init v. 23.1 finished at {_stamp(booted + timedelta(seconds=9))}. Up 9.48 seconds",
        "",
        f"{os_version} {server.name} ttyS0",
        "",
        f"{server.name} login: ",
    ]
    return lines


def _windows_boot(server: Server, os_version: str) -> list[str]:
    booted = server.launched_at or server.created_at
    return [
        f"{_stamp(booted)} Windows Boot Manager: starting {os_version}",
        f"{_stamp(booted + timedelta(seconds=20))} cloudbase-init: setting host name {server.name}",
        f"{_stamp(booted + timedelta(seconds=25))} cloudbase-init: plugins execution done",
    ]


def _shutdown(server: Server) -> list[str]:
    return [
        f"{_stamp(server.updated_at)} {server.name} systemd[1]: Reached target Power-Off.",
        "reboot: Power down",
    ]


def output(tx: Session, ctx: RequestContext, server: Server, length: int | None) -> str:
    """The console log, its tail of `length` (all for None or -1); a server not yet built
    has none (Nova's 409 InstanceNotReady)."""
    if server.launched_at is None:
        raise states.not_ready(server.id)
    image = images.lookup(ctx, server.image_id) if server.image_id else None
    os_version = image.os_version if image else "Linux"
    if image is not None and image.os_type == "Windows":
        lines = _windows_boot(server, os_version)
    else:
        addresses = nics.addresses_of(tx, server)
        lines = _linux_boot(server, os_version, addresses)
    if server.status == "SHUTOFF":
        lines += _shutdown(server)
    log = "".join(f"{line}\n" for line in lines)
    if length is None or length == -1:
        return log
    # Nova's tail: the last `length` pieces of the log split at newlines, the empty piece
    # after the final newline counted among them.
    return "\n".join(log.split("\n")[-length:]) if length else ""
