"""Neutron's standard-attr-tag extension: string tags on networks, subnets, ports, routers,
security groups and floating IPs, `/v2.0/{collection}/{id}/tags[/{tag}]`, and the `tags`,
`tags-any`, `not-tags`, `not-tags-any` list filters (applied by `listing`).

One tag store with the native API (`emulator.tags`): a network's tags are its native subnet's,
a router's its VPC's, a floating IP's its EIP's. A Neutron tag is stored as a key without a
value; a native tag with a value reads in Neutron as `key=value`.
"""

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from apis.vpc import eips, ports, security, subnets, vpcs
from apis.vpc import schemas as s
from apis.vpc.errors import invalid
from emulator import tags
from emulator.context import RequestContext, ScopedContext
from emulator.dialects import NEUTRON
from emulator.errors import NotFound

MAX_TAGS, MAX_TAG_LEN = 50, 255

router = APIRouter(route_class=NEUTRON.route_class)

Finder = Callable[[Session, RequestContext, str], Any]
# Neutron collection -> (tag resource type, lookup that raises the resource's 404)
COLLECTIONS: dict[str, tuple[str, Finder]] = {
    "networks": (subnets.TAG_TYPE, subnets.get_network),
    "subnets": (subnets.NEUTRON_SUBNET_TAG_TYPE, subnets.get_subnet),
    "ports": (ports.TAG_TYPE, ports.get_port),
    "routers": (vpcs.TAG_TYPE, vpcs.get_vpc),
    "security-groups": (security.TAG_TYPE, security.get_group),
    "floatingips": (eips.TAG_TYPE, eips.get_publicip),
}


def as_strings(stored: Mapping[str, str]) -> list[str]:
    return sorted(key if not value else f"{key}={value}" for key, value in stored.items())


def attach(tx: Session, collection: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill the `tags` of rendered objects of a collection, in one query."""
    found = tags.of_many(tx, COLLECTIONS[collection][0], [item["id"] for item in items])
    for item in items:
        item["tags"] = as_strings(found.get(item["id"], {}))
    return items


def _resolve(tx: Session, ctx: RequestContext, collection: str, resource_id: str) -> str:
    resource_type, find = COLLECTIONS[collection]
    find(tx, ctx, resource_id)
    return resource_type


def _checked(values: list[str]) -> dict[str, str]:
    for tag in values:
        if not tag or len(tag) > MAX_TAG_LEN:
            raise invalid("vpc", f"'{tag}' is not a valid tag: 1 to {MAX_TAG_LEN} characters.")
    if len(set(values)) != len(values):
        raise invalid("vpc", f"Duplicate items in the list: '{', '.join(values)}'")
    return dict.fromkeys(values, "")


def _stored_keys(tx: Session, resource_type: str, resource_id: str, tag: str) -> list[str]:
    """The stored keys that read as `tag` (the key itself, or `key=value`)."""
    stored = tags.of(tx, resource_type, resource_id)
    return [key for key, value in stored.items() if as_strings({key: value}) == [tag]]


def _put(
    tx: Session, ctx: RequestContext, resource_type: str, resource_id: str, values: dict[str, str]
) -> None:
    tags.put(
        tx,
        project_id=ctx.project.id,
        resource_type=resource_type,
        resource_id=resource_id,
        tags=values,
        codes={"neutron": "InvalidInput"},
        limit=MAX_TAGS,
    )


def _tag_not_found(tag: str) -> NotFound:
    return NotFound(f"Tag {tag} could not be found.", codes={"neutron": "TagNotFound"})


def _add_routes(collection: str) -> None:
    """The tag routes of one collection (literal paths, so that they never shadow the native
    `/v2.0/{project_id}/{kind}/...` tag routes)."""
    path = f"/v2.0/{collection}/{{resource_id}}/tags"

    @router.get(path)
    async def list_tags(resource_id: str, ctx: ScopedContext) -> dict[str, Any]:
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            return {"tags": as_strings(tags.of(tx, resource_type, resource_id))}

    @router.put(path)
    async def replace_tags(
        resource_id: str, body: s.NeutronTags, ctx: ScopedContext
    ) -> dict[str, Any]:
        values = _checked(body.tags)
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            tags.remove_all(tx, resource_type, resource_id)
            _put(tx, ctx, resource_type, resource_id, values)
        return {"tags": body.tags}

    @router.delete(path, status_code=204)
    async def delete_tags(resource_id: str, ctx: ScopedContext) -> Response:
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            tags.remove_all(tx, resource_type, resource_id)
        return Response(status_code=204)

    @router.get(path + "/{tag}", status_code=204)
    async def check_tag(resource_id: str, tag: str, ctx: ScopedContext) -> Response:
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            if not _stored_keys(tx, resource_type, resource_id, tag):
                raise _tag_not_found(tag)
        return Response(status_code=204)

    @router.put(path + "/{tag}", status_code=201)
    async def add_tag(resource_id: str, tag: str, ctx: ScopedContext) -> Response:
        values = _checked([tag])
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            if not _stored_keys(tx, resource_type, resource_id, tag):
                _put(tx, ctx, resource_type, resource_id, values)
        return Response(status_code=201)

    @router.delete(path + "/{tag}", status_code=204)
    async def delete_tag(resource_id: str, tag: str, ctx: ScopedContext) -> Response:
        with ctx.transaction() as tx:
            resource_type = _resolve(tx, ctx, collection, resource_id)
            keys = _stored_keys(tx, resource_type, resource_id, tag)
            if not keys:
                raise _tag_not_found(tag)
            tags.remove(tx, resource_type, resource_id, keys)
        return Response(status_code=204)


for _collection in COLLECTIONS:
    _add_routes(_collection)
