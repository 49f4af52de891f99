"""Storage classes: OBS names them STANDARD, WARM, COLD; S3 clients say STANDARD_IA, GLACIER."""

from apis.obs.errors import S3Error

OBS_NAMES = ("STANDARD", "WARM", "COLD")
_FROM_S3 = {"STANDARD": "STANDARD", "STANDARD_IA": "WARM", "GLACIER": "COLD"}
_TO_S3 = {obs: s3 for s3, obs in _FROM_S3.items()}


def parse(value: str) -> str:
    """The OBS name of a class given in either dialect, else InvalidStorageClass."""
    name = value.strip().upper()
    if name in OBS_NAMES:
        return name
    if name in _FROM_S3:
        return _FROM_S3[name]
    raise S3Error(
        "InvalidStorageClass",
        "The storage class you specified is not valid",
        400,
        StorageClassRequested=value,
    )


def render(name: str, dialect: str) -> str:
    return name if dialect == "obs" else _TO_S3[name]
