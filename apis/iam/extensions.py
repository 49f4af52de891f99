"""The IAM v3.0 extensions: permanent access keys and temporary credentials (STS)."""

from typing import Any

from fastapi import APIRouter, Request, Response

from apis.iam import credentials, schemas, views
from emulator.context import PrincipalDep, emulator_of
from emulator.dialects import IAM

router = APIRouter(prefix="/v3.0/OS-CREDENTIAL", route_class=IAM.route_class)


@router.post("/credentials", status_code=201)
async def create_credential(
    request: Request, body: schemas.CredentialCreateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    with emulator.db.transaction() as tx:
        row = credentials.create(
            tx,
            principal,
            body.credential.user_id,
            body.credential.description,
            emulator.clock.now(),
        )
        return {"credential": views.credential(row, with_secret=True)}


@router.get("/credentials")
async def list_credentials(
    request: Request, principal: PrincipalDep, user_id: str | None = None
) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        rows = credentials.listed(tx, principal, user_id)
        return {"credentials": [views.credential(row) for row in rows]}


@router.get("/credentials/{access}")
async def show_credential(request: Request, access: str, principal: PrincipalDep) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        return {"credential": views.credential(credentials.get(tx, principal, access))}


@router.put("/credentials/{access}")
async def update_credential(
    request: Request, access: str, body: schemas.CredentialUpdateRequest, principal: PrincipalDep
) -> dict[str, Any]:
    with emulator_of(request).db.transaction() as tx:
        row = credentials.update(
            tx, principal, access, body.credential.status, body.credential.description
        )
        return {"credential": views.credential(row)}


@router.delete("/credentials/{access}", status_code=204)
async def delete_credential(request: Request, access: str, principal: PrincipalDep) -> Response:
    with emulator_of(request).db.transaction() as tx:
        credentials.delete(tx, principal, access)
    return Response(status_code=204)


@router.post("/securitytokens", status_code=201)
async def create_security_token(
    request: Request, body: schemas.SecurityTokenRequest, principal: PrincipalDep
) -> dict[str, Any]:
    emulator = emulator_of(request)
    method = body.auth.identity.token
    token = (method.id if method else None) or request.headers.get("x-auth-token")
    duration = method.duration_seconds if method else None
    with emulator.db.transaction() as tx:
        row = credentials.temporary(tx, principal, token, duration, emulator.clock.now())
        return views.temporary_credential(row)
