"""Identifiers in the shapes the real cloud uses."""

import secrets
import string
import uuid
from functools import lru_cache

_UPPER_DIGITS = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits


def hex_id() -> str:
    """32 hex digits: projects, users, domains, jobs (as IAM and ECS show them)."""
    return uuid.uuid4().hex


def uuid_id() -> str:
    """A dashed UUID: OpenStack resources (servers, volumes, networks, ports ...)."""
    return str(uuid.uuid4())


@lru_cache(maxsize=8192)
def stable_hex_id(*parts: str) -> str:
    """The same id for the same names: the bootstrap account keeps its ids across resets."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "flexemu:" + "/".join(parts)).hex


def access_key() -> str:
    return "".join(secrets.choice(_UPPER_DIGITS) for _ in range(20))


def secret_key() -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(40))


def token_string() -> str:
    """An opaque Keystone token; FE tokens start with MII and are long."""
    return "MII" + secrets.token_urlsafe(96)


def request_id() -> str:
    return uuid.uuid4().hex
