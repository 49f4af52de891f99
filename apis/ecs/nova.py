"""Nova v2.1 (the OpenStack dialect of ECS): extensions, flavors, availability zones, key pairs,
limits, quota sets and server groups. Parses requests, calls the operations, renders Nova's
bodies."""

from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from apis.ecs import extensions, flavors, keypairs, limits, schemas, server_groups, views
from apis.ecs.microversions import MicroversionDep, NovaRoute
from apis.ecs.models import ServerGroup
from emulator import pagination, quotas
from emulator.context import ProjectContext, service_url
from emulator.dialects import json_response
from emulator.errors import BadRequest, NotFound, policy_refusal

router = APIRouter(prefix="/v2.1/{project_id}", route_class=NovaRoute)

_FLAVOR_SORT_KEYS = {
    "flavorid": lambda f: f.id,
    "name": lambda f: f.name,
    "memory_mb": lambda f: f.ram_mb,
    "vcpus": lambda f: f.vcpus,
}


# Extensions ----------------------------------------------------------------------------------


@router.get("/extensions")
async def list_extensions(ctx: ProjectContext) -> dict[str, Any]:
    return {"extensions": extensions.listed()}


@router.get("/extensions/{alias}")
async def show_extension(alias: str, ctx: ProjectContext) -> dict[str, Any]:
    extension = extensions.get(alias)
    if extension is None:
        raise NotFound("The resource could not be found.")
    return {"extension": extension}


# Flavors -------------------------------------------------------------------------------------


def _chosen_flavors(
    min_ram: int,
    min_disk: int,
    is_public: str,
    sort_key: str,
    sort_dir: str,
    limit: int | None,
    marker: str | None,
) -> list[flavors.Flavor]:
    if sort_key not in _FLAVOR_SORT_KEYS or sort_dir not in ("asc", "desc"):
        raise BadRequest(f"Invalid sort_key {sort_key} or sort_dir {sort_dir}.")
    if is_public.lower() not in ("true", "t", "yes", "1", "false", "f", "no", "0", "none"):
        raise BadRequest(f"Invalid is_public filter [{is_public}]")
    chosen = flavors.listed(min_ram=min_ram, min_disk=min_disk)
    if is_public.lower() in ("false", "f", "no", "0"):
        chosen = []  # every Flexible Engine flavor is public
    chosen.sort(key=_FLAVOR_SORT_KEYS[sort_key], reverse=sort_dir == "desc")
    chosen = pagination.after_marker(chosen, marker, lambda flavor: flavor.id)
    if limit is not None:
        if limit < 0:
            raise BadRequest("limit must be a non-negative integer.")
        chosen = chosen[:limit]
    return chosen


def _flavor_list(
    request: Request, project_id: str, version: MicroversionDep, detail: bool, **query: Any
) -> dict[str, Any]:
    chosen = _chosen_flavors(**query)
    base = service_url(request)
    body: dict[str, Any] = {
        "flavors": [
            views.nova_flavor(flavor, version, base, project_id, detail=detail) for flavor in chosen
        ]
    }
    if query["limit"] and chosen and len(chosen) == query["limit"]:
        collection = "flavors/detail" if detail else "flavors"
        body["flavors_links"] = views.nova_next_links(
            request, project_id, collection, chosen[-1].id
        )
    return body


@router.get("/flavors")
@router.get("/flavors/detail")
async def list_flavors(
    request: Request,
    ctx: ProjectContext,
    version: MicroversionDep,
    minRam: int = 0,  # noqa: N803 - Nova's query parameter names
    minDisk: int = 0,  # noqa: N803
    is_public: str = "true",
    sort_key: str = "flavorid",
    sort_dir: str = "asc",
    limit: int | None = None,
    marker: str | None = None,
) -> dict[str, Any]:
    return _flavor_list(
        request,
        ctx.project.id,
        version,
        request.url.path.endswith("/detail"),
        min_ram=minRam,
        min_disk=minDisk,
        is_public=is_public,
        sort_key=sort_key,
        sort_dir=sort_dir,
        limit=limit,
        marker=marker,
    )


