"""Bucket policies: the S3 (and OBS) policy grammar, validated when put, evaluated per request.

A statement applies when its principal, action, resource and conditions all match the
request; an applying Deny wins over any Allow. Principals are account ids (`"AWS":
"arn:aws:iam::<account>:root"`, `"<account>"`, OBS `"ID": "domain/<account>"`) or `*`.
"""

import ipaddress
import json
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from sqlalchemy import select

from apis.obs.documents import Document, Submitted, not_configured
from apis.obs.errors import S3Error
from state.models import Domain

VERSIONS = ("2012-10-17", "2008-10-17")
_ACCOUNT = re.compile(
    r"^(?:arn:aws:iam::([^:]+):(?:root|user/.+)|domain/([^:]+)(?::user/.+)?|([^:/]+))$"
)
CONDITIONS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "IpAddress",
    "NotIpAddress",
    "Bool",
    "Null",
)


def malformed(message: str) -> S3Error:
    return S3Error("MalformedPolicy", message, 400)


@dataclass(frozen=True)
class Request:
    """What a policy can test: who, what, on which resource, and the request's context keys."""

    account: str | None  # None: anonymous
    action: str  # "s3:GetObject"
    resource: str  # "bucket" or "bucket/key"
    context: dict[str, str]  # "aws:SourceIp", "aws:SecureTransport", "s3:prefix" ...


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _strings(statement: dict[str, Any], name: str) -> list[str]:
    values = _listed(statement.get(name))
    if not values or not all(isinstance(value, str) and value for value in values):
        raise malformed(f"Missing required field {name}")
    return values


def _principals(principal: Any) -> list[str]:
    """`*` or account ids."""
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict) or not principal:
        raise malformed("Invalid principal in policy")
    accounts = []
    for kind, values in principal.items():
        if kind not in ("AWS", "ID", "CanonicalUser"):
            raise malformed("Invalid principal in policy")
        for value in _listed(values):
            found = _ACCOUNT.match(value) if isinstance(value, str) else None
            if found is None:
                raise malformed("Invalid principal in policy")
            accounts.append(next(group for group in found.groups() if group))
    return accounts


def _action(name: str) -> str:
    """`s3:GetObject`; OBS writes `GetObject`."""
    return name if ":" in name else "s3:" + name


def _resource(bucket: str, name: str) -> str:
    path = name.removeprefix("arn:aws:s3:::")
    if path.split("/", 1)[0] != bucket:
        raise malformed("Policy has invalid resource")
    return path


def _conditions(condition: Any) -> dict[str, dict[str, list[str]]]:
    if condition is None:
        return {}
    if not isinstance(condition, dict):
        raise malformed("Invalid Condition")
    checked: dict[str, dict[str, list[str]]] = {}
    for operator, tests in condition.items():
        if operator.removesuffix("IfExists") not in CONDITIONS or not isinstance(tests, dict):
            raise malformed(f"Invalid Condition type : {operator}")
        checked[operator] = {}
        for key, values in tests.items():
            listed = [
                str(value).lower() if isinstance(value, bool) else str(value)
                for value in _listed(values)
            ]
            if operator.endswith("IpAddress"):
                for value in listed:
                    try:
                        ipaddress.ip_network(value, strict=False)
                    except ValueError:
                        raise malformed(f"Invalid IP address: {value}") from None
            checked[operator][key] = listed
    return checked


def parse(text: bytes, bucket: str, known: set[str] | None) -> list[dict[str, Any]]:
    """The statements of a policy document, normalised; MalformedPolicy on any fault.
    `known`: the accounts a principal may name (None: any, for a policy checked when put)."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise malformed("Policies must be valid JSON and the first byte must be '{'") from None
    if not isinstance(document, dict):
        raise malformed("Policies must be valid JSON and the first byte must be '{'")
    if document.get("Version", VERSIONS[0]) not in VERSIONS:
        raise malformed("Invalid policy document version")
    statements = _listed(document.get("Statement"))
    if not statements or not all(isinstance(statement, dict) for statement in statements):
        raise malformed("Missing required field Statement")
    normalised = []
    for statement in statements:
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise malformed("Invalid effect: " + str(statement.get("Effect")))
        if "Principal" not in statement:
            raise malformed("Missing required field Principal")
        principals = _principals(statement["Principal"])
        named = [account for account in principals if account != "*"]
        if known is not None and not known.issuperset(named):
            raise malformed("Invalid principal in policy")
        actions = "NotAction" if "NotAction" in statement else "Action"
        resources = "NotResource" if "NotResource" in statement else "Resource"
        normalised.append(
            {
                "effect": statement["Effect"],
                "principals": principals,
                "actions": [_action(name) for name in _strings(statement, actions)],
                "except_actions": actions == "NotAction",
                "resources": [_resource(bucket, name) for name in _strings(statement, resources)],
                "except_resources": resources == "NotResource",
                "conditions": _conditions(statement.get("Condition")),
            }
        )
    return normalised


def _test(operator: str, actual: str | None, expected: list[str]) -> bool:
    base = operator.removesuffix("IfExists")
    if actual is None:
        return operator.endswith("IfExists") or (base == "Null" and "true" in expected)
    if base == "Null":
        return "false" in expected
    if base.endswith("IpAddress"):
        try:
            address = ipaddress.ip_address(actual)
        except ValueError:
            return False
        inside = any(address in ipaddress.ip_network(value, strict=False) for value in expected)
        return inside == (base == "IpAddress")
    if base == "Bool":
        return actual.lower() in [value.lower() for value in expected]
    if base.endswith("IgnoreCase"):
        equal = actual.lower() in [value.lower() for value in expected]
    elif base.endswith("Like"):
        equal = any(fnmatchcase(actual, value) for value in expected)
    else:
        equal = actual in expected
    return equal != ("Not" in base)


def _applies(statement: dict[str, Any], request: Request) -> bool:
    principals = statement["principals"]
    if "*" not in principals and request.account not in principals:
        return False
    action = request.action.lower()
    named = any(fnmatchcase(action, a.lower()) for a in statement["actions"])
    if named == statement["except_actions"]:
        return False
    covered = any(fnmatchcase(request.resource, r) for r in statement["resources"])
    if covered == statement["except_resources"]:
        return False
    return all(
        _test(operator, request.context.get(key), expected)
        for operator, tests in statement["conditions"].items()
        for key, expected in tests.items()
    )


def evaluate(policy: str | None, bucket: str, request: Request) -> str | None:
    """ "Deny", "Allow", or None when no statement applies."""
    if not policy:
        return None
    statements = parse(policy.encode(), bucket, None)
    effects = {statement["effect"] for statement in statements if _applies(statement, request)}
    return "Deny" if "Deny" in effects else ("Allow" if effects else None)


def submitted(request: Submitted, bucket: str) -> str:
    with request.ctx.transaction() as tx:
        known = set(tx.scalars(select(Domain.id)))
    parse(request.body, bucket, known)
    return request.body.decode()


BUCKET_DOCUMENT = Document(
    "policy",
    lambda request: submitted(request, request.bucket),
    lambda policy, _bucket, _wire: policy.encode(),
    not_configured("NoSuchBucketPolicy", "The bucket policy does not exist"),
    put_status=204,
    media_type="application/json",
)
