"""OpenStack microversions: read from `OpenStack-API-Version: <service> X.Y` (Nova also takes
its older `X-OpenStack-Nova-API-Version: X.Y`), checked against the range a service declares, and
echoed on every response of that service, errors included.

A service builds its route class with `versioned_route`; handlers read the version in use with
`Versions.of(request)`.
"""

import functools
import re
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from emulator import ids
from emulator.dialects import Dialect, render_error
from emulator.errors import ApiError, BadRequest

_FORMAT = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")
_SCOPE_KEY = "flexemu.microversion"


@dataclass(frozen=True, order=True)
class Microversion:
    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def at_least(self, text: str) -> bool:
        return (self.major, self.minor) >= _numbers(text)


class VersionNotAcceptable(ApiError):
    status = 406
    title = "Not Acceptable"


def parse(text: str) -> Microversion:
    match = _FORMAT.match(text.strip())
    if match is None:
        raise BadRequest(
            f"API Version String {text} is of invalid format. Must be of format MajorNum.MinorNum."
        )
    return Microversion(int(match[1]), int(match[2]))


@functools.lru_cache(maxsize=128)
def _numbers(text: str) -> tuple[int, int]:
    """The versions views compare with are a few constants: parse each once."""
    version = parse(text)
    return version.major, version.minor


@dataclass(frozen=True)
class Versions:
    """The microversions one service declares in its version document."""

    service: str  # the name in OpenStack-API-Version: "compute", "volume"
    minimum: Microversion
    maximum: Microversion
    legacy_header: str | None = None

    def requested(self, headers: Mapping[str, str]) -> str | None:
        """The version asked for; the OpenStack-API-Version header wins over a legacy one."""
        for part in headers.get("openstack-api-version", "").split(","):
            service, _, version = part.strip().partition(" ")
            if service.lower() == self.service and version.strip():
                return version.strip()
        legacy = headers.get(self.legacy_header, "").strip() if self.legacy_header else ""
        return legacy or None

    def negotiate(self, headers: Mapping[str, str]) -> Microversion:
        text = self.requested(headers)
        if text is None:
            return self.minimum
        version = self.maximum if text.lower() == "latest" else parse(text)
        if not self.minimum <= version <= self.maximum:
            raise VersionNotAcceptable(
                f"Version {version} is not supported by the API. Minimum is {self.minimum} and "
                f"maximum is {self.maximum}."
            )
        return version

    def response_headers(self, version: Microversion) -> dict[str, str]:
        headers = {"OpenStack-API-Version": f"{self.service} {version}"}
        if self.legacy_header:
            headers[self.legacy_header] = str(version)
        headers["Vary"] = ", ".join(["OpenStack-API-Version", *filter(None, [self.legacy_header])])
        return headers

    def of(self, request: Request) -> Microversion:
        return request.scope.get(_SCOPE_KEY, self.minimum)


def versioned_route(
    dialect: Dialect, versions: Versions, applies: Callable[[str], bool] = lambda path: True
) -> type[APIRoute]:
    """The dialect's route class plus the microversion, negotiated first and echoed on every
    answer of the routes whose path `applies`."""

    class VersionedRoute(dialect.route_class):  # type: ignore[name-defined]
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()
            if not applies(self.path):
                return handler

            async def handle(request: Request) -> Response:
                try:
                    version = versions.negotiate(request.headers)
                except ApiError as error:
                    request_id = request.scope.setdefault("flexemu.request_id", ids.request_id())
                    return render_error(error, dialect, request_id)
                request.scope[_SCOPE_KEY] = version
                response = await handler(request)
                response.headers.update(versions.response_headers(version))
                return response

            return handle

    VersionedRoute.__name__ = f"{dialect.name.title()}VersionedRoute"
    return VersionedRoute
