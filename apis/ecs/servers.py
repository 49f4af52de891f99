"""Servers: creation with their ports, volumes and EIP, updates, deletion with its cascade.

Everything a creation needs is checked before anything is written, and all of it happens in the
caller's transaction: a refused request leaves no port, volume, EIP or quota behind. Statuses
then move on the virtual clock (`apis.ecs.transitions`).
"""

import base64
import binascii
import re
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, bindparam, insert, inspect, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from apis.ecs import (
    billing,
    disks,
    flavors,
    keypairs,
    nics,
    server_actions,
    server_groups,
    states,
    transitions,
)
from apis.ecs.disks import DiskSpec
from apis.ecs.models import Server
from apis.ecs.nics import NicSpec
from apis.ims import images
from apis.vpc import operations as vpc
from apis.vpc.ports import NetworkFacts
from emulator import ids, jobs, quotas, tags
from emulator.context import RequestContext
from emulator.errors import ApiError, BadRequest, NotFound, QuotaExceeded
from state.models import Job
from state.prepared import Prepared, connection_of

TAG_TYPE = "ecs.server"
# Flexible Engine's limit of tags a server, whichever API sets them (Nova's tags too).
MAX_TAGS = 50
MAX_NAME = 255
MAX_USER_DATA = 65535


@dataclass
class PublicIpSpec:
    """An existing EIP to bind (`id`), or a new one with its bandwidth."""

    id: str | None = None
    ip_type: str = "5_bgp"
    bandwidth: vpc.BandwidthSpec | None = None
    delete_on_termination: bool = False


@dataclass
class ServerSpec:
    names: list[str]
    flavor_id: str
    nics: list[NicSpec]
    image_id: str | None = None
    availability_zone: str | None = None
    disks: list[DiskSpec] = field(default_factory=list)
    security_groups: list[str] | None = None  # names or ids; None: the VPC's default
    key_name: str | None = None
    user_data: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    publicip: PublicIpSpec | None = None
    tags: dict[str, str] = field(default_factory=dict)
    description: str = ""
    access_ipv4: str = ""
    access_ipv6: str = ""
    auto_disk_config: bool = False
    vpc_id: str | None = None
    server_group_id: str | None = None


def consume(tx: Session, project_id: str, amounts: dict[str, int]) -> None:
    try:
        quotas.consume(tx, project_id, amounts)
    except QuotaExceeded as error:
        raise states.quota_exceeded(error) from None


def _flavor(flavor_id: str) -> flavors.Flavor:
    try:
        return flavors.get(flavor_id)
    except NotFound:
        raise states.invalid(f"Flavor {flavor_id} could not be found.") from None


def _zone(ctx: RequestContext, flavor: flavors.Flavor, wanted: str | None) -> str:
    region = ctx.emulator.topology.region(ctx.region)
    if wanted is not None and wanted not in region.zones:
        raise states.invalid(f"The requested availability zone {wanted} is not available")
    candidates = [wanted] if wanted else list(region.zones)
    for zone in candidates:
        if flavor.sold_in(region, zone):
            return zone
    raise states.invalid(f"Flavor {flavor.id} is not sold in availability zone {candidates[0]}.")


def _check_name(name: str) -> None:
    if not name.strip() or len(name) > MAX_NAME:
        raise states.invalid(f"Invalid server name {name!r}: 1 to {MAX_NAME} characters.")


def _check_key_name(tx: Session, ctx: RequestContext, key_name: str) -> None:
    try:
        keypairs.get(tx, ctx, key_name)
    except NotFound:
        raise states.invalid("Invalid key_name provided.") from None


def replace_login(
    tx: Session, ctx: RequestContext, server: Server, replaced: dict[str, str | None]
) -> None:
    """A rebuild's new `key_name` or `user_data` (None removes it), checked as at create."""
    if "key_name" in replaced:
        if replaced["key_name"] is not None:
            _check_key_name(tx, ctx, replaced["key_name"])
        server.key_name = replaced["key_name"]
    if "user_data" in replaced:
        _check_user_data(replaced["user_data"])
        server.user_data = replaced["user_data"]


def _check_user_data(user_data: str | None) -> None:
    if user_data is None:
        return
    try:
        decoded = base64.b64decode(user_data, validate=True)
    except (binascii.Error, ValueError):
        raise states.invalid("User data needs to be valid base 64.") from None
    if len(decoded) > MAX_USER_DATA:
        raise states.invalid(f"User data is larger than {MAX_USER_DATA} bytes.")


