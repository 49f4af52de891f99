"""The service packages under `apis/` and what the runtime needs of them.

A service package exposes `build_app(emulator)` (its FastAPI app, built on first use so that an
unused service costs no start-up time), optionally `QUOTAS` (its quota keys and defaults) and a
`models` module (its tables). Packages not written yet are simply absent.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

PACKAGES: dict[str, str] = {
    "iam": "apis.iam",
    "ecs": "apis.ecs",
    "evs": "apis.evs",
    "vpc": "apis.vpc",
    "ims": "apis.ims",
    "obs": "apis.obs",
    "vbs": "apis.backup",
    "csbs": "apis.backup",
    "cbr": "apis.backup",
}


@cache
def available() -> dict[str, str]:
    """Service name -> package, for the packages installed (looked up once per process)."""
    return {name: package for name, package in PACKAGES.items() if find_spec(package) is not None}


def package(name: str) -> ModuleType | None:
    module = available().get(name)
    return import_module(module) if module else None


# Tables of the runtime that live outside state/models.py.
RUNTIME_MODELS = ("emulator.billing.models",)


def load_declarations() -> None:
    """Import every service's tables and quota defaults (cheap: no routers)."""
    from emulator import quotas

    for module_name in RUNTIME_MODELS:
        import_module(module_name)
    for module_name in sorted(set(available().values())):
        module = import_module(module_name)
        quotas.declare(getattr(module, "QUOTAS", {}))
        if find_spec(module_name + ".models") is not None:
            import_module(module_name + ".models")
