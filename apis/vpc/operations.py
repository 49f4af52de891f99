"""What other services (ECS) call on the network, inside their own transaction.

Every function takes `(tx, ctx, ...)`: the caller's open transaction and its request context,
and raises `ApiError`s that carry the Neutron, native VPC ("vpc") and ECS native ("huawei")
codes, e.g. `Ecs.0010` (address in use), `Ecs.0012` (subnet full), `Ecs.0013` (EIP quota).

    port = create_port(tx, ctx, PortSpec(network_id=nic.subnet_id,
                                         fixed_ips=[{"ip_address": nic.ip_address}],
                                         security_group_ids=groups or None))
    bind_device(tx, ctx, port.id, device_id=server.id, device_owner=f"compute:{az}")
    eip = allocate_publicip(tx, ctx, BandwidthSpec(name="bw", size=5), port_id=port.id)
    ...
    delete_port(tx, ctx, port.id)       # on server deletion: its EIP stays allocated, DOWN
    delete_ports(tx, ctx, port_ids)     # the same for all of a server's ports at once
    release_publicip(tx, ctx, eip.id)   # only when the EIP itself is deleted

`network_id` is the native subnet id (= the Neutron network id); `security_group_ids=None`
puts the port in its VPC's `default` group.
"""

from apis.vpc.eips import (
    BandwidthSpec,
    allocate_publicip,
    bind_publicip,
    get_publicip,
    release_publicip,
    unbind_publicip,
)
from apis.vpc.ports import (
    PortSpec,
    bind_device,
    create_port,
    delete_port,
    delete_ports,
    first_ipv4,
    fixed_ips,
    get_port,
    groups_of,
    unbind_devices,
)
from apis.vpc.security import default_group_of, get_group
from apis.vpc.subnets import vpc_subnet

__all__ = [
    "BandwidthSpec",
    "PortSpec",
    "allocate_publicip",
    "bind_device",
    "bind_publicip",
    "create_port",
    "default_group_of",
    "delete_port",
    "delete_ports",
    "first_ipv4",
    "fixed_ips",
    "get_group",
    "get_port",
    "get_publicip",
    "groups_of",
    "release_publicip",
    "unbind_devices",
    "unbind_publicip",
    "vpc_subnet",
]
