"""IMS: images through Glance v2 and the native IMS API: the public catalogue of each region,
the private images of each project and the images shared with it."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

# Private images per project and region (IMS constraints: 50 unless raised by a ticket).
QUOTAS = {"images": 50}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.ims import glance, glance_members, glance_schemas, native
    from apis.ims.views import IMS
    from emulator.service_app import service_app

    return service_app(
        IMS,
        [
            glance.router,
            glance.data_router,
            glance_members.router,
            glance_schemas.router,
            native.router,
        ],
        # Glance has no image with an empty id: GET or DELETE /v2/images/ is 404, not a list.
        redirect_slashes=False,
    )


# Status transitions are applied before any request, whichever service it is for.
from apis.ims import transitions  # noqa: E402, F401
