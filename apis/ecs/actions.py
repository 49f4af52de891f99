"""What a server does on request: start, stop, reboot, resize (confirm, revert), rebuild,
security groups, a new password, the lock. Each checks the server's state, then schedules the status
change on the clock."""

from sqlalchemy.orm import Session

from apis.ecs import flavors, nics, passwords, server_actions, servers, states, transitions
from apis.ecs.models import Server
from apis.ims import capture, images
from emulator.context import RequestContext
from state.models import Job


def _delay(ctx: RequestContext, name: str) -> float:
    return ctx.emulator.settings.delay(name)


def _begin(ctx: RequestContext, server: Server, task: str, status: str | None = None) -> None:
    server.task_state = task
    if status is not None:
        server.status = status
    server.updated_at = ctx.now()


def start(tx: Session, ctx: RequestContext, server: Server, job: Job | None = None) -> None:
    states.require(server, "start")
    server_actions.record(tx, ctx, server.id, "start")
    _begin(ctx, server, "powering-on")
    transitions.schedule(tx, ctx, server, "started", _delay(ctx, "server_start"), job=job)


def stop(tx: Session, ctx: RequestContext, server: Server, job: Job | None = None) -> None:
    states.require(server, "stop")
    server_actions.record(tx, ctx, server.id, "stop")
    _begin(ctx, server, "powering-off")
    transitions.schedule(tx, ctx, server, "stopped", _delay(ctx, "server_stop"), job=job)


def reboot(
    tx: Session, ctx: RequestContext, server: Server, hard: bool, job: Job | None = None
) -> None:
    states.require(server, "reboot_hard" if hard else "reboot")
    server_actions.record(tx, ctx, server.id, "reboot")
    if hard:
        _begin(ctx, server, "reboot_started_hard", "HARD_REBOOT")
    else:
        _begin(ctx, server, "reboot_started", "REBOOT")
    transitions.schedule(tx, ctx, server, "rebooted", _delay(ctx, "server_reboot"), job=job)


def resize(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    flavor_id: str,
    *,
    confirm: bool = False,
    job: Job | None = None,
    auto_disk_config: bool | None = None,
) -> None:
    """Nova stops at VERIFY_RESIZE for a confirm or revert; the native API confirms itself."""
    states.require(server, "resize")
    new = flavors.catalogue().get(flavor_id)
    if new is None:
        raise states.invalid(f"Flavor {flavor_id} could not be found.")
    if new.id == server.flavor_id:
        raise states.invalid("When resizing, instances must change flavor!")
    region = ctx.emulator.topology.region(ctx.region)
    if not new.sold_in(region, server.availability_zone):
        raise states.invalid(
            f"Flavor {new.id} is not sold in availability zone {server.availability_zone}."
        )
    old = flavors.get(server.flavor_id)
    servers.swap_usage(tx, server.project_id, old, new)
    server_actions.record(tx, ctx, server.id, "resize")
    server.flavor_id, server.previous_flavor_id = new.id, old.id
    if auto_disk_config is not None:
        server.auto_disk_config = auto_disk_config
    _begin(ctx, server, "resize_prep", "RESIZE")
    transitions.schedule(
        tx,
        ctx,
        server,
        "resized",
        _delay(ctx, "server_resize"),
        job=job,
        payload={"confirm": confirm},
    )


def confirm_resize(tx: Session, ctx: RequestContext, server: Server) -> None:
    states.require(server, "confirmResize")
    server_actions.record(tx, ctx, server.id, "confirmResize")
    server.previous_flavor_id = None
    server.status = "ACTIVE" if server.power_state == states.RUNNING else "SHUTOFF"
    server.updated_at = ctx.now()


def revert_resize(tx: Session, ctx: RequestContext, server: Server) -> None:
    states.require(server, "revertResize")
    server_actions.record(tx, ctx, server.id, "revertResize")
    resized, previous = flavors.get(server.flavor_id), flavors.get(str(server.previous_flavor_id))
    servers.swap_usage(tx, server.project_id, resized, previous)
    server.flavor_id, server.previous_flavor_id = previous.id, None
    _begin(ctx, server, "resize_reverting", "REVERT_RESIZE")
    transitions.schedule(tx, ctx, server, "reverted", _delay(ctx, "server_resize"))


def rebuild(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    image_id: str,
    *,
    name: str | None = None,
    description: str | None = None,
    metadata: dict[str, str] | None = None,
    access_ips: tuple[str | None, str | None] = (None, None),
    auto_disk_config: bool | None = None,
    login: dict[str, str | None] | None = None,
) -> None:
    """Nova's rebuild: the system disk written again from an image (the same or another), a new
    name, description, metadata, access addresses, key pair and user data if given; flavor,
    NICs, volumes and the power state stay."""
    states.require(server, "rebuild")
    if images.lookup(ctx, image_id) is None:
        raise states.invalid(f"Image {image_id} could not be found.")
    ipv4, ipv6 = access_ips
    servers.update(
        tx,
        ctx,
        server,
        name=name,
        description=description,
        access_ipv4=ipv4,
        access_ipv6=ipv6,
        auto_disk_config=auto_disk_config,
    )
    servers.replace_login(tx, ctx, server, login or {})
    if metadata is not None:
        servers.check_metadata(tx, ctx.project.id, metadata)
        server.metadata_ = metadata
    server.image_id = image_id
    server_actions.record(tx, ctx, server.id, "rebuild")
    _begin(ctx, server, "rebuilding", "REBUILD")
    transitions.schedule(tx, ctx, server, "rebuilt", _delay(ctx, "server_rebuild"))


def add_security_group(tx: Session, ctx: RequestContext, server: Server, ref: str) -> None:
    states.require(server, "addSecurityGroup")
    (group_id,) = nics.resolve_groups(tx, ctx, [ref], server.vpc_id)
    current = nics.groups(tx, server)
    if group_id not in current:
        nics.set_groups(tx, ctx, server, [*current, group_id])


def remove_security_group(tx: Session, ctx: RequestContext, server: Server, ref: str) -> None:
    states.require(server, "removeSecurityGroup")
    (group_id,) = nics.resolve_groups(tx, ctx, [ref], server.vpc_id)
    current = nics.groups(tx, server)
    if group_id not in current:
        raise states.invalid(f"Security group {ref} not associated with the instance")
    nics.set_groups(tx, ctx, server, [g for g in current if g != group_id])


def reset_password(
    tx: Session, ctx: RequestContext, server: Server, password: str, *, native: bool, check: bool
) -> None:
    """Nova's changePassword (a running server) or the native reset (running or stopped), with
    the native complexity rules when `check`. The password is kept nowhere."""
    states.require(server, "resetPassword" if native else "changePassword")
    if check:
        passwords.check(password)
    server_actions.record(tx, ctx, server.id, "changePassword")


def lock(tx: Session, ctx: RequestContext, server: Server, locked: bool) -> None:
    """Nova's lock and unlock, in any state; a locked server refuses actions and deletion."""
    server.locked = locked
    server_actions.record(tx, ctx, server.id, "lock" if locked else "unlock")
    server.updated_at = ctx.now()


def create_image(ctx: RequestContext, spec: capture.ImageSpec) -> capture.Started:
    """Nova's createImage: IMS makes the image of the server's system disk."""
    started = capture.create(ctx, spec)
    with ctx.transaction() as tx:
        server_actions.record(tx, ctx, str(spec.instance_id), "createImage")
    return started
