"""The native EIP API: public IPs (v1) and bandwidths (v1, shared ones v2.0).
Creates and updates answer 200, deletes 204."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.vpc import eips, listing, views
from apis.vpc import schemas as s
from apis.vpc.errors import VPC_NATIVE
from emulator.context import ProjectContext

router = APIRouter(route_class=VPC_NATIVE.route_class)
V1, V2 = "/v1/{project_id}", "/v2.0/{project_id}"


@router.post(V1 + "/publicips")
async def create_publicip(body: s.PublicipCreateBody, ctx: ProjectContext) -> dict[str, Any]:
    bandwidth = eips.BandwidthSpec(**body.bandwidth.model_dump())
    with ctx.transaction() as tx:
        row = eips.allocate_publicip(
            tx,
            ctx,
            bandwidth,
            ip_type=body.publicip.type,
            ip_address=body.publicip.ip_address,
            port_id=body.publicip.port_id,
            alias=body.publicip.alias,
            enterprise_project_id=body.enterprise_project_id,
        )
        full = views.publicip(tx, row)
    keys = (
        "id",
        "status",
        "type",
        "public_ip_address",
        "ip_version",
        "bandwidth_size",
        "tenant_id",
        "create_time",
        "enterprise_project_id",
        "alias",
    )
    return {"publicip": {key: full[key] for key in keys}}


@router.get(V1 + "/publicips")
async def list_publicips(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = [views.publicip(tx, r) for r in eips.list_publicips(tx, ctx)]
    return listing.select(request, items, "publicips", links=False)


@router.get(V1 + "/publicips/{publicip_id}")
async def show_publicip(publicip_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"publicip": views.publicip(tx, eips.get_publicip(tx, ctx, publicip_id))}


@router.put(V1 + "/publicips/{publicip_id}")
async def update_publicip(
    publicip_id: str, body: s.PublicipUpdateBody, ctx: ProjectContext
) -> dict[str, Any]:
    """Bind with `{"publicip": {"port_id": X}}`; unbind with `{"publicip": {}}` (what
    golangsdk sends) or `"port_id": null`; `alias` alone renames."""
    fields = body.publicip
    with ctx.transaction() as tx:
        if fields.port_id:
            row = eips.bind_publicip(tx, ctx, publicip_id, fields.port_id)
        elif "port_id" in fields.model_fields_set or not fields.model_fields_set:
            row = eips.unbind_publicip(tx, ctx, publicip_id)
        else:
            row = eips.get_publicip(tx, ctx, publicip_id)
        if fields.alias is not None:
            row.alias = fields.alias
        return {"publicip": views.publicip(tx, row)}


@router.delete(V1 + "/publicips/{publicip_id}", status_code=204)
async def delete_publicip(publicip_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        eips.release_publicip(tx, ctx, publicip_id)
    return Response(status_code=204)


# Bandwidths ------------------------------------------------------------------------------------


@router.get(V1 + "/bandwidths")
async def list_bandwidths(request: Request, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        items = views.bandwidths(tx, eips.list_bandwidths(tx, ctx))
    return listing.select(request, items, "bandwidths", links=False)


@router.get(V1 + "/bandwidths/{bandwidth_id}")
async def show_bandwidth(bandwidth_id: str, ctx: ProjectContext) -> dict[str, Any]:
    with ctx.transaction() as tx:
        return {"bandwidth": views.bandwidths(tx, [eips.get_bandwidth(tx, ctx, bandwidth_id)])[0]}


@router.put(V1 + "/bandwidths/{bandwidth_id}")
@router.put(V2 + "/bandwidths/{bandwidth_id}")
async def update_bandwidth(
    bandwidth_id: str, body: s.BandwidthUpdateBody, ctx: ProjectContext
) -> dict[str, Any]:
    fields = body.bandwidth
    with ctx.transaction() as tx:
        row = eips.update_bandwidth(
            tx,
            ctx,
            bandwidth_id,
            name=fields.name,
            size=fields.size,
            charge_mode=fields.charge_mode,
        )
        return {"bandwidth": views.bandwidths(tx, [row])[0]}


@router.post(V2 + "/bandwidths")
async def create_shared_bandwidth(
    body: s.SharedBandwidthBody, ctx: ProjectContext
) -> dict[str, Any]:
    fields = body.bandwidth
    with ctx.transaction() as tx:
        row = eips.create_shared_bandwidth(
            tx, ctx, name=fields.name, size=fields.size, charge_mode=fields.charge_mode
        )
        return {"bandwidth": views.bandwidths(tx, [row])[0]}


@router.delete(V2 + "/bandwidths/{bandwidth_id}", status_code=204)
async def delete_shared_bandwidth(bandwidth_id: str, ctx: ProjectContext) -> Response:
    with ctx.transaction() as tx:
        eips.delete_shared_bandwidth(tx, ctx, bandwidth_id)
    return Response(status_code=204)


@router.post(V2 + "/bandwidths/{bandwidth_id}/insert")
async def insert_publicips(
    bandwidth_id: str, body: s.BandwidthMembersBody, ctx: ProjectContext
) -> dict[str, Any]:
    members = [ref.publicip_id for ref in body.bandwidth.publicip_info]
    with ctx.transaction() as tx:
        row = eips.insert_publicips(tx, ctx, bandwidth_id, members)
        return {"bandwidth": views.bandwidths(tx, [row])[0]}


@router.post(V2 + "/bandwidths/{bandwidth_id}/remove", status_code=204)
async def remove_publicips(
    bandwidth_id: str, body: s.BandwidthMembersBody, ctx: ProjectContext
) -> Response:
    fields = body.bandwidth
    with ctx.transaction() as tx:
        eips.remove_publicips(
            tx,
            ctx,
            bandwidth_id,
            [ref.publicip_id for ref in fields.publicip_info],
            size=fields.size or eips.MIN_MBITS,
            charge_mode=fields.charge_mode,
        )
    return Response(status_code=204)
