"""How each API family renders errors and names its request id.

A router picks its dialect with `APIRouter(route_class=<dialect>.route_class)`: every response of
its routes then carries the dialect's request-id headers, and every `ApiError` or validation error
raised while handling it is rendered the dialect's way. Dialects used by one service only (S3/OBS
XML) are defined in that service and built the same way.
"""

import json
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from emulator import ids
from emulator.errors import ApiError, BadRequest, PayloadTooLarge

Renderer = Callable[["Dialect", ApiError, str], Response]

_OPENSTACK_KINDS = {
    400: "badRequest",
    401: "unauthorized",
    403: "forbidden",
    404: "itemNotFound",
    405: "badMethod",
    409: "conflictingRequest",
    413: "overLimit",
    415: "badMediaType",
    429: "overLimit",
    501: "notImplemented",
}


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        content=json.dumps(body, separators=(",", ":")),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


@dataclass(frozen=True)
class Dialect:
    name: str
    render_body: Callable[["Dialect", ApiError, int, str], Any]
    request_id_headers: Callable[[str], dict[str, str]]
    # Codes used when an error names none for this dialect, by status.
    default_codes: dict[int, str] = field(default_factory=dict)
    renderer: Renderer | None = None
    # JSON APIs read (and size-check) the body before the handler; OBS streams it instead.
    buffers_body: bool = True
    # The answer to a method a path does not take: 405, or 404 where the real router only
    # matches a path and method together (Nova's and Cinder's).
    method_mismatch_status: int = 405

    def code(self, error: ApiError, status: int) -> str:
        return error.code_for(self.name, self.default_codes.get(status, str(status)))

    def render(self, error: ApiError, request_id: str) -> Response:
        if self.renderer is not None:
            return self.renderer(self, error, request_id)
        status = error.status_for(self.name)
        body = self.render_body(self, error, status, request_id)
        headers = {**error.headers, **self.request_id_headers(request_id)}
        return json_response(status, body, headers)

    @property
    def route_class(self) -> type[APIRoute]:
        return _route_class(self)


def _openstack_ids(request_id: str) -> dict[str, str]:
    return {"X-Openstack-Request-Id": f"req-{request_id}"}


def _nova_ids(request_id: str) -> dict[str, str]:
    return {
        "X-Openstack-Request-Id": f"req-{request_id}",
        "X-Compute-Request-Id": f"req-{request_id}",
    }


def _huawei_ids(request_id: str) -> dict[str, str]:
    return {"X-Request-Id": request_id}


def _iam_ids(request_id: str) -> dict[str, str]:
    return {"X-IAM-Trace-Id": request_id, "X-Request-Id": request_id}


def _openstack_body(dialect: Dialect, error: ApiError, status: int, _rid: str) -> Any:
    kind = error.code_for(dialect.name, _OPENSTACK_KINDS.get(status, "computeFault"))
    body: dict[str, Any] = {"code": status, "message": error.message_for(dialect.name)}
    if status in (413, 429):
        body["retryAfter"] = "0"
    return {kind: body}


def _keystone_body(dialect: Dialect, error: ApiError, status: int, _rid: str) -> Any:
    return {
        "error": {"code": status, "title": error.title, "message": error.message_for(dialect.name)}
    }


def _neutron_body(dialect: Dialect, error: ApiError, status: int, _rid: str) -> Any:
    return {
        "NeutronError": {
            "type": dialect.code(error, status),
            "message": error.message_for(dialect.name),
            "detail": "",
        }
    }


def _huawei_body(dialect: Dialect, error: ApiError, status: int, _rid: str) -> Any:
    return {
        "error": {"code": dialect.code(error, status), "message": error.message_for(dialect.name)}
    }


def _flat_body(dialect: Dialect, error: ApiError, status: int, request_id: str) -> Any:
    return {
        "error_msg": error.message_for(dialect.name),
        "error_code": dialect.code(error, status),
        "request_id": request_id,
    }


