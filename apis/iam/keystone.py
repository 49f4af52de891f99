"""Keystone v3 as Flexible Engine serves it: tokens, projects, regions, domains, users, groups."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from apis.iam import catalog as catalog_module
from apis.iam import directory, grants, keystone_credentials, schemas, tokens, views
from apis.iam.accounts import region_names
from apis.iam.roles import Role
from emulator.context import PrincipalDep, emulator_of, host_url, service_url
from emulator.dialects import KEYSTONE, json_response
from emulator.errors import Forbidden, NotFound
from emulator.identity import Principal
from state.models import Project

router = APIRouter(route_class=KEYSTONE.route_class)

_MEDIA = [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]
_UPDATED = "2020-04-07T00:00:00Z"


def _version(request: Request) -> dict[str, Any]:
    return {
        "id": "v3.6",
        "status": "stable",
        "updated": _UPDATED,
        "media-types": _MEDIA,
        "links": [{"rel": "self", "href": service_url(request) + "/v3/"}],
    }


@router.get("/")
async def versions(request: Request) -> Response:
    return json_response(300, {"versions": {"values": [_version(request)]}})


@router.get("/v3")
@router.get("/v3/")
async def version(request: Request) -> dict[str, Any]:
    return {"version": _version(request)}


# Tokens --------------------------------------------------------------------------------------


def _token_response(
    request: Request, tx: Session, issued: tokens.IssuedToken, status: int, nocatalog: bool
) -> Response:
    catalog: list[dict[str, Any]] | None = None
    granted: list[Role] = []
    if issued.project is None and issued.scope_domain is None:
        catalog = None if nocatalog else []
    else:
        if not nocatalog:
            regions = region_names(tx, issued.domain.id)
            catalog = catalog_module.catalog(host_url(request), issued.project, regions)
        scope = (
            grants.Target(grants.PROJECT, issued.project.id)
            if issued.project is not None
            else grants.Target(grants.DOMAIN, issued.domain.id)
        )
        granted = grants.token_roles(tx, issued.user.id, scope, issued.domain.id, issued.is_admin)
    return json_response(
        status, views.token(issued, catalog, granted), headers={"X-Subject-Token": issued.token}
    )


def _flag(value: str | None) -> bool:
    return value is not None and value.lower() not in ("0", "false", "no")


@router.post("/v3/auth/tokens")
async def issue_token(
    request: Request, body: schemas.AuthRequest, nocatalog: str | None = None
) -> Response:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        issued = tokens.issue(tx, emulator, body.auth, request.headers.get("x-auth-token"))
        return _token_response(request, tx, issued, 201, _flag(nocatalog))


def _subject(request: Request) -> str:
    subject = request.headers.get("x-subject-token")
    if not subject:
        raise NotFound("Could not find token: X-Subject-Token is missing.")
    return subject


@router.get("/v3/auth/tokens")
async def validate_token(
    request: Request, principal: PrincipalDep, nocatalog: str | None = None
) -> Response:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        issued = tokens.describe(tx, _subject(request), emulator.clock.now())
        _same_account(principal, issued)
        return _token_response(request, tx, issued, 200, _flag(nocatalog))


@router.head("/v3/auth/tokens")
async def check_token(request: Request, principal: PrincipalDep) -> Response:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        issued = tokens.describe(tx, _subject(request), emulator.clock.now())
        _same_account(principal, issued)
    return Response(status_code=200, headers={"X-Subject-Token": issued.token})


@router.delete("/v3/auth/tokens")
async def revoke_token(request: Request, principal: PrincipalDep) -> Response:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        issued = tokens.describe(tx, _subject(request), emulator.clock.now())
        _same_account(principal, issued)
        tokens.revoke(tx, issued.token, emulator.clock.now())
    return Response(status_code=204)


def _same_account(principal: Principal, issued: tokens.IssuedToken) -> None:
    if issued.domain.id != principal.domain_id:
        raise NotFound("Could not find token.")


@router.get("/v3/auth/projects")
async def auth_projects(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.usable_projects(tx, principal)
        return views.collection(base, "projects", [views.project(base, r) for r in rows])


@router.get("/v3/auth/domains")
async def auth_domains(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.domains(tx, principal)
        return views.collection(base, "domains", [views.domain(base, r) for r in rows])


@router.get("/v3/auth/catalog")
async def auth_catalog(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    emulator = emulator_of(request)
    project_id = principal.scope_project_id or request.headers.get("x-project-id")
    with emulator.db.transaction() as tx:
        project = directory.project(tx, principal, project_id) if project_id else None
        if principal.token is not None and project is None and principal.token.domain_id is None:
            raise Forbidden("The token is not scoped: it has no catalog.")
        regions = region_names(tx, principal.domain_id)
    return {
        "catalog": catalog_module.catalog(host_url(request), project, regions),
        "links": {"self": service_url(request) + "/v3/auth/catalog"},
    }


def _services(
    request: Request, type: str | None = None, name: str | None = None
) -> list[dict[str, Any]]:
    base = service_url(request)
    return [
        {**entry, "links": views.link(base, "services", entry["id"])}
        for entry in catalog_module.service_list(type, name)
    ]


@router.get("/v3/services")
async def list_services(
    request: Request, principal: PrincipalDep, type: str | None = None, name: str | None = None
) -> dict[str, Any]:
    return views.collection(service_url(request), "services", _services(request, type, name))


@router.get("/v3/services/{service_id}")
async def show_service(
    request: Request, service_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    for entry in _services(request):
        if entry["id"] == service_id:
            return {"service": entry}
    raise NotFound(f"Could not find service: {service_id}.")


def _endpoints(
    request: Request,
    principal: Principal,
    interface: str | None = None,
    service_id: str | None = None,
    region_id: str | None = None,
) -> list[dict[str, Any]]:
    with emulator_of(request).db.transaction() as tx:
        regions = region_names(tx, principal.domain_id)
    base = service_url(request)
    return [
        {**entry, "links": views.link(base, "endpoints", entry["id"])}
        for entry in catalog_module.endpoint_list(
            host_url(request),
            regions,
            interface=interface,
            service_id=service_id,
            region_id=region_id,
        )
    ]


@router.get("/v3/endpoints")
async def list_endpoints(
    request: Request,
    principal: PrincipalDep,
    interface: str | None = None,
    service_id: str | None = None,
    region_id: str | None = None,
) -> dict[str, Any]:
    endpoints = _endpoints(request, principal, interface, service_id, region_id)
    return views.collection(service_url(request), "endpoints", endpoints)


@router.get("/v3/endpoints/{endpoint_id}")
async def show_endpoint(
    request: Request, endpoint_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    for entry in _endpoints(request, principal):
        if entry["id"] == endpoint_id:
            return {"endpoint": entry}
    raise NotFound(f"Could not find endpoint: {endpoint_id}.")


# Regions and domains -------------------------------------------------------------------------


@router.get("/v3/regions")
async def list_regions(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    base = service_url(request)
    regions = emulator_of(request).topology.regions.values()
    return views.collection(base, "regions", [views.region(base, r) for r in regions])


@router.get("/v3/regions/{region_id}")
async def show_region(request: Request, region_id: str, principal: PrincipalDep) -> dict[str, Any]:
    region = emulator_of(request).topology.regions.get(region_id)
    if region is None:
        raise NotFound(f"Could not find region: {region_id}.")
    return {"region": views.region(service_url(request), region)}


@router.get("/v3/domains")
async def list_domains(
    request: Request, principal: PrincipalDep, name: str | None = None
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.domains(tx, principal, name)
        return views.collection(base, "domains", [views.domain(base, r) for r in rows])


@router.get("/v3/domains/{domain_id}")
async def show_domain(request: Request, domain_id: str, principal: PrincipalDep) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        return {
            "domain": views.domain(service_url(request), directory.domain(tx, principal, domain_id))
        }


# Projects ------------------------------------------------------------------------------------

BoolQuery = Annotated[bool | None, Query()]


@router.get("/v3/projects")
async def list_projects(
    request: Request,
    principal: PrincipalDep,
    name: str | None = None,
    domain_id: str | None = None,
    parent_id: str | None = None,
    enabled: BoolQuery = None,
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.list_projects(
            tx, principal, name=name, domain_id=domain_id, parent_id=parent_id, enabled=enabled
        )
        return views.collection(base, "projects", [views.project(base, r) for r in rows])


@router.post("/v3/projects", status_code=201)
async def create_project(
    request: Request, body: schemas.ProjectCreateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        row = directory.create_project(tx, principal, body.project, emulator.clock.now())
        return {"project": views.project(service_url(request), row)}


@router.get("/v3/projects/{project_id}")
async def show_project(
    request: Request,
    project_id: str,
    principal: PrincipalDep,
    parents_as_ids: str | None = None,
    parents_as_list: str | None = None,
    subtree_as_ids: str | None = None,
    subtree_as_list: str | None = None,
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        row: Project = directory.project(tx, principal, project_id)
        shown = views.project(base, row)
        if _flag(parents_as_ids):
            shown["parents"] = views.parents_as_ids(directory.parents(tx, principal, row))
        elif _flag(parents_as_list):
            shown["parents"] = views.projects_as_list(base, directory.parents(tx, principal, row))
        if _flag(subtree_as_ids):
            shown["subtree"] = views.subtree_as_ids(row, directory.subtree(tx, row))
        elif _flag(subtree_as_list):
            shown["subtree"] = views.projects_as_list(base, directory.subtree(tx, row))
        return {"project": shown}


@router.patch("/v3/projects/{project_id}")
async def update_project(
    request: Request,
    project_id: str,
    body: schemas.ProjectUpdateRequest,
    principal: PrincipalDep,
) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        row = directory.update_project(tx, principal, project_id, body.project)
        return {"project": views.project(service_url(request), row)}


# Users ---------------------------------------------------------------------------------------


@router.get("/v3/users")
async def list_users(
    request: Request,
    principal: PrincipalDep,
    name: str | None = None,
    domain_id: str | None = None,
    enabled: BoolQuery = None,
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.users(tx, principal, name=name, domain_id=domain_id, enabled=enabled)
        return views.collection(base, "users", [views.user(base, r) for r in rows])


@router.post("/v3/users", status_code=201)
async def create_user(
    request: Request, body: schemas.UserCreateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        row = directory.create_user(tx, principal, body.user, emulator.clock.now())
        return {"user": views.user(service_url(request), row)}


@router.get("/v3/users/{user_id}")
async def show_user(request: Request, user_id: str, principal: PrincipalDep) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        return {"user": views.user(service_url(request), directory.user(tx, principal, user_id))}


@router.patch("/v3/users/{user_id}")
async def update_user(
    request: Request, user_id: str, body: schemas.UserUpdateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        row = directory.update_user(tx, principal, user_id, body.user, emulator.clock.now())
        return {"user": views.user(service_url(request), row)}


@router.post("/v3/users/{user_id}/password", status_code=204)
async def change_password(
    request: Request, user_id: str, body: schemas.PasswordChangeRequest, principal: PrincipalDep
) -> Response:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        directory.change_password(tx, principal, user_id, body.user, emulator.clock.now())
    return Response(status_code=204)


@router.delete("/v3/users/{user_id}", status_code=204)
async def delete_user(request: Request, user_id: str, principal: PrincipalDep) -> Response:
    with emulator_of(request).db.transaction() as tx:
        directory.delete_user(tx, principal, user_id)
    return Response(status_code=204)


@router.get("/v3/users/{user_id}/groups")
async def list_user_groups(
    request: Request, user_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.user_groups(tx, principal, user_id)
        return views.collection(base, "groups", [views.group(base, r) for r in rows])


@router.get("/v3/users/{user_id}/projects")
async def list_user_projects(
    request: Request, user_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.user_projects(tx, principal, user_id)
        return views.collection(base, "projects", [views.project(base, r) for r in rows])


# Groups --------------------------------------------------------------------------------------


@router.get("/v3/groups")
async def list_groups(
    request: Request,
    principal: PrincipalDep,
    name: str | None = None,
    domain_id: str | None = None,
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.groups(tx, principal, name=name, domain_id=domain_id)
        return views.collection(base, "groups", [views.group(base, r) for r in rows])


@router.post("/v3/groups", status_code=201)
async def create_group(
    request: Request, body: schemas.GroupCreateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        row = directory.create_group(tx, principal, body.group, emulator.clock.now())
        return {"group": views.group(service_url(request), row)}


@router.get("/v3/groups/{group_id}")
async def show_group(request: Request, group_id: str, principal: PrincipalDep) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        return {
            "group": views.group(service_url(request), directory.group(tx, principal, group_id))
        }


@router.patch("/v3/groups/{group_id}")
async def update_group(
    request: Request, group_id: str, body: schemas.GroupUpdateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        row = directory.update_group(tx, principal, group_id, body.group)
        return {"group": views.group(service_url(request), row)}


@router.delete("/v3/groups/{group_id}", status_code=204)
async def delete_group(request: Request, group_id: str, principal: PrincipalDep) -> Response:
    with emulator_of(request).db.transaction() as tx:
        directory.delete_group(tx, principal, group_id)
    return Response(status_code=204)


@router.get("/v3/groups/{group_id}/users")
async def list_group_users(
    request: Request, group_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = directory.group_users(tx, principal, group_id)
        return views.collection(base, "users", [views.user(base, r) for r in rows])


@router.put("/v3/groups/{group_id}/users/{user_id}", status_code=204)
async def add_group_member(
    request: Request, group_id: str, user_id: str, principal: PrincipalDep
) -> Response:
    with emulator_of(request).db.transaction() as tx:
        directory.add_member(tx, principal, group_id, user_id)
    return Response(status_code=204)


@router.head("/v3/groups/{group_id}/users/{user_id}", status_code=204)
async def check_group_member(
    request: Request, group_id: str, user_id: str, principal: PrincipalDep
) -> Response:
    with emulator_of(request).db.transaction() as tx:
        if not directory.is_member(tx, principal, group_id, user_id):
            raise NotFound(f"User {user_id} is not a member of group {group_id}.")
    return Response(status_code=204)


@router.delete("/v3/groups/{group_id}/users/{user_id}", status_code=204)
async def remove_group_member(
    request: Request, group_id: str, user_id: str, principal: PrincipalDep
) -> Response:
    with emulator_of(request).db.transaction() as tx:
        directory.remove_member(tx, principal, group_id, user_id)
    return Response(status_code=204)


# Credentials ---------------------------------------------------------------------------------


def _credential_fields(
    body: schemas.KeystoneCredentialCreate | schemas.KeystoneCredentialUpdate,
) -> keystone_credentials.CredentialFields:
    return keystone_credentials.CredentialFields(
        user_id=body.user_id, type=body.type, blob=body.blob, project_id=body.project_id
    )


@router.post("/v3/credentials", status_code=201)
async def create_credential(
    request: Request, body: schemas.KeystoneCredentialCreateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    fields = _credential_fields(body.credential)
    with emulator_of(request).db.transaction() as tx:
        row = keystone_credentials.create(tx, principal, fields)
        return {"credential": views.keystone_credential(service_url(request), row)}


@router.get("/v3/credentials")
async def list_credentials(
    request: Request,
    principal: PrincipalDep,
    user_id: str | None = None,
    type: str | None = None,
) -> dict[str, Any]:
    base = service_url(request)
    with emulator_of(request).db.transaction() as tx:
        rows = keystone_credentials.listed(tx, principal, user_id, type)
        return views.collection(
            base, "credentials", [views.keystone_credential(base, r) for r in rows]
        )


@router.get("/v3/credentials/{credential_id}")
async def show_credential(
    request: Request, credential_id: str, principal: PrincipalDep
) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        row = keystone_credentials.get(tx, principal, credential_id)
        return {"credential": views.keystone_credential(service_url(request), row)}


@router.patch("/v3/credentials/{credential_id}")
async def update_credential(
    request: Request,
    credential_id: str,
    body: schemas.KeystoneCredentialUpdateRequest,
    principal: PrincipalDep,
) -> dict[str, Any]:
    changes = _credential_fields(body.credential)
    with emulator_of(request).db.transaction() as tx:
        row = keystone_credentials.update(tx, principal, credential_id, changes)
        return {"credential": views.keystone_credential(service_url(request), row)}


@router.delete("/v3/credentials/{credential_id}", status_code=204)
async def delete_credential(
    request: Request, credential_id: str, principal: PrincipalDep
) -> Response:
    with emulator_of(request).db.transaction() as tx:
        keystone_credentials.delete(tx, principal, credential_id)
    return Response(status_code=204)
