"""VPC: VPCs, subnets, ports, security groups and EIPs, through Neutron and the native APIs.

Pairs of keys name one counter seen by two dialects (a VPC is a router, an EIP a floating IP):
both are consumed together, so either limit stops a creation.
"""

from typing import TYPE_CHECKING

from fastapi import FastAPI

from apis.vpc import statuses  # noqa: F401  (registers the status transitions)

if TYPE_CHECKING:
    from emulator.app import Emulator

QUOTAS = {
    "vpc": 5,
    "router": 5,
    "subnet": 100,
    "network": 100,
    "port": 500,
    "securityGroup": 100,
    "securityGroupRule": 5000,
    "publicIp": 10,
    "floatingip": 10,
    "shareBandwidth": 5,
}


def build_app(emulator: "Emulator") -> FastAPI:
    from apis.vpc import native, native_eip, native_v3, neutron, neutron_tags, tagging
    from apis.vpc.errors import VPC_NATIVE
    from emulator.service_app import service_app

    routers = [neutron.router, neutron_tags.router, native.router, native_eip.router]
    return service_app(VPC_NATIVE, [*routers, native_v3.router, tagging.router])