@router.get("/flavors/{flavor_id}")
async def show_flavor(
    request: Request, flavor_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    flavor = flavors.get(flavor_id)
    base = service_url(request)
    return {"flavor": views.nova_flavor(flavor, version, base, ctx.project.id, detail=True)}


@router.get("/flavors/{flavor_id}/os-extra_specs")
async def list_extra_specs(flavor_id: str, ctx: ProjectContext) -> dict[str, Any]:
    region = ctx.emulator.topology.region(ctx.region)
    return {"extra_specs": flavors.get(flavor_id).extra_specs(region)}


@router.get("/flavors/{flavor_id}/os-extra_specs/{key}")
async def show_extra_spec(flavor_id: str, key: str, ctx: ProjectContext) -> dict[str, Any]:
    specs = flavors.get(flavor_id).extra_specs(ctx.emulator.topology.region(ctx.region))
    if key not in specs:
        raise NotFound(f"Flavor {flavor_id} has no extra specs with key {key}.")
    return {key: specs[key]}


@router.post("/flavors")
@router.delete("/flavors/{flavor_id}")
@router.post("/flavors/{flavor_id}/os-extra_specs")
async def manage_flavors(ctx: ProjectContext) -> None:
    """The flavor catalogue is the cloud's: tenants cannot change it."""
    raise policy_refusal("os_compute_api:os-flavor-manage")


# Availability zones --------------------------------------------------------------------------


@router.get("/os-availability-zone")
async def list_zones(ctx: ProjectContext) -> dict[str, Any]:
    zones = ctx.emulator.topology.region(ctx.region).zones
    return {"availabilityZoneInfo": [views.nova_zone(zone) for zone in zones]}


@router.get("/os-availability-zone/detail")
async def list_zones_detail(ctx: ProjectContext) -> None:
    raise policy_refusal("os_compute_api:os-availability-zone:detail")


# Key pairs -----------------------------------------------------------------------------------


@router.post("/os-keypairs")
async def create_keypair(
    body: schemas.NovaKeypairCreateRequest, ctx: ProjectContext, version: MicroversionDep
) -> Response:
    spec = body.keypair
    if spec.type is not None and not version.at_least("2.2"):
        raise BadRequest("Additional properties are not allowed ('type' was unexpected)")
    if spec.user_id is not None and spec.user_id != ctx.principal.user_id:
        raise policy_refusal("os_compute_api:os-keypairs:create")
    with ctx.transaction() as tx:
        created = keypairs.create(
            tx, ctx, name=spec.name, key_type=spec.type or "ssh", public_key=spec.public_key
        )
        keypair = views.nova_keypair(
            created.keypair, version, shape="created", private_key=created.private_key
        )
    status = 201 if version.at_least("2.2") else 200
    return json_response(status, {"keypair": keypair})


@router.get("/os-keypairs")
async def list_keypairs(
    request: Request,
    ctx: ProjectContext,
    version: MicroversionDep,
    limit: int | None = None,
    marker: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    if user_id is not None and user_id != ctx.principal.user_id:
        raise policy_refusal("os_compute_api:os-keypairs:index")
    if (limit is not None or marker is not None) and not version.at_least("2.35"):
        limit = marker = None  # paging arrived with 2.35; older versions ignore it
    with ctx.transaction() as tx:
        rows = keypairs.listed(tx, ctx, limit=limit, marker=marker)
        body: dict[str, Any] = {
            "keypairs": [
                {"keypair": views.nova_keypair(row, version, shape="listed")} for row in rows
            ]
        }
    if limit and len(rows) == limit:
        body["keypairs_links"] = views.nova_next_links(
            request, ctx.project.id, "os-keypairs", rows[-1].name
        )
    return body


@router.get("/os-keypairs/{name}")
async def show_keypair(name: str, ctx: ProjectContext, version: MicroversionDep) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"keypair": views.nova_keypair(keypairs.get(tx, ctx, name), version, shape="shown")}


@router.delete("/os-keypairs/{name}")
async def delete_keypair(name: str, ctx: ProjectContext, version: MicroversionDep) -> Response:
    with ctx.transaction() as tx:
        keypairs.delete(tx, ctx, name)
    return Response(status_code=204 if version.at_least("2.2") else 202)


# Limits and quota sets -----------------------------------------------------------------------


@router.get("/limits")
async def show_limits(
    ctx: ProjectContext,
    version: MicroversionDep,
    tenant_id: str | None = None,
    reserved: str | None = None,
) -> dict[str, Any]:
    if tenant_id is not None and tenant_id != ctx.project.id:
        raise policy_refusal("os_compute_api:limits:other_project")
    hidden: frozenset[str] = frozenset()
    if version.at_least("2.36"):
        hidden |= limits.PROXIED_NETWORK_LIMITS
    if version.at_least("2.57"):
        hidden |= limits.PERSONALITY_LIMITS
    with ctx.transaction() as tx:
        absolute = limits.absolute(tx, ctx.project.id, hidden=hidden)
    return {"limits": {"rate": [], "absolute": absolute}}


def _hidden_quotas(version: MicroversionDep) -> frozenset[str]:
    hidden: frozenset[str] = frozenset()
    if version.at_least("2.36"):
        hidden |= limits.PROXIED_NETWORK_QUOTAS
    if version.at_least("2.57"):
        hidden |= limits.PERSONALITY_QUOTAS
    return hidden


def _own_tenant(ctx: ProjectContext, tenant_id: str, rule: str) -> None:
    if tenant_id != ctx.project.id:
        raise policy_refusal(f"os_compute_api:os-quota-sets:{rule}")


@router.get("/os-quota-sets/{tenant_id}")
async def show_quota_set(
    tenant_id: str, ctx: ProjectContext, version: MicroversionDep, user_id: str | None = None
) -> dict[str, Any]:
    _own_tenant(ctx, tenant_id, "show")
    with ctx.transaction() as tx:
        values = limits.quota_set(quotas.limits(tx, tenant_id), hidden=_hidden_quotas(version))
    return {"quota_set": {"id": tenant_id, **values}}


@router.get("/os-quota-sets/{tenant_id}/defaults")
async def show_default_quota_set(
    tenant_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    _own_tenant(ctx, tenant_id, "defaults")
    values = limits.quota_set(quotas.defaults(), hidden=_hidden_quotas(version))
    return {"quota_set": {"id": tenant_id, **values}}


@router.get("/os-quota-sets/{tenant_id}/detail")
async def show_quota_set_detail(
    tenant_id: str, ctx: ProjectContext, version: MicroversionDep, user_id: str | None = None
) -> dict[str, Any]:
    _own_tenant(ctx, tenant_id, "detail")
    with ctx.transaction() as tx:
        detail = limits.quota_set_detail(tx, tenant_id, hidden=_hidden_quotas(version))
    return {"quota_set": {"id": tenant_id, **detail}}


@router.put("/os-quota-sets/{tenant_id}")
@router.delete("/os-quota-sets/{tenant_id}")
async def change_quota_set(tenant_id: str, ctx: ProjectContext) -> None:
    """Quotas change on request to the operator (the emulator's admin API), never by tenants."""
    raise policy_refusal("os_compute_api:os-quota-sets:update")


# Server groups -------------------------------------------------------------------------------


@router.post("/os-server-groups")
async def create_server_group(
    body: schemas.ServerGroupCreateRequest, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        group = server_groups.create(
            tx, ctx, name=body.server_group.name, policies=body.server_group.policies
        )
        return {"server_group": _nova_groups(tx, [group], version)[0]}


def _nova_groups(
    tx: Session, groups: list[ServerGroup], version: MicroversionDep
) -> list[dict[str, Any]]:
    members = server_groups.members(tx, [group.id for group in groups])
    owner = version.at_least("2.13")
    return [views.server_group(g, members[g.id], with_owner=owner) for g in groups]


@router.get("/os-server-groups")
async def list_server_groups(
    ctx: ProjectContext,
    version: MicroversionDep,
    limit: int | None = None,
    offset: int = 0,
    all_projects: str | None = None,
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        page = pagination.offset_page(
            tx,
            server_groups.of_project(ctx),
            ServerGroup,
            offset=offset,
            limit=limit,
        )
        return {"server_groups": _nova_groups(tx, page.items, version)}


@router.get("/os-server-groups/{group_id}")
async def show_server_group(
    group_id: str, ctx: ProjectContext, version: MicroversionDep
) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {
            "server_group": _nova_groups(tx, [server_groups.get(tx, ctx, group_id)], version)[0]
        }


@router.delete("/os-server-groups/{group_id}", status_code=204)
async def delete_server_group(group_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        server_groups.delete(tx, ctx, group_id)
    return Response(status_code=204)
