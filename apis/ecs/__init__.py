"""ECS: Elastic Cloud Servers through Nova v2.1 and the native ECS API."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator

# Nova's quota keys and defaults; Nova and the native API read the same numbers.
QUOTAS = {
    "instances": 10,
    "cores": 20,
    "ram": 51200,
    "key_pairs": 100,
    "server_groups": 10,
    "server_group_members": 10,
    "metadata_items": 128,
    "injected_files": 5,
    "injected_file_content_bytes": 10240,
    "injected_file_path_bytes": 255,
}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.ecs import (
        native,
        native_access,
        native_servers,
        nova,
        nova_consoles,
        nova_images,
        nova_security_groups,
        nova_server_resources,
        nova_servers,
        versions,
    )
    from emulator import jobs
    from emulator.dialects import NOVA
    from emulator.service_app import service_app

    return service_app(
        NOVA,
        [
            versions.router,
            nova.router,
            nova_servers.router,
            nova_server_resources.router,
            nova_security_groups.router,
            nova_consoles.router,
            nova_images.router,
            native.router,
            native_access.router,
            native_servers.router,
            jobs.router,
        ],
        # Nova has no resource with an empty id: DELETE /images/ is 404, not the collection.
        redirect_slashes=False,
    )


# Server statuses change on the clock even before the first request builds the app.
from apis.ecs import transitions  # noqa: E402, F401