def check_metadata(tx: Session, project_id: str, metadata: dict[str, str]) -> None:
    # Limits are -1 or from 0: no metadata is always within them, without looking them up.
    ceiling = quotas.limit(tx, project_id, "metadata_items") if metadata else quotas.UNLIMITED
    if ceiling != quotas.UNLIMITED and len(metadata) > ceiling:
        raise states.invalid(
            f"Quota exceeded for metadata_items: Maximum number of metadata items exceeds "
            f"{ceiling}",
            nova_status=403,
        )
    for key, value in metadata.items():
        if not 1 <= len(key) <= 255 or len(str(value)) > 255:
            raise states.invalid("Metadata keys and values are 1 to 255 characters.")


def _boot_disks(ctx: RequestContext, spec: ServerSpec) -> list[DiskSpec]:
    """The disks to make: a system disk from the image unless the request maps one; a system
    disk from an image is as large as the image's min_disk unless a size is given."""
    wanted = list(spec.disks)
    image = images.lookup(ctx, spec.image_id) if spec.image_id is not None else None
    if spec.image_id is not None and image is None:
        raise states.invalid(f"Image {spec.image_id} could not be found.")
    if not any(disk.boot for disk in wanted):
        if spec.image_id is None:
            raise states.invalid("Missing imageRef attribute")
        wanted.insert(0, DiskSpec(image_id=spec.image_id, boot=True, delete_on_termination=True))
    for disk in wanted:
        if disk.image_id is not None and disk.size is None:
            source = images.lookup(ctx, disk.image_id)
            if source is None:
                raise states.invalid(f"Image {disk.image_id} could not be found.")
            disk.size = source.min_disk
    return wanted


def _vpc_of_nics(
    tx: Session, ctx: RequestContext, spec: ServerSpec, networks: dict[str, NetworkFacts]
) -> str | None:
    """The one VPC of the nics; `networks` receives the networks found on the way."""
    if not spec.nics:
        raise states.invalid("At least one network is required.")
    vpc_ids = {nics.vpc_of(tx, ctx, nic, networks) for nic in spec.nics}
    if spec.vpc_id is not None and vpc_ids != {spec.vpc_id}:
        raise states.invalid(f"The subnets must belong to the VPC {spec.vpc_id}.")
    if len(vpc_ids) > 1:
        raise states.invalid("The networks of a server must belong to one VPC.")
    return vpc_ids.pop()


@dataclass
class _Plan:
    """What every server of one request shares, checked before anything is written."""

    flavor: flavors.Flavor
    zone: str
    vpc_id: str | None
    disks: list[DiskSpec]
    licence: str | None
    group_ids: list[str] | None
    tags: dict[str, str]
    reservation: str
    # The nics' networks by id, as read by the checks (the ports' creation needs them again).
    networks: dict[str, NetworkFacts]


@dataclass
class Created:
    server: Server
    # (id, name) of its security groups in first-seen order, when known without reading them.
    groups: list[tuple[str, str]] | None


def create(
    tx: Session, ctx: RequestContext, spec: ServerSpec, job: Job | None = None
) -> list[Created]:
    """One server per name in `spec.names`; `job` (native) gets a sub-job per server."""
    for name in spec.names:
        _check_name(name)
    flavor = _flavor(spec.flavor_id)
    zone = _zone(ctx, flavor, spec.availability_zone)
    disk_specs = _boot_disks(ctx, spec)
    if spec.key_name is not None:
        _check_key_name(tx, ctx, spec.key_name)
    _check_user_data(spec.user_data)
    check_metadata(tx, ctx.project.id, spec.metadata)
    tag_values = tags.validate(
        [{"key": k, "value": v} for k, v in spec.tags.items()], codes={"huawei": states.INVALID}
    )
    networks: dict[str, NetworkFacts] = {}
    vpc_id = _vpc_of_nics(tx, ctx, spec, networks)
    group_ids = (
        nics.resolve_groups(tx, ctx, spec.security_groups, vpc_id) if spec.security_groups else None
    )
    group = _server_group(tx, ctx, spec.server_group_id)
    consume(tx, ctx.project.id, flavor.usage(len(spec.names)))
    reservation = "r-" + ids.hex_id()[:8]
    licence = billing.licence_of(tx, ctx, disk_specs)
    plan = _Plan(
        flavor, zone, vpc_id, disk_specs, licence, group_ids, tag_values, reservation, networks
    )
    created = [_create_one(tx, ctx, spec, plan, name, job) for name in spec.names]
    if group is not None:
        server_groups.join(tx, ctx, group, [each.server.id for each in created])
    return created


def _server_group(
    tx: Session, ctx: RequestContext, group_id: str | None
) -> server_groups.ServerGroup | None:
    if group_id is None:
        return None
    try:
        return server_groups.get(tx, ctx, group_id)
    except NotFound:
        raise states.invalid(f"Server group {group_id} could not be found.") from None


