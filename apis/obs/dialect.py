"""The S3/OBS wire dialect: XML error bodies and request ids in `x-amz-`/`x-obs-` headers."""

from fastapi import Response

from apis.obs import xml
from apis.obs.errors import S3Error
from emulator.dialects import Dialect
from emulator.errors import ApiError

_DEFAULT_CODES = {
    400: "InvalidRequest",
    403: "AccessDenied",
    404: "NoSuchKey",
    405: "MethodNotAllowed",
    409: "OperationAborted",
    411: "MissingContentLength",
    412: "PreconditionFailed",
    413: "EntityTooLarge",
    500: "InternalError",
    501: "NotImplemented",
    503: "ServiceUnavailable",
}
HOST_ID = "flexemu"


def request_id_headers(request_id: str) -> dict[str, str]:
    return {
        "x-amz-request-id": request_id,
        "x-amz-id-2": HOST_ID,
        "x-obs-request-id": request_id,
        "x-obs-id-2": HOST_ID,
    }


def error_document(code: str, message: str, request_id: str, fields: dict[str, str]) -> bytes:
    children: list[tuple[str, xml.Content]] = [("Code", code), ("Message", message)]
    children += list(fields.items())
    children += [("RequestId", request_id), ("HostId", HOST_ID)]
    return xml.document("Error", children, namespace=False)


def _render(dialect: Dialect, error: ApiError, request_id: str) -> Response:
    status = error.status_for(dialect.name)
    fields = error.fields if isinstance(error, S3Error) else {}
    body = error_document(
        dialect.code(error, status), error.message_for(dialect.name), request_id, fields
    )
    headers = {**error.headers, **request_id_headers(request_id)}
    return Response(body, status_code=status, media_type="application/xml", headers=headers)


S3 = Dialect(
    "s3", lambda *_: None, request_id_headers, _DEFAULT_CODES, renderer=_render, buffers_body=False
)
