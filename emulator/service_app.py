"""The FastAPI app of one service, with errors outside any route rendered in its dialect."""

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.exceptions import HTTPException

from emulator import ids
from emulator.dialects import Dialect
from emulator.errors import ApiError

log = logging.getLogger("flexemu")


def service_app(dialect: Dialect, routers: Iterable[APIRouter], **options: Any) -> FastAPI:
    app = FastAPI(**{"openapi_url": None, "docs_url": None, "redoc_url": None, **options})
    for router in routers:
        app.include_router(router)

    def request_id(request: Request) -> str:
        return request.scope.setdefault("flexemu.request_id", ids.request_id())

    @app.exception_handler(HTTPException)
    async def unmatched(request: Request, exc: HTTPException) -> Response:
        status = dialect.method_mismatch_status if exc.status_code == 405 else exc.status_code
        error = ApiError("The resource could not be found." if status == 404 else str(exc.detail))
        error.status = status
        error.title = "Not Found" if status == 404 else "Method Not Allowed"
        return dialect.render(error, request_id(request))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return dialect.render(ApiError("Internal error of the emulator."), request_id(request))

    return app
