"""Keystone roles as IAM serves them: the system roles, their grants to user groups on a
project, on the account (domain) or on all its projects (OS-INHERIT), and role assignments."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from apis.iam import grants, roles, views
from emulator.context import PrincipalDep, emulator_of, service_url
from emulator.dialects import KEYSTONE
from emulator.errors import BadRequest
from emulator.identity import Principal
from state.models import Project

router = APIRouter(route_class=KEYSTONE.route_class)


@router.get("/v3/roles")
async def list_roles(
    request: Request,
    principal: PrincipalDep,
    name: str | None = None,
    domain_id: str | None = None,
    permission_type: str | None = None,
    display_name: str | None = None,
    type: str | None = None,
    catalog: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    wanted = roles.RoleFilter(name, domain_id, permission_type, display_name, type, catalog)
    found, total = roles.listed(wanted, page, per_page)
    return views.roles(service_url(request), found, total)


@router.get("/v3/roles/{role_id}")
async def show_role(request: Request, role_id: str, principal: PrincipalDep) -> dict[str, Any]:
    return {"role": views.role(service_url(request), roles.role(role_id))}


# Grants to groups ----------------------------------------------------------------------------

_GRANTS = {
    grants.PROJECT: "/v3/projects/{target_id}/groups/{group_id}/roles",
    grants.DOMAIN: "/v3/domains/{target_id}/groups/{group_id}/roles",
    grants.INHERITED: "/v3/OS-INHERIT/domains/{target_id}/groups/{group_id}/roles",
}


def _suffix(kind: str) -> str:
    return "/inherited_to_projects" if kind == grants.INHERITED else ""


def _add_grant_routes(kind: str, path: str) -> None:
    one = path + "/{role_id}" + _suffix(kind)

    def on_one(operation: Callable[..., object]) -> Callable[..., Awaitable[Response]]:
        """A route for one grant (give, check, take back): 204 once `operation` is done."""

        async def route(
            request: Request, target_id: str, group_id: str, role_id: str, principal: PrincipalDep
        ) -> Response:
            with emulator_of(request).db.transaction() as tx:
                operation(tx, principal, grants.Target(kind, target_id), group_id, role_id)
            return Response(status_code=204)

        return route

    async def listed(
        request: Request, target_id: str, group_id: str, principal: PrincipalDep
    ) -> dict[str, Any]:
        base = service_url(request)
        with emulator_of(request).db.transaction() as tx:
            found = grants.group_roles(tx, principal, grants.Target(kind, target_id), group_id)
        body = views.roles(base, found)
        body["links"]["self"] = base + request.url.path
        return body

    router.add_api_route(one, on_one(grants.grant), methods=["PUT"], status_code=204)
    router.add_api_route(one, on_one(grants.check), methods=["HEAD"], status_code=204)
    router.add_api_route(one, on_one(grants.revoke), methods=["DELETE"], status_code=204)
    router.add_api_route(path + _suffix(kind), listed, methods=["GET"])


for _kind, _path in _GRANTS.items():
    _add_grant_routes(_kind, _path)


# Role assignments ----------------------------------------------------------------------------

BoolQuery = Annotated[bool | None, Query()]


def _names(tx: Session, principal: Principal) -> dict[str, str]:
    """Names of the account and its projects by id, for `include_names`."""
    query = select(Project.id, Project.name).where(Project.domain_id == principal.domain_id)
    names = {ident: name for ident, name in tx.execute(query).tuples()}
    names[principal.domain_id] = principal.domain_name
    return names


def _present(value: str | None) -> bool:
    """Keystone's flags given without a value (`?effective`) are true."""
    return value is not None and value.lower() not in ("0", "false", "no")


@router.get("/v3/role_assignments")
async def list_role_assignments(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    query = request.query_params
    if _present(query.get("effective")) and "group.id" in query:
        raise BadRequest(
            "Combining effective and group filter will always result in an empty list."
        )
    inherited = query.get("scope.OS-INHERIT:inherited_to")
    wanted = grants.AssignmentFilter(
        group_id=query.get("group.id"),
        user_id=query.get("user.id"),
        project_id=query.get("scope.project.id"),
        domain_id=query.get("scope.domain.id"),
        role_id=query.get("role.id"),
        effective=_present(query.get("effective")),
        inherited=True if inherited == "projects" else None,
    )
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        found = grants.assignments(tx, principal, wanted)
        names = _names(tx, principal) if _present(query.get("include_names")) else None
    body = views.collection(
        base, "role_assignments", [views.assignment(base, a, names) for a in found]
    )
    body["links"]["self"] = str(request.url)
    return body