# A server's attributes and the columns they are stored in.
_FIELDS = [(attr.key, attr.columns[0].name) for attr in inspect(Server).column_attrs]
_INSERT = Prepared(insert(Server), [column for _, column in _FIELDS])


def _insert(tx: Session, values: dict[str, Any]) -> Server:
    """The row by a prepared INSERT; the `Server` returned is a transient copy of it for the
    steps that follow, never added to the session (nothing flushes or reads it back)."""
    _INSERT.run(connection_of(tx), {column: values[key] for key, column in _FIELDS})
    return Server(**values)


def _create_one(
    tx: Session, ctx: RequestContext, spec: ServerSpec, plan: _Plan, name: str, job: Job | None
) -> Created:
    now = ctx.now()
    server = _insert(
        tx,
        {
            "id": ids.uuid_id(),
            "project_id": ctx.project.id,
            "region": ctx.region,
            "user_id": ctx.principal.user_id,
            "name": name,
            "description": spec.description,
            "status": "BUILD",
            "task_state": "spawning",
            "power_state": states.NOSTATE,
            "flavor_id": plan.flavor.id,
            "previous_flavor_id": None,
            "image_id": spec.image_id or "",
            "licence": plan.licence,
            "availability_zone": plan.zone,
            "vpc_id": plan.vpc_id,
            "key_name": spec.key_name,
            "user_data": spec.user_data,
            "metadata_": dict(spec.metadata),
            "reservation_id": plan.reservation,
            "publicip_delete_on_termination": bool(
                spec.publicip and spec.publicip.delete_on_termination
            ),
            "locked": False,
            "access_ipv4": spec.access_ipv4,
            "access_ipv6": spec.access_ipv6,
            "auto_disk_config": spec.auto_disk_config,
            "created_at": now,
            "updated_at": now,
            "launched_at": None,
        },
    )
    ports = [
        nics.plug(
            tx, ctx, server, nic, plan.group_ids, network=plan.networks.get(nic.network_id or "")
        )
        for nic in spec.nics
    ]
    disks.create_for(tx, ctx, server, plan.disks)
    if spec.publicip is not None:
        _attach_publicip(tx, ctx, spec.publicip, server, ports[0].port_id)
    if plan.tags:
        tags.put(
            tx,
            project_id=ctx.project.id,
            resource_type=TAG_TYPE,
            resource_id=server.id,
            tags=plan.tags,
            codes={"huawei": states.INVALID},
            limit=MAX_TAGS,
        )
    billing.open_new(tx, server, now)
    server_actions.record(tx, ctx, server.id, "create")
    delay = max(
        ctx.emulator.settings.delay("server_create"), ctx.emulator.settings.delay("volume_create")
    )
    transitions.schedule(
        tx, ctx, server, "built", delay, job=sub_job(tx, ctx, job, "createSingleServer", server)
    )
    return Created(server, ports[0].groups if len(ports) == 1 else None)


def _attach_publicip(
    tx: Session, ctx: RequestContext, spec: PublicIpSpec, server: Server, port_id: str
) -> None:
    """Bind an EIP to the server's first port; a new dedicated bandwidth is named after it."""
    bandwidth = spec.bandwidth or vpc.BandwidthSpec()
    if bandwidth.name is None:
        bandwidth = replace(bandwidth, name=f"{server.name}-bandwidth")
    try:
        if spec.id is not None:
            vpc.bind_publicip(tx, ctx, spec.id, port_id)
        else:
            vpc.allocate_publicip(
                tx,
                ctx,
                bandwidth,
                ip_type=spec.ip_type,
                port_id=port_id,
            )
    except QuotaExceeded as error:
        raise states.quota_exceeded(error, native_code="Ecs.0013") from None
    except ApiError as error:
        error.codes.setdefault("huawei", states.INVALID)
        raise


def sub_job(
    tx: Session, ctx: RequestContext, parent: Job | None, job_type: str, server: Server
) -> Job | None:
    if parent is None:
        return None
    return jobs.create(
        tx,
        project_id=ctx.project.id,
        job_type=job_type,
        now=ctx.now(),
        entities={"server_id": server.id},
        parent_id=parent.id,
    )


def get(tx: Session, ctx: RequestContext, server_id: str) -> Server:
    server = tx.get(Server, server_id)
    if server is None or server.project_id != ctx.project.id:
        raise states.server_not_found(server_id)
    return server


# A server's columns under their attribute names: a row of them reads like a `Server`.
_COLUMNS = [attr.class_attribute.label(attr.key) for attr in inspect(Server).column_attrs]


_BY_ID = Prepared(
    select(*_COLUMNS).where(
        Server.id == bindparam("server_id"), Server.project_id == bindparam("project_id")
    )
)


