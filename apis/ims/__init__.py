"""IMS: images through Glance v2 and the native IMS API (public catalogue for now)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

# Private images per project and region (IMS constraints: 50 unless raised by a ticket).
QUOTAS = {"images": 50}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.ims import glance, glance_members, native
    from apis.ims.views import IMS
    from emulator.service_app import service_app

    return service_app(
        IMS, [glance.router, glance.data_router, glance_members.router, native.router]
    )
