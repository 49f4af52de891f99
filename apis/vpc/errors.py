"""The native VPC/EIP error body and the errors of the network, with each dialect's code.

The native VPC and EIP APIs answer one flat object, `{"code": "VPC.0101", "message": ...}`
(VPC API reference, "Error Codes"); Neutron answers `NeutronError`. Codes keyed "vpc" are the
native API's, "neutron" Neutron's type names, "huawei" the ECS native codes a server creation
would report for the same failure.
"""

from typing import Any

from emulator.dialects import Dialect
from emulator.errors import ApiError, BadRequest, Conflict, Forbidden, NotFound, QuotaExceeded


def _flat_body(dialect: Dialect, error: ApiError, status: int, _rid: str) -> Any:
    return {"code": dialect.code(error, status), "message": error.message_for(dialect.name)}


def _request_ids(request_id: str) -> dict[str, str]:
    return {"X-Request-Id": request_id}


VPC_NATIVE = Dialect(
    "vpc",
    _flat_body,
    _request_ids,
    {
        400: "VPC.0101",
        401: "VPC.0008",
        403: "VPC.2701",
        404: "VPC.0003",
        405: "VPC.0101",
        409: "VPC.0101",
        413: "VPC.0101",
    },
)


def _v3_body(dialect: Dialect, error: ApiError, status: int, request_id: str) -> Any:
    return {
        "request_id": request_id,
        "error_code": dialect.code(error, status),
        "error_msg": error.message_for(dialect.name),
    }


# The VPC v3 API (`/v3/{project_id}/vpc/...`): the same codes as v1, in another body.
VPC_V3 = Dialect("vpc", _v3_body, _request_ids, VPC_NATIVE.default_codes)

# What each kind of object is called in Neutron's messages, and the native not-found code.
_KINDS: dict[str, tuple[str, str, str]] = {
    # kind: (Neutron type, Neutron noun, native code)
    "vpc": ("RouterNotFound", "Router", "VPC.0003"),
    "network": ("NetworkNotFound", "Network", "VPC.0202"),
    "subnet": ("SubnetNotFound", "Subnet", "VPC.0202"),
    "port": ("PortNotFound", "Port", "VPC.2503"),
    "security_group": ("SecurityGroupNotFound", "Security group", "VPC.0602"),
    "security_group_rule": ("SecurityGroupRuleNotFound", "Security group rule", "VPC.0702"),
    "publicip": ("FloatingIPNotFound", "Floating IP", "VPC.0504"),
    "bandwidth": ("BandwidthNotFound", "Bandwidth", "VPC.0401"),
}

# Parameter errors of the native API, by the object they concern.
INVALID = {
    "vpc": "VPC.0101",
    "subnet": "VPC.0201",
    "network": "VPC.0201",  # a native subnet is a network too
    "port": "VPC.2500",
    "security_group": "VPC.0601",
    "security_group_rule": "VPC.0601",
    "publicip": "VPC.0501",
    "bandwidth": "VPC.0301",
}


def not_found(kind: str, ident: str) -> NotFound:
    neutron_type, noun, native_code = _KINDS[kind]
    return NotFound(
        f"{noun} {ident} could not be found.",
        codes={"neutron": neutron_type, "vpc": native_code, "huawei": "Ecs.0005"},
    )


def invalid(kind: str, message: str, neutron: str = "InvalidInput") -> BadRequest:
    text = f"Invalid input for operation: {message}" if neutron == "InvalidInput" else message
    return BadRequest(
        text,
        codes={"neutron": neutron, "vpc": INVALID[kind], "huawei": "Ecs.0005"},
        messages={"vpc": message},
    )


# What Neutron's API layer names a plain bad request (webob's), as opposed to a validation's
# InvalidInput.
HTTP_BAD_REQUEST = {"neutron": "HTTPBadRequest"}


def admin_only(action: str, attribute: str) -> Forbidden:
    """An attribute Neutron's policy leaves to the cloud's administrators (`shared`,
    `router:external`), set by a tenant: 403 with the rule that refused it."""
    return Forbidden(
        f"(rule:{action} and rule:{action}:{attribute}) is disallowed by policy",
        codes={"neutron": "PolicyNotAuthorized"},
    )


def in_use(message: str, *, neutron: str, native: str) -> Conflict:
    return Conflict(message, codes={"neutron": neutron, "vpc": native})


# Quota key -> (Neutron resource name, native code, ECS code when a server hits it).
_QUOTA_CODES: dict[str, tuple[str, str, str]] = {
    "vpc": ("router", "VPC.0114", "Ecs.0005"),
    "router": ("router", "VPC.0114", "Ecs.0005"),
    "network": ("network", "VPC.0208", "Ecs.0005"),
    "subnet": ("subnet", "VPC.0208", "Ecs.0005"),
    "port": ("port", "VPC.2502", "Ecs.0005"),
    "securityGroup": ("security_group", "VPC.0604", "Ecs.0005"),
    "securityGroupRule": ("security_group_rule", "VPC.0704", "Ecs.0005"),
    "publicIp": ("floatingip", "VPC.0513", "Ecs.0013"),
    "floatingip": ("floatingip", "VPC.0513", "Ecs.0013"),
    "shareBandwidth": ("bandwidth", "VPC.0313", "Ecs.0005"),
}


def over_quota(error: QuotaExceeded) -> QuotaExceeded:
    """The runtime's quota error, worded and coded as each dialect does."""
    resource, native, ecs = _QUOTA_CODES[error.key]
    message = f"Quota exceeded for resources: ['{resource}']."
    return QuotaExceeded(
        message,
        key=error.key,
        requested=error.requested,
        in_use=error.in_use,
        limit=error.limit,
        codes={"neutron": "OverQuota", "vpc": native, "huawei": ecs},
        statuses={"neutron": 409, "vpc": 409, "huawei": 400},
    )
