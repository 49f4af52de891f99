"""IAM: Keystone v3 and the Huawei v3.0 extensions (access keys, temporary credentials)."""

from typing import TYPE_CHECKING

from fastapi import FastAPI

if TYPE_CHECKING:
    from emulator.app import Emulator


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.iam import extensions, keystone, keystone_roles
    from emulator.dialects import KEYSTONE
    from emulator.service_app import service_app

    return service_app(KEYSTONE, [keystone.router, keystone_roles.router, extensions.router])
