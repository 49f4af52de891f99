"""IMS: images through Glance v2 and the native IMS API (public catalogue for now)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.ims import glance, native
    from apis.ims.views import IMS
    from emulator.service_app import service_app

    return service_app(IMS, [glance.router, glance.data_router, native.router])
