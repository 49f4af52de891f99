"""The network's quotas as Neutron and the native VPC API show them: the same counters."""

from typing import Any

from sqlalchemy.orm import Session

from emulator import quotas
from emulator.context import RequestContext
from emulator.errors import NotFound

# Neutron name -> quota key.
NEUTRON_KEYS = {
    "network": "network",
    "subnet": "subnet",
    "port": "port",
    "router": "router",
    "floatingip": "floatingip",
    "security_group": "securityGroup",
    "security_group_rule": "securityGroupRule",
}
# The native API's resource types, in its order.
NATIVE_TYPES = ("vpc", "subnet", "securityGroup", "securityGroupRule", "publicIp", "shareBandwidth")


def neutron(tx: Session, ctx: RequestContext, project_id: str, *, details: bool) -> dict[str, Any]:
    if project_id != ctx.project.id:
        raise NotFound(f"Quotas of project {project_id} could not be found.")
    limits, usage = quotas.limits(tx, project_id), quotas.usage(tx, project_id)
    if not details:
        return {name: limits[key] for name, key in NEUTRON_KEYS.items()}
    return {
        name: {"limit": limits[key], "used": usage.get(key, 0), "reserved": 0}
        for name, key in NEUTRON_KEYS.items()
    }


def native(tx: Session, ctx: RequestContext, kind: str | None) -> dict[str, Any]:
    limits, usage = quotas.limits(tx, ctx.project.id), quotas.usage(tx, ctx.project.id)
    return {
        "resources": [
            {"type": key, "used": usage.get(key, 0), "quota": limits[key], "min": 0}
            for key in NATIVE_TYPES
            if kind in (None, key)
        ]
    }
