"""The routes of every JSON service and the bad requests a careless client could send them.

`routes()` walks each service's FastAPI app (built, not started) and yields one `Target` per
(method, path template); `requests_for(target, ids)` makes the bad inputs for it: bodies that are
not JSON or of the wrong type, wrapper keys with wrong-typed members, huge, negative, long and NUL
values, bad query parameters, wrong Content-Type, and path parameters naming unknown or malformed
ids. `error_shape_problem(dialect, body)` says how an error body strays from its dialect.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, get_args

from fastapi.routing import APIRoute
from pydantic import BaseModel

from emulator import services
from emulator.app import Emulator
from emulator.config import Settings

# Service -> the path prefix that sends every route of its app to it.
PREFIXES = {
    "iam": "/iam",
    "ecs": "/ecs",
    "evs": "/evs",
    "vpc": "/vpc",
    "ims": "/ims",
    "vbs": "/vbs",
}
UNKNOWN_ID = "0b5d6b4a-7a8e-4e9f-9c1d-2f0e1a3b4c5d"
MALFORMED_ID = "-1%00%C3%A9" + "x" * 300
HUGE = 2**63
LONG = "a" * 10_000
ODD = "nul\u0000é\u202e"


@dataclass(frozen=True)
class Target:
    service: str
    method: str
    template: str  # the path the app declares, with {params}
    dialect: str  # the name of the route's error dialect
    body_model: type[BaseModel] | None

    @property
    def id(self) -> str:
        return f"{self.service} {self.method} {self.template}"


@dataclass(frozen=True)
class BadRequest:
    name: str
    path: str
    headers: dict[str, str]
    content: bytes | None = None


def _walk(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def _body_model(route: APIRoute) -> type[BaseModel] | None:
    for param in route.dependant.body_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
    return None


def routes() -> list[Target]:
    emulator = Emulator(Settings(ephemeral=True))
    targets: dict[str, Target] = {}
    for service in PREFIXES:
        package = services.package(service)
        assert package is not None
        app = package.build_app(emulator)
        for path, route in _walk(list(app.routes)):
            dialect = getattr(route, "error_dialect", None)
            for method in sorted(route.methods - {"HEAD"}):
                target = Target(
                    service,
                    method,
                    path,
                    dialect.name if dialect else "nova",
                    _body_model(route),
                )
                targets.setdefault(target.id, target)
    return list(targets.values())


# Bad inputs --------------------------------------------------------------------------------


def _fill(template: str, ids: dict[str, str], other: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: ids.get(m[1], other), template)


def _wrapper_key(template: str) -> str:
    """The object a path names ("/servers/{id}" -> "server"), the usual wrapper key."""
    static = [part for part in template.split("/") if part and not part.startswith("{")]
    last = static[-1] if static else "body"
    last = last.replace("os-", "").replace("-", "_")
    for plural, singular in (("policies", "policy"), ("ies", "y"), ("sses", "ss"), ("s", "")):
        if last.endswith(plural):
            return last[: -len(plural)] + singular
    return last


def _model_fields(model: type[BaseModel]) -> dict[str, Any]:
    """Wrapper key -> its member model (or None) for a body model."""
    found: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = field.alias or name
        member = next(
            (
                arg
                for arg in (field.annotation, *get_args(field.annotation))
                if isinstance(arg, type) and issubclass(arg, BaseModel)
            ),
            None,
        )
        found[key] = member
    return found


def _wrong_members(member: type[BaseModel] | None, value: Any) -> dict[str, Any]:
    names = (
        [field.alias or name for name, field in member.model_fields.items()]
        if member is not None
        else ["name", "id", "size", "count", "description", "type", "metadata", "min_count"]
    )
    return {name: value for name in names}


def _bodies(target: Target) -> list[tuple[str, bytes]]:
    wrappers: dict[str, Any] = (
        _model_fields(target.body_model)
        if target.body_model is not None
        else {_wrapper_key(target.template): None}
    )
    bodies = [
        ("not-json", b"{not json"),
        ("list", b"[]"),
        ("string", b'"text"'),
        ("number", b"42"),
        ("null", b"null"),
        ("missing-keys", b"{}"),
    ]
    for key, member in list(wrappers.items())[:2]:
        bodies += [
            (f"{key}=string", json.dumps({key: "text"}).encode()),
            (f"{key}=list", json.dumps({key: [1]}).encode()),
            (f"{key}.*=huge", json.dumps({key: _wrong_members(member, HUGE)}).encode()),
            (f"{key}.*=negative", json.dumps({key: _wrong_members(member, -1)}).encode()),
            (f"{key}.*=long", json.dumps({key: _wrong_members(member, LONG)}).encode()),
            (f"{key}.*=nul", json.dumps({key: _wrong_members(member, ODD)}).encode()),
            (f"{key}.*=list", json.dumps({key: _wrong_members(member, [{}])}).encode()),
            (f"{key}.*=object", json.dumps({key: _wrong_members(member, {"a": []})}).encode()),
        ]
    return bodies


BAD_QUERIES = (
    "limit=-1",
    "limit=abc",
    f"limit={HUGE}",
    "marker=unknown",
    "offset=-1&page=abc",
    "sort_dir=sideways&sort_key=nothing",
    "name=%00&status=nonsense",
)


# What is still worth sending when the path names unknown ids (most answers are then 404).
QUICK = ("not-json", "null", "missing-keys", "=huge", "=nul", "empty-body", "limit=abc", "marker")


def requests_for(target: Target, ids: dict[str, str], quick: bool = False) -> Iterator[BadRequest]:
    for request in _requests_for(target, ids):
        if (
            not quick
            or any(part in request.name for part in QUICK)
            or request.name == "malformed-id"
        ):
            yield request


def _requests_for(target: Target, ids: dict[str, str]) -> Iterator[BadRequest]:
    prefix = PREFIXES[target.service]
    unknown = prefix + _fill(target.template, ids, UNKNOWN_ID)
    has_params = unknown != prefix + target.template and re.search(
        r"\{(?!project_id\})", target.template
    )
    json_type = {"Content-Type": "application/json"}
    if target.method in ("POST", "PUT", "PATCH"):
        for name, content in _bodies(target):
            yield BadRequest(name, unknown, json_type, content)
        yield BadRequest("empty-body", unknown, {}, b"")
        yield BadRequest("text/plain", unknown, {"Content-Type": "text/plain"}, b"{}")
    else:
        for query in BAD_QUERIES:
            yield BadRequest(query, f"{unknown}?{query}", {})
    if has_params:
        malformed = prefix + _fill(target.template, ids, MALFORMED_ID)
        yield BadRequest("malformed-id", malformed, json_type, b"{}")


# Error shapes ------------------------------------------------------------------------------


def _openstack(body: Any) -> bool:
    if not isinstance(body, dict) or len(body) != 1:
        return False
    inner = next(iter(body.values()))
    return isinstance(inner, dict) and isinstance(inner.get("message"), str) and "code" in inner


def _error_object(body: Any) -> bool:
    inner = body.get("error") if isinstance(body, dict) else None
    return isinstance(inner, dict) and isinstance(inner.get("message"), str) and "code" in inner


def _flat(body: Any) -> bool:
    return isinstance(body, dict) and {"error_code", "error_msg"} <= body.keys()


def _vpc(body: Any) -> bool:
    return (isinstance(body, dict) and {"code", "message"} <= body.keys()) or _flat(body)


def _neutron(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("NeutronError"), dict)


SHAPES = {
    "keystone": _error_object,
    "iam": _flat,
    "nova": _openstack,
    "cinder": _openstack,
    "neutron": _neutron,
    "huawei": _error_object,
    "ims": _error_object,
    "vpc": _vpc,
    "emulator": _error_object,
}


def error_shape_problem(dialect: str, body: Any) -> str | None:
    """None if `body` is an error of `dialect` (or of the API gateway, which answers first)."""
    if isinstance(body, dict) and "detail" in body:
        return "FastAPI's default body leaked out"
    if SHAPES[dialect](body) or _flat(body):
        return None
    return f"not a {dialect} error body"
