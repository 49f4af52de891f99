"""The request context handed to routers: who calls, for which project and region.

Routers declare what they need as `Annotated` dependencies:
- `PrincipalDep`: an authenticated caller (IAM's own endpoints);
- `ProjectContext`: a caller acting on the `{project_id}` of the path (Nova, Cinder, native APIs);
- `ScopedContext`: a caller acting on the project of its token or `X-Project-Id` (Neutron, Glance).
Cross-tenant access is impossible by construction: operations receive a context whose project
belongs to the caller, and every query filters on `ctx.project.id`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from emulator import identity
from emulator.dialects import IAM, KEYSTONE, Dialect
from emulator.errors import ApiError, Forbidden, NotFound, Unauthorized
from emulator.identity import Principal
from state.models import Project
from state.prepared import Prepared

if TYPE_CHECKING:
    from emulator.app import Emulator


@dataclass(frozen=True)
class ProjectRef:
    id: str
    name: str
    domain_id: str
    region: str


@dataclass
class RequestContext:
    emulator: "Emulator"
    principal: Principal
    project: ProjectRef
    request_id: str

    @property
    def region(self) -> str:
        return self.project.region

    def now(self) -> datetime:
        return self.emulator.clock.now()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.emulator.db.transaction() as tx:
            yield tx


def emulator_of(request: Request) -> "Emulator":
    return request.scope["flexemu.emulator"]


def host_url(request: Request) -> str:
    """scheme://host[:port] as the client reached us: the base of every link we print."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}"


def service_url(request: Request) -> str:
    """host_url plus the service prefix the client used ("/iam"), if any."""
    return host_url(request) + request.scope.get("root_path", "")


def request_id_of(request: Request) -> str:
    return request.scope.setdefault("flexemu.request_id", "")


def _token_errors_as_gateway(request: Request, error: ApiError) -> ApiError:
    """Outside IAM, a bad token is refused by the API gateway, in its words."""
    dialect: Dialect | None = request.scope.get("flexemu.dialect")
    if error.render_as is None and dialect not in (KEYSTONE, IAM):
        error.render_as = "apigw"
    return error


async def authenticate(request: Request) -> Principal:
    emulator = emulator_of(request)
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.scope["headers"]
    }
    token = headers.get("x-auth-token")
    try:
        if headers.get("authorization", "").startswith("SDK-HMAC-SHA256"):
            signed = identity.SignedRequest(
                method=request.method,
                path=request.scope["flexemu.route"].original_path,
                query_string=request.scope.get("query_string", b"").decode("latin-1"),
                headers=headers,
                body=await request.body(),
            )
            skew = timedelta(minutes=emulator.settings.signature_skew_minutes)
            with emulator.db.transaction() as tx:
                return identity.from_signature(tx, signed, emulator.clock.now(), skew)
        if token:
            with emulator.db.statements() as connection:
                return identity.caller_of_token(connection, token, emulator.clock.now())
    except ApiError as error:
        raise _token_errors_as_gateway(request, error) from None
    raise _token_errors_as_gateway(
        request,
        Unauthorized(
            "The request you have made requires authentication.",
            codes={"apigw": "APIGW.0301"},
            messages={"apigw": "Incorrect IAM authentication information: x-auth-token not found"},
        ),
    )


PrincipalDep = Annotated[Principal, Depends(authenticate)]


def _check_scope(principal: Principal, project_id: str) -> None:
    scope_project = principal.scope_project_id
    if principal.token is not None and scope_project is None:
        raise Forbidden("The token is not scoped to a project.", codes={"huawei": "Ecs.0023"})
    if scope_project is not None and scope_project != project_id:
        raise Forbidden(
            "The project in the request does not match the token's project.",
            codes={"huawei": "Ecs.0023", "vpc": "VPC.0007"},
            statuses={"vpc": 400},  # VPC API reference, "Error Codes"
            messages={"vpc": "urlTenantId is not equal tokenTenantId"},
        )


def _context_of(
    request: Request, principal: Principal, project_id: str, project: ProjectRef | None
) -> RequestContext:
    """The context, once the caller may act on `project_id` (`project`: None if unknown)."""
    if project is None or project.domain_id != principal.domain_id:
        raise NotFound(f"Could not find project: {project_id}.")
    return RequestContext(emulator_of(request), principal, project, request_id_of(request))


_PROJECT_BY_ID = Prepared(
    select(Project.id, Project.name, Project.domain_id, Project.region).where(
        Project.id == bindparam("project_id")
    )
)
_PROJECT_COLUMNS = (
    Project.id.label("project_id"),
    Project.name.label("project_name"),
    Project.domain_id.label("project_domain_id"),
    Project.region.label("project_region"),
)
# A token's caller and the project of the path in one statement (the project may not exist).
_CALLER_AND_PROJECT = Prepared(
    identity.CALLER_OF_TOKEN.add_columns(*_PROJECT_COLUMNS).outerjoin(
        Project, Project.id == bindparam("project_id")
    )
)


def _context_for(request: Request, principal: Principal, project_id: str) -> RequestContext:
    _check_scope(principal, project_id)
    with emulator_of(request).db.statements() as connection:
        row = _PROJECT_BY_ID.first(connection, {"project_id": project_id})
    return _context_of(request, principal, project_id, row and ProjectRef(*row))


def _token_context(request: Request, token: str, project_id: str) -> RequestContext:
    """A token's caller and the project, read together: one statement per request."""
    emulator = emulator_of(request)
    with emulator.db.statements() as connection:
        row = _CALLER_AND_PROJECT.first(
            connection, {"id_hash": identity.token_hash(token), "project_id": project_id}
        )
    try:
        principal = identity.principal_of_token_row(row, emulator.clock.now())
    except ApiError as error:
        raise _token_errors_as_gateway(request, error) from None
    _check_scope(principal, project_id)
    project = None
    if row.project_id is not None:
        project = ProjectRef(
            row.project_id, row.project_name, row.project_domain_id, row.project_region
        )
    return _context_of(request, principal, project_id, project)


async def project_context(request: Request, project_id: str) -> RequestContext:
    token = request.headers.get("x-auth-token")
    if token and not request.headers.get("authorization", "").startswith("SDK-HMAC-SHA256"):
        return _token_context(request, token, project_id)
    principal = await authenticate(request)
    header_project = request.headers.get("x-project-id")
    if principal.token is None and header_project and header_project != project_id:
        raise Forbidden(
            "X-Project-Id does not match the project in the path.", codes={"huawei": "Ecs.0023"}
        )
    return _context_for(request, principal, project_id)


async def scoped_context(request: Request, principal: PrincipalDep) -> RequestContext:
    project_id = principal.scope_project_id or request.headers.get("x-project-id")
    if not project_id:
        raise Unauthorized(
            "The request must be scoped to a project: use a project-scoped "
            "token or send X-Project-Id."
        )
    return _context_for(request, principal, project_id)


ProjectContext = Annotated[RequestContext, Depends(project_context)]
ScopedContext = Annotated[RequestContext, Depends(scoped_context)]
