"""OBS: object storage as S3 (SigV4, SigV2) and in its own dialect (OBS signatures, x-obs-*)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

# Buckets per account, as the real service allows by default.
QUOTAS = {"obs_buckets": 100}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.obs import router
    from apis.obs.dialect import S3
    from emulator.service_app import service_app

    return service_app(S3, [router.router])