KEYSTONE = Dialect("keystone", _keystone_body, _iam_ids)
# The IAM v3.0 extensions (OS-CREDENTIAL) answer in the flat Huawei form.
IAM = Dialect(
    "iam",
    _flat_body,
    _iam_ids,
    {
        400: "IAM.0001",
        401: "IAM.0002",
        403: "IAM.0003",
        404: "IAM.0004",
        409: "IAM.0005",
        413: "IAM.0006",
    },
)
# What the API gateway answers before a service sees the request (signatures, tokens).
APIGW = Dialect(
    "apigw",
    _flat_body,
    _huawei_ids,
    {401: "APIGW.0301", 403: "APIGW.0302", 413: "APIGW.0201", 400: "APIGW.0101"},
)
NOVA = Dialect("nova", _openstack_body, _nova_ids, method_mismatch_status=404)
CINDER = Dialect("cinder", _openstack_body, _openstack_ids, method_mismatch_status=404)
NEUTRON = Dialect(
    "neutron",
    _neutron_body,
    _openstack_ids,
    {
        400: "BadRequest",
        401: "Unauthorized",
        403: "Forbidden",
        404: "HTTPNotFound",
        405: "HTTPMethodNotAllowed",
        409: "Conflict",
        413: "HTTPRequestEntityTooLarge",
    },
)
# The Huawei-native APIs of ECS, EVS, IMS and VBS: {"error": {"code": "Ecs.0005", ...}}.
HUAWEI = Dialect(
    "huawei",
    _huawei_body,
    _huawei_ids,
    {
        400: "Common.0002",
        401: "Common.0001",
        403: "Common.0003",
        404: "Common.0004",
        405: "Common.0005",
        409: "Common.0009",
        413: "Common.0013",
    },
)
EMULATOR = Dialect("emulator", _huawei_body, _huawei_ids)


def describe_validation(error: RequestValidationError) -> str:
    """One line naming the first bad field, in the style of the OpenStack validators."""
    problems = error.errors()
    if not problems:
        return "Invalid input."
    first = problems[0]
    if first.get("type") == "json_invalid":
        return "Malformed request body: the body is not valid JSON."
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    place = ".".join(loc) or "body"
    if first.get("type") == "missing":
        name = loc[-1] if loc else "body"
        return f"Invalid input for field '{place}': '{name}' is a required property."
    return f"Invalid input for field '{place}': {first.get('msg', 'invalid value')}."


async def _read_body(request: Request, limit: int) -> None:
    """Read the body once, refusing it past `limit` bytes without buffering more."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"Request body is larger than {limit} bytes.")
        chunks.append(chunk)
    request._body = b"".join(chunks)


# A JSON string escape of U+0000: `\u0000` not itself escaped (an even run of backslashes before).
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _refuse_nul(request: Request, body: bool) -> None:
    """No name, id or filter can hold U+0000 (PostgreSQL cannot store it): a client error.
    `body`: the JSON body was read, and is checked too (a streamed one is data)."""
    if (
        "\x00" in request.scope["path"]
        or b"%00" in request.scope.get("query_string", b"")
        or (
            body
            and "json" in request.headers.get("content-type", "json")
            and _NUL_ESCAPE.search(request._body)
        )
    ):
        raise BadRequest("Invalid input: the request contains a NUL character (U+0000).")


def _route_class(dialect: Dialect) -> type[APIRoute]:
    class DialectRoute(APIRoute):
        # Which dialect the route answers in (read by tests that check error bodies).
        error_dialect = dialect

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                request_id = request.scope.setdefault("flexemu.request_id", ids.request_id())
                request.scope["flexemu.dialect"] = dialect
                try:
                    if dialect.buffers_body:
                        emulator = request.scope.get("flexemu.emulator")
                        limit = emulator.settings.max_json_body if emulator else 1024 * 1024
                        await _read_body(request, limit)
                    _refuse_nul(request, body=dialect.buffers_body)
                    response = await handler(request)
                except ApiError as error:
                    response = render_error(error, dialect, request_id)
                except RequestValidationError as error:
                    response = dialect.render(BadRequest(describe_validation(error)), request_id)
                response.headers.update(dialect.request_id_headers(request_id))
                return response

            return handle

    DialectRoute.__name__ = f"{dialect.name.title()}Route"
    return DialectRoute


DIALECTS = {d.name: d for d in (KEYSTONE, IAM, APIGW, NOVA, CINDER, NEUTRON, HUAWEI, EMULATOR)}


def render_error(error: ApiError, dialect: Dialect, request_id: str) -> Response:
    chosen = DIALECTS.get(error.render_as, dialect) if error.render_as else dialect
    return chosen.render(error, request_id)
