"""VBS: volume backups through the native VBS API and Cinder `/backups`, one store behind both,
with the real limits (360 backups and 200 TB per tenant, 20 per disk, 5 operations at once)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

# 200 TB of backups; the running slots of the per-tenant queue (DESIGN §5).
QUOTAS = {"backups": 360, "backup_gigabytes": 200 * 1024, "backup_operations": 5}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.backup import native
    from apis.evs import backups as cinder_backups
    from emulator import jobs
    from emulator.service_app import service_app

    return service_app(native.VBS, [native.router, cinder_backups.router, jobs.router])


# Queued operations and policy runs are applied before any request, whichever service it is for.
from apis.backup import policy_runs, queue, restores  # noqa: E402, F401
