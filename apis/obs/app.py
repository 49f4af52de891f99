"""The OBS ASGI app: every request goes straight to `router.handle`, without FastAPI's
per-request route matching and dependency solving (OBS has one catch-all route), with the
errors and request ids an S3 dialect route would give."""

import logging

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from apis.obs import router
from apis.obs.dialect import S3
from apis.obs.errors import S3Error
from emulator import ids
from emulator.dialects import render_error
from emulator.errors import ApiError

log = logging.getLogger("flexemu")
ALLOWED_METHODS = frozenset(router.METHODS)


def _has_nul(scope: Scope) -> bool:
    """A NUL cannot be stored in a key or echoed in an XML error: such a URI is refused first."""
    return "\x00" in scope["path"] or b"%00" in scope["query_string"]


def _method_not_allowed() -> ApiError:
    error = ApiError("Method Not Allowed")
    error.status = 405
    error.title = "Method Not Allowed"
    return error


class ObsApp:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        request_id = scope.setdefault("flexemu.request_id", ids.request_id())
        scope["flexemu.dialect"] = S3
        ids_headers = S3.request_id_headers(request_id)
        try:
            if request.method not in ALLOWED_METHODS:
                raise _method_not_allowed()
            if _has_nul(scope):
                raise S3Error("InvalidURI", "Couldn't parse the specified URI.")
            response = await router.handle(request)
            # The router's answers carry no request id yet: appended, not merged (cheaper).
            response.raw_headers += [
                (name.encode("latin-1"), value.encode("latin-1"))
                for name, value in ids_headers.items()
            ]
        except ApiError as error:
            response = render_error(error, S3, request_id)
            response.headers.update(ids_headers)
        except Exception:
            log.exception("unhandled error on %s %s", request.method, scope["path"])
            response = S3.render(ApiError("Internal error of the emulator."), request_id)
            response.headers.update(ids_headers)
        await response(scope, receive, send)
