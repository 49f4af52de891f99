"""The emulator's own API under /_emulator: health, reset, clock, accounts, quotas, billing."""

import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from emulator import __version__, quotas, services
from emulator.billing import api as billing_api
from emulator.clock import iso, parse_time
from emulator.context import emulator_of, host_url
from emulator.dialects import EMULATOR
from emulator.errors import BadRequest, NotFound, Unauthorized
from emulator.service_app import service_app
from state.models import Base, Credential, Project, User

if TYPE_CHECKING:
    from emulator.app import Emulator

PREFIX = "/_emulator"


def require_admin_token(request: Request) -> None:
    expected = emulator_of(request).settings.admin_token
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        raise Unauthorized(
            "The emulator's admin API needs 'Authorization: Bearer <admin token>' "
            "(FLEXEMU_ADMIN_TOKEN)."
        )


public = APIRouter(route_class=EMULATOR.route_class)
guarded = APIRouter(
    prefix=PREFIX, route_class=EMULATOR.route_class, dependencies=[Depends(require_admin_token)]
)


@public.get("/")
async def index(request: Request) -> dict[str, Any]:
    base = host_url(request)
    emulator = emulator_of(request)
    return {
        "name": "flexemu",
        "version": __version__,
        "services": sorted(services.available()),
        "regions": sorted(emulator.topology.regions),
        "identity": f"{base}/iam/v3",
        "admin": f"{base}{PREFIX}",
        "docs": f"{base}{PREFIX}/docs",
    }


# Reset ---------------------------------------------------------------------------------------


def reset_project(emulator: "Emulator", project_id: str) -> None:
    """Every resource, job, meter and quota setting of one project; its tokens stay valid."""
    with emulator.db.transaction() as tx:
        if tx.get(Project, project_id) is None:
            raise NotFound(f"Project {project_id} does not exist.")
        for table in reversed(Base.metadata.sorted_tables):
            if "project_id" in table.c and table.name != "tokens":
                tx.execute(delete(table).where(table.c.project_id == project_id))


@guarded.post("/reset")
async def reset(request: Request, project_id: str | None = None) -> dict[str, Any]:
    emulator = emulator_of(request)
    if project_id:
        reset_project(emulator, project_id)
    else:
        emulator.reset()
    return {"status": "ok", "now": iso(emulator.clock.now())}


# Clock ---------------------------------------------------------------------------------------


class ClockMove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    advance: str | None = Field(default=None, description="ISO 8601 duration, e.g. PT25H, P30D")
    to: str | None = Field(default=None, description="ISO 8601 date-time in the future")


def _clock_view(emulator: "Emulator", applied: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "now": iso(emulator.clock.now()),
        "offset_seconds": emulator.clock.offset.total_seconds(),
    }
    if applied is not None:
        body["transitions_applied"] = applied
    return body


@guarded.get("/clock")
async def show_clock(request: Request) -> dict[str, Any]:
    return _clock_view(emulator_of(request))


@guarded.post("/clock")
async def move_clock(request: Request, body: ClockMove) -> dict[str, Any]:
    emulator = emulator_of(request)
    if (body.advance is None) == (body.to is None):
        raise BadRequest("Give exactly one of 'advance' (an ISO 8601 duration) or 'to'.")
    try:
        if body.advance is not None:
            emulator.clock.advance_by(body.advance)
        else:
            target: datetime = parse_time(body.to or "")
            emulator.clock.advance_to(target)
    except ValueError as error:
        raise BadRequest(f"Cannot move the clock: {error}.") from None
    emulator.save_clock()
    applied = emulator.tick()
    billing_api.check_budgets(emulator)
    return _clock_view(emulator, applied)


# Accounts ------------------------------------------------------------------------------------


class AccountCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    domain: str = Field(min_length=1, max_length=64)
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    access_key: str | None = Field(default=None, min_length=10, max_length=64)
    secret_key: str | None = Field(default=None, min_length=10, max_length=64)
    regions: list[str] | None = None


def _account_view(emulator: "Emulator", domain_name: str) -> dict[str, Any]:
    from apis.iam import accounts

    with emulator.db.transaction() as tx:
        account = accounts.find_account(tx, domain_name)
        projects = accounts.account_projects(tx, account.id)
        users = list(
            tx.scalars(select(User).where(User.domain_id == account.id).order_by(User.name))
        )
        keys = list(
            tx.scalars(
                select(Credential).where(
                    Credential.user_id.in_([u.id for u in users]),
                    Credential.security_token.is_(None),
                )
            )
        )
        return {
            "domain": {"id": account.id, "name": account.name},
            "users": [{"id": u.id, "name": u.name} for u in users],
            "projects": [{"id": p.id, "name": p.name, "region": p.region} for p in projects],
            "access_keys": [{"access": k.access, "user_id": k.user_id} for k in keys],
        }


@guarded.post("/accounts", status_code=201)
async def create_account(request: Request, body: AccountCreate) -> dict[str, Any]:
    from apis.iam import accounts

    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        accounts.create_account(
            tx,
            emulator,
            domain=body.domain,
            user=body.user,
            password=body.password,
            access_key=body.access_key,
            secret_key=body.secret_key,
            regions=body.regions or emulator.settings.bootstrap.regions,
        )
    return _account_view(emulator, body.domain)


@guarded.get("/accounts")
async def list_accounts(request: Request) -> dict[str, Any]:
    from apis.iam import accounts

    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        names = [a.name for a in accounts.list_accounts(tx)]
    return {"accounts": [_account_view(emulator, name) for name in names]}


@guarded.get("/accounts/{domain}")
async def show_account(request: Request, domain: str) -> dict[str, Any]:
    return _account_view(emulator_of(request), domain)


@guarded.delete("/accounts/{domain}", status_code=204)
async def delete_account(request: Request, domain: str) -> Response:
    from apis.iam import accounts

    with emulator_of(request).db.transaction() as tx:
        accounts.delete_account(tx, domain)
    return Response(status_code=204)


# Quotas --------------------------------------------------------------------------------------


class QuotaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quotas: dict[str, Annotated[int, Field(ge=-1)]]


def _quota_view(emulator: "Emulator", project_id: str) -> dict[str, Any]:
    with emulator.db.transaction() as tx:
        if tx.get(Project, project_id) is None:
            raise NotFound(f"Project {project_id} does not exist.")
        limits = quotas.limits(tx, project_id)
        usage = quotas.usage(tx, project_id)
    return {
        "project_id": project_id,
        "quotas": {
            key: {"limit": limits[key], "in_use": usage.get(key, 0)} for key in sorted(limits)
        },
    }


@guarded.get("/quotas/{project_id}")
async def show_quotas(request: Request, project_id: str) -> dict[str, Any]:
    return _quota_view(emulator_of(request), project_id)


@guarded.put("/quotas/{project_id}")
async def update_quotas(request: Request, project_id: str, body: QuotaUpdate) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        if tx.get(Project, project_id) is None:
            raise NotFound(f"Project {project_id} does not exist.")
        quotas.set_limits(tx, project_id, body.quotas)
    return _quota_view(emulator, project_id)


billing_api.routes(guarded)


def build_app(emulator: "Emulator") -> FastAPI:
    return service_app(
        EMULATOR,
        [public, guarded],
        title="flexemu admin API",
        version=__version__,
        openapi_url=PREFIX + "/openapi.json",
        docs_url=PREFIX + "/docs",
    )