def get_plain(tx: Session, ctx: RequestContext, server_id: str) -> Any:
    """`get` as a read-only row of the server's columns (reads like a `Server`, costs a
    fraction of one): for showing and deleting."""
    row = _BY_ID.first(tx.connection(), {"server_id": server_id, "project_id": ctx.project.id})
    if row is None:
        raise states.server_not_found(server_id)
    return row


def of_project(ctx: RequestContext, *, plain_rows: bool = False) -> Select[Any]:
    """The project's servers, for listing (filters and paging are the dialects');
    `plain_rows`: as read-only rows of their columns, much cheaper than ORM objects."""
    query = select(*_COLUMNS) if plain_rows else select(Server)
    return query.where(Server.project_id == ctx.project.id)


def named_like(tx: Session, ctx: RequestContext, pattern: str) -> list[str]:
    """The ids of the project's servers whose name the regular expression matches (anywhere
    in it, as Nova's name filter): in Python, since SQL has no portable REGEXP."""
    try:
        regex = re.compile(pattern)
    except re.error:
        raise BadRequest(f"Invalid regular expression in filter name: {pattern}") from None
    rows = tx.execute(select(Server.id, Server.name).where(Server.project_id == ctx.project.id))
    return [server_id for server_id, name in rows if regex.search(name)]


def update(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    *,
    name: str | None = None,
    description: str | None = None,
    access_ipv4: str | None = None,
    access_ipv6: str | None = None,
    auto_disk_config: bool | None = None,
) -> Server:
    if name is not None:
        _check_name(name)
        server.name = name
    if access_ipv4 is not None:
        server.access_ipv4 = access_ipv4
    if access_ipv6 is not None:
        server.access_ipv6 = access_ipv6
    if auto_disk_config is not None:
        server.auto_disk_config = auto_disk_config
    if description is not None:
        if len(description) > 255:
            raise states.invalid("The description is at most 255 characters.")
        server.description = description
    server.updated_at = ctx.now()
    return server


_MARK_DELETING = Prepared(
    sql_update(Server)
    .where(Server.id == bindparam("server_id"))
    .values(task_state="deleting", updated_at=bindparam("now"))
)


def delete(
    tx: Session,
    ctx: RequestContext,
    server: Any,
    *,
    delete_publicip: bool = False,
    delete_volume: bool = False,
    job: Job | None = None,
) -> bool:
    """`server`: a plain row (`get_plain`). Ports go (their IPs freed; EIPs stay unless
    `delete_publicip` or the server's EIP was made `delete_on_termination`), volumes are
    detached and deleted per `delete_on_termination` (all of them with `delete_volume`); the
    server itself is gone after the `server_delete` delay. False if it was being deleted
    already."""
    if server.task_state == "deleting":
        return False
    now = ctx.now()
    transitions.cancel(tx, server, now)
    billing.stop(tx, server, now)
    release_eips = delete_publicip or server.publicip_delete_on_termination
    nics.unplug_all(tx, ctx, server, release_eips=release_eips)
    disks.release_all(tx, ctx, server, delete_volumes=delete_volume)
    _MARK_DELETING.run(tx.connection(), {"server_id": server.id, "now": now})
    server_actions.record(tx, ctx, server.id, "delete")
    transitions.schedule(
        tx,
        ctx,
        server,
        "deleted",
        ctx.emulator.settings.delay("server_delete"),
        job=sub_job(tx, ctx, job, "deleteSingleServer", server),
    )
    return True


def swap_usage(tx: Session, project_id: str, old: flavors.Flavor, new: flavors.Flavor) -> None:
    """A resize moves the server's cores and RAM from one flavor to the other."""
    quotas.release(tx, project_id, old.usage())
    consume(tx, project_id, new.usage())


def set_metadata(
    tx: Session, ctx: RequestContext, server: Server, values: dict[str, str], *, replace: bool
) -> dict[str, str]:
    """Merge `values` into the server's metadata, or replace it; within metadata_items.
    Nova's compute API guards it as an action: unlocked, settled, running or stopped."""
    states.require(server, "update metadata")
    merged = dict(values) if replace else {**server.metadata_, **values}
    check_metadata(tx, ctx.project.id, merged)
    server.metadata_ = merged
    server.updated_at = ctx.now()
    return merged


def delete_metadata_key(tx: Session, ctx: RequestContext, server: Server, key: str) -> None:
    if key not in server.metadata_:
        raise NotFound("Metadata item was not found", codes={"huawei": states.INVALID})
    states.require(server, "delete metadata")
    server.metadata_ = {k: v for k, v in server.metadata_.items() if k != key}
    server.updated_at = ctx.now()
