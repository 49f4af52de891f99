"""The floor: a bare FastAPI app on uvicorn, with a health route and stateless stubs of the
calls a benchmark makes (same methods, bodies and headers, no work)."""

from typing import Any

from fastapi import FastAPI, Request, Response

app = FastAPI()


@app.get("/_emulator/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/v3/auth/tokens")
async def issue_token(request: Request) -> Response:
    await request.json()
    return Response(
        '{"token": {}}',
        status_code=201,
        headers={"X-Subject-Token": "stub"},
        media_type="application/json",
    )


@app.get("/v3/auth/projects")
async def projects() -> dict[str, Any]:
    return {"projects": []}


@app.post("/v2.1/{project_id}/servers")
async def create_server(request: Request, project_id: str) -> Response:
    await request.json()
    return Response('{"server": {"id": "stub"}}', status_code=202, media_type="application/json")


@app.get("/v2.1/{project_id}/servers/{server_id}")
async def show_server(project_id: str, server_id: str) -> dict[str, Any]:
    return {"server": {"id": server_id, "status": "BUILD"}}


@app.delete("/v2.1/{project_id}/servers/{server_id}")
async def delete_server(project_id: str, server_id: str) -> Response:
    return Response(status_code=204)
