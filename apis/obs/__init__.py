"""OBS: object storage as S3 (SigV4, SigV2) and in its own dialect (OBS signatures, x-obs-*)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apis.obs.app import ObsApp
    from emulator.app import Emulator

# Buckets per account, as the real service allows by default.
QUOTAS = {"obs_buckets": 100}


def build_app(emulator: "Emulator") -> "ObsApp":
    from apis.obs.app import ObsApp

    return ObsApp()


# Registers the handler of lifecycle sweeps, due on the virtual clock.
from apis.obs import lifecycle_sweep  # noqa: E402, F401
