"""EVS: block volumes through Cinder v2/v3 and the native EVS API, one store behind both."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

_PER_TYPE = {
    f"{kind}_{vtype}": -1
    for kind in ("volumes", "gigabytes", "snapshots")
    for vtype in ("SATA", "SAS", "SSD")
}
QUOTAS = {
    "volumes": 50,
    "gigabytes": 12800,
    "snapshots": 50,
    "per_volume_gigabytes": 32768,
    **_PER_TYPE,
}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.evs import backups, cinder, native
    from emulator import jobs
    from emulator.dialects import CINDER
    from emulator.service_app import service_app

    # Cinder's router matches paths exactly: /volumes/ is no /volumes, and is not redirected.
    return service_app(
        CINDER,
        [native.router, cinder.router, backups.router, jobs.router],
        redirect_slashes=False,
    )


# Status transitions are applied before any request, whichever service it is for.
from apis.evs import snapshots, transitions  # noqa: E402, F401
