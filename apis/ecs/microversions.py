"""Nova microversions: `OpenStack-API-Version: compute 2.x` (or the older
`X-OpenStack-Nova-API-Version: 2.x`) within the range Flexible Engine's Nova declares.

Routers of the compute API use `route_class=NovaRoute`; handlers read the version in use with the
`MicroversionDep` dependency.
"""

from typing import Annotated

from fastapi import Depends, Request

from emulator.dialects import NOVA
from emulator.microversions import Microversion, Versions, parse, versioned_route

__all__ = ["MAXIMUM", "MINIMUM", "Microversion", "MicroversionDep", "NovaRoute"]

# The range Flexible Engine's Nova declares in its version document.
MINIMUM = parse("2.1")
MAXIMUM = parse("2.60")
COMPUTE = Versions("compute", MINIMUM, MAXIMUM, legacy_header="X-OpenStack-Nova-API-Version")

NovaRoute = versioned_route(NOVA, COMPUTE)


async def microversion(request: Request) -> Microversion:
    """A coroutine: FastAPI runs a plain function dependency in a worker thread."""
    return COMPUTE.of(request)


MicroversionDep = Annotated[Microversion, Depends(microversion)]
