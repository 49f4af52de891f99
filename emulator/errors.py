"""One exception hierarchy for every service.

An operation raises an `ApiError` with a message and, where the real cloud has them, the code
each dialect uses (`codes={"nova": ..., "ecs": "Ecs.0005", "neutron": "NetworkNotFound"}`).
The router's dialect renders it (see `emulator.dialects`); the operation never knows which
dialect called it.
"""

from collections.abc import Mapping
from typing import Any


class ApiError(Exception):
    status = 500
    title = "Internal Server Error"

    def __init__(
        self,
        message: str,
        *,
        codes: Mapping[str, str] | None = None,
        statuses: Mapping[str, int] | None = None,
        render_as: str | None = None,
        headers: Mapping[str, str] | None = None,
        messages: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        # Where a dialect words the same error differently (Cinder's quota messages).
        self.messages = dict(messages or {})
        self.codes = dict(codes or {})
        self.statuses = dict(statuses or {})
        # Errors the real API gateway answers before the service sees the request.
        self.render_as = render_as
        self.headers = dict(headers or {})

    def message_for(self, dialect: str) -> str:
        return self.messages.get(dialect, self.message)

    def code_for(self, dialect: str, default: str) -> str:
        return self.codes.get(dialect, default)

    def status_for(self, dialect: str) -> int:
        return self.statuses.get(dialect, self.status)


class BadRequest(ApiError):
    status = 400
    title = "Bad Request"


class Unauthorized(ApiError):
    status = 401
    title = "Unauthorized"


class Forbidden(ApiError):
    status = 403
    title = "Forbidden"


def policy_refusal(rule: str) -> Forbidden:
    """oslo.policy's refusal, as Nova and Cinder word it: a tenant is never the cloud admin."""
    return Forbidden(f"Policy doesn't allow {rule} to be performed.")


class NotFound(ApiError):
    status = 404
    title = "Not Found"


class MethodNotAllowed(ApiError):
    status = 405
    title = "Method Not Allowed"


class Conflict(ApiError):
    status = 409
    title = "Conflict"


class PayloadTooLarge(ApiError):
    status = 413
    title = "Request Entity Too Large"


class QuotaExceeded(ApiError):
    """A quota would be passed. Status and code differ per dialect (Nova 403, Cinder 413,
    Neutron 409, native 400); the services give them in `statuses` and `codes`."""

    status = 400
    title = "Quota Exceeded"

    def __init__(
        self, message: str, *, key: str, requested: int, in_use: int, limit: int, **kw: Any
    ):
        super().__init__(message, **kw)
        self.key = key
        self.requested = requested
        self.in_use = in_use
        self.limit = limit
