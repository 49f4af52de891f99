"""IP address management: CIDR rules, allocation pools and fixed IPs, with `ipaddress`.

The cloud keeps for itself, in each subnet, the network and broadcast addresses, the gateway
and the last two host addresses (system and DHCP: .253 and .254 of a /24), as the real VPC does.
Those last two are only left out of the default pools: pools the client gives may hold any host
address but the gateway ("system reserved addresses are not in allocation_pools by default";
Neutron's rule too).
"""

import sqlite3
from collections.abc import Iterable, Iterator
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from apis.vpc.errors import invalid
from apis.vpc.models import IpAllocation, Subnet
from emulator.errors import Conflict
from state.prepared import Prepared, connection_of

PRIVATE_BLOCKS = tuple(
    ip_network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
LONGEST_VPC_PREFIX = 24
LONGEST_SUBNET_PREFIX = 29
CLOUD_RESERVED_AT_END = 2


def parse_cidr(text: str, kind: str, *, host_bits: bool = False) -> IPv4Network:
    """An IPv4 CIDR; IPv6 is not enabled in this cloud. With `host_bits`, a CIDR that has them
    ('10.0.0.5/16') stands for its network ('10.0.0.0/16'), as Neutron takes a subnet's."""
    try:
        network = ip_network(text, strict=not host_bits)
    except ValueError:
        raise invalid(kind, f"'{text}' is not a valid CIDR.") from None
    if network.version != 4:
        raise invalid(kind, f"'{text}': IPv6 is not enabled.")
    return network


def private_cidr(
    text: str, kind: str, longest_prefix: int, *, host_bits: bool = False
) -> IPv4Network:
    network = parse_cidr(text, kind, host_bits=host_bits)
    if not any(network.subnet_of(block) for block in PRIVATE_BLOCKS):  # type: ignore[arg-type]
        raise invalid(
            kind, f"cidr {text} must be within 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."
        )
    if network.prefixlen > longest_prefix:
        raise invalid(kind, f"cidr {text}: the mask must not be longer than /{longest_prefix}.")
    return network


def parse_ip(text: str, kind: str) -> IPv4Address:
    try:
        address = ip_address(text)
    except ValueError:
        raise invalid(kind, f"'{text}' is not a valid IP address.") from None
    if address.version != 4:
        raise invalid(kind, f"'{text}': IPv6 is not enabled.")
    return address


def gateway_for(network: IPv4Network, requested: str | None, kind: str) -> IPv4Address:
    if requested is None:
        return network.network_address + 1
    gateway = parse_ip(requested, kind)
    first, last = usable_bounds(network)
    if not first <= int(gateway) <= last:
        raise invalid(
            kind,
            f"Gateway ip {requested} conflicts with the subnet {network}: it "
            "must be a host address of the subnet.",
        )
    return gateway


def usable_bounds(network: IPv4Network) -> tuple[int, int]:
    """First and last host address the cloud does not keep for itself (gateway included)."""
    return (
        int(network.network_address) + 1,
        int(network.broadcast_address) - 1 - CLOUD_RESERVED_AT_END,
    )


def host_bounds(network: IPv4Network) -> tuple[int, int]:
    """First and last address of the subnet that is neither its network nor its broadcast."""
    return int(network.network_address) + 1, int(network.broadcast_address) - 1


def _pool(start: int, end: int) -> dict[str, str]:
    return {"start": str(IPv4Address(start)), "end": str(IPv4Address(end))}


def default_pools(network: IPv4Network, gateway: IPv4Address) -> list[dict[str, str]]:
    first, last = usable_bounds(network)
    gw = int(gateway)
    if not first <= gw <= last:
        return [_pool(first, last)] if first <= last else []
    return [_pool(a, b) for a, b in ((first, gw - 1), (gw + 1, last)) if a <= b]


def checked_pools(
    network: IPv4Network, gateway: IPv4Address, pools: list[dict[str, Any]], kind: str
) -> list[dict[str, str]]:
    """Pools given by the client: inside the subnet's hosts, apart, and around the gateway."""
    first, last = host_bounds(network)
    bounds = []
    for pool in pools:
        start = int(parse_ip(str(pool.get("start", "")), kind))
        end = int(parse_ip(str(pool.get("end", "")), kind))
        if not first <= start <= end <= last:
            raise invalid(
                kind,
                f"The allocation pool {_pool(start, end)} spans beyond the subnet cidr {network}.",
                neutron="OutOfBoundsAllocationPool",
            )
        if start <= int(gateway) <= end:
            raise invalid(
                kind, f"Gateway ip {gateway} conflicts with allocation pool {_pool(start, end)}."
            )
        bounds.append((start, end))
    bounds.sort()
    for (_, previous_end), (start, end) in zip(bounds, bounds[1:], strict=False):
        if start <= previous_end:
            raise invalid(kind, f"Found overlapping allocation pools: {_pool(start, end)}.")
    return [_pool(start, end) for start, end in bounds]


def _bounds(pools: list[dict[str, str]]) -> list[tuple[int, int]]:
    return [(int(IPv4Address(p["start"])), int(IPv4Address(p["end"]))) for p in pools]


def _pool_bounds(subnet: Subnet) -> list[tuple[int, int]]:
    return _bounds(subnet.allocation_pools)


def _addresses(pools: list[dict[str, str]]) -> Iterator[IPv4Address]:
    for start, end in _bounds(pools):
        for value in range(start, end + 1):
            yield IPv4Address(value)


def pool_addresses(subnet: Subnet) -> Iterator[IPv4Address]:
    return _addresses(subnet.allocation_pools)


def taken(tx: Session, subnet_id: str) -> set[str]:
    return set(
        tx.scalars(select(IpAllocation.ip_address).where(IpAllocation.subnet_id == subnet_id))
    )


def usage(tx: Session, rows: list[Subnet]) -> dict[str, tuple[int, int]]:
    """(used, total) addresses of each subnet's allocation pools, in one query: the addresses
    the cloud reserves (network, gateway, the last ones) count in neither, as on the real VPC."""
    bounds = {subnet.id: _pool_bounds(subnet) for subnet in rows}
    used = dict.fromkeys(bounds, 0)
    allocations = tx.execute(
        select(IpAllocation.subnet_id, IpAllocation.ip_address).where(
            IpAllocation.subnet_id.in_(list(bounds))
        )
    )
    for subnet_id, address in allocations:
        value = int(IPv4Address(address))
        used[subnet_id] += any(s <= value <= e for s, e in bounds[subnet_id])
    return {
        subnet_id: (used[subnet_id], sum(e - s + 1 for s, e in pools))
        for subnet_id, pools in bounds.items()
    }


def _requested(subnet: Subnet, requested: str, gateway_allowed: bool) -> str:
    address = parse_ip(requested, "port")
    network = ip_network(subnet.cidr)
    is_gateway = str(address) == subnet.gateway_ip
    if (
        address not in network
        or address in (network.network_address, network.broadcast_address)
        or (is_gateway and not gateway_allowed)
    ):
        raise invalid(
            "port",
            f"IP address {requested} is not a valid IP for the specified subnet.",
            neutron="InvalidIpForSubnet",
        )
    return str(address)


def _already_allocated(address: str, subnet: Subnet) -> Conflict:
    return Conflict(
        f"IP address {address} already allocated in subnet {subnet.id}",
        codes={"neutron": "IpAddressAlreadyAllocated", "vpc": "VPC.0701", "huawei": "Ecs.0010"},
    )


def _claimed(tx: Session, allocation: IpAllocation) -> bool:
    try:
        with tx.begin_nested():
            tx.add(allocation)
    except IntegrityError:  # another writer took the address since `taken` was read
        return False
    return True


def allocate(
    tx: Session,
    subnet: Subnet,
    port_id: str,
    requested: str | None = None,
    *,
    gateway_allowed: bool = False,
) -> IpAllocation:
    """Give the port `requested`, or the first free address of the subnet's pools. The
    primary key settles a race with another writer: the loser moves on to the next address."""
    used = taken(tx, subnet.id)
    candidates: Iterable[str] = (
        [_requested(subnet, requested, gateway_allowed)]
        if requested is not None
        else (str(a) for a in pool_addresses(subnet))
    )
    for address in candidates:
        allocation = IpAllocation(
            subnet_id=subnet.id, ip_address=address, port_id=port_id, project_id=subnet.project_id
        )
        if address not in used and _claimed(tx, allocation):
            return allocation
        if requested is not None:
            raise _already_allocated(address, subnet)
    raise _none_left(subnet.network_id)


def _none_left(network_id: str) -> Conflict:
    return Conflict(
        f"No more IP addresses available on network {network_id}.",
        codes={"neutron": "IpAddressGenerationFailure", "vpc": "VPC.0703", "huawei": "Ecs.0012"},
    )


_TAKEN = Prepared(
    select(IpAllocation.ip_address).where(IpAllocation.subnet_id == bindparam("subnet_id"))
)
_CLAIM = Prepared(insert(IpAllocation), ["subnet_id", "ip_address", "port_id", "project_id"])


def allocate_first_free(
    tx: Session,
    *,
    subnet_id: str,
    project_id: str,
    network_id: str,
    pools: list[dict[str, str]],
    port_id: str,
) -> str:
    """`allocate` of the first free address, by prepared statements (no ORM row): the port's
    address. The caller has written nothing the session still holds for this subnet."""
    connection = connection_of(tx)
    used = {row.ip_address for row in _TAKEN.all(connection, {"subnet_id": subnet_id})}
    for address in map(str, _addresses(pools)):
        values = {
            "subnet_id": subnet_id,
            "ip_address": address,
            "port_id": port_id,
            "project_id": project_id,
        }
        if address not in used and _claimed_row(tx, connection, values):
            return address
    raise _none_left(network_id)


def _claimed_row(tx: Session, connection: Connection, values: dict[str, str]) -> bool:
    """`_claimed` for a prepared INSERT. On SQLite a refused statement leaves the transaction
    as it was; elsewhere it runs in a savepoint."""
    try:
        if connection.dialect.name == "sqlite":
            _CLAIM.run(connection, values)
        else:
            with tx.begin_nested():
                _CLAIM.run(connection, values)
    except (IntegrityError, sqlite3.IntegrityError):  # another writer took the address
        return False
    return True
