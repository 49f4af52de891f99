"""Nova microversions: read from `OpenStack-API-Version: compute 2.x` (or the older
`X-OpenStack-Nova-API-Version: 2.x`), checked against the range this cloud declares, and echoed
on every response of the compute API, errors included.

Routers of the compute API use `route_class=NovaRoute`; handlers read the version in use with the
`MicroversionDep` dependency.
"""

import functools
import re
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response

from emulator import ids
from emulator.dialects import NOVA, render_error
from emulator.errors import ApiError, BadRequest

_FORMAT = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")
_SCOPE_KEY = "flexemu.compute_microversion"


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


# The range Flexible Engine's Nova declares in its version document.
MINIMUM = parse("2.1")
MAXIMUM = parse("2.60")


def requested(headers: Mapping[str, str]) -> str | None:
    """The compute version asked for; the newer header wins over the legacy one."""
    for part in headers.get("openstack-api-version", "").split(","):
        service, _, version = part.strip().partition(" ")
        if service.lower() == "compute" and version.strip():
            return version.strip()
    legacy = headers.get("x-openstack-nova-api-version", "").strip()
    return legacy or None


def negotiate(headers: Mapping[str, str]) -> Microversion:
    text = requested(headers)
    if text is None:
        return MINIMUM
    version = MAXIMUM if text.lower() == "latest" else parse(text)
    if not MINIMUM <= version <= MAXIMUM:
        raise VersionNotAcceptable(
            f"Version {version} is not supported by the API. Minimum is {MINIMUM} and "
            f"maximum is {MAXIMUM}."
        )
    return version


def response_headers(version: Microversion) -> dict[str, str]:
    return {
        "OpenStack-API-Version": f"compute {version}",
        "X-OpenStack-Nova-API-Version": str(version),
        "Vary": "OpenStack-API-Version, X-OpenStack-Nova-API-Version",
    }


_NovaDialectRoute = NOVA.route_class


class NovaRoute(_NovaDialectRoute):  # type: ignore[misc,valid-type]
    """Nova's dialect plus the microversion: negotiated first, echoed on every answer."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                version = negotiate(request.headers)
            except ApiError as error:
                request_id = request.scope.setdefault("flexemu.request_id", ids.request_id())
                return render_error(error, NOVA, request_id)
            request.scope[_SCOPE_KEY] = version
            response = await handler(request)
            response.headers.update(response_headers(version))
            return response

        return handle


async def microversion(request: Request) -> Microversion:
    """A coroutine: FastAPI runs a plain function dependency in a worker thread."""
    return request.scope.get(_SCOPE_KEY, MINIMUM)


MicroversionDep = Annotated[Microversion, Depends(microversion)]
