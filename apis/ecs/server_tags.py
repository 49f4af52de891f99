"""A server's tags as Nova's strings (microversion 2.26): the same TMS tags the native API
shows as key and value, "key=value" split at its first "=", a tag without "=" a key alone."""

from collections.abc import Mapping

from sqlalchemy.orm import Session

from apis.ecs import servers
from apis.ecs.models import Server
from emulator import tags
from emulator.context import RequestContext
from emulator.errors import BadRequest, NotFound

# A tag is 80 characters at most; Nova refuses "," and "/".
MAX_LENGTH = 80
MAX_TAGS = servers.MAX_TAGS


def as_strings(values: Mapping[str, str]) -> list[str]:
    return sorted(f"{key}={value}" if value else key for key, value in values.items())


def _split(tag: str) -> tuple[str, str]:
    if not isinstance(tag, str) or not 1 <= len(tag) <= MAX_LENGTH or set(tag) & {",", "/"}:
        raise BadRequest(
            f"Invalid input for field/attribute tags. Value: {tag!r}: a tag is 1 to "
            f"{MAX_LENGTH} characters without ',' or '/'."
        )
    key, _, value = tag.partition("=")
    return key, value


def of(tx: Session, server: Server) -> list[str]:
    return as_strings(tags.of(tx, servers.TAG_TYPE, server.id))


def has(tx: Session, server: Server, tag: str) -> bool:
    key, value = tag.partition("=")[::2]
    return tags.of(tx, servers.TAG_TYPE, server.id).get(key) == value


def put(
    tx: Session,
    ctx: RequestContext,
    server: Server,
    values: dict[str, str],
    codes: Mapping[str, str] | None = None,
) -> None:
    """Add or overwrite tags, whichever API asks: one limit a server (MAX_TAGS)."""
    tags.put(
        tx,
        project_id=ctx.project.id,
        resource_type=servers.TAG_TYPE,
        resource_id=server.id,
        tags=values,
        codes=codes,
        limit=MAX_TAGS,
    )


def replace(tx: Session, ctx: RequestContext, server: Server, wanted: list[str]) -> list[str]:
    values = dict(_split(tag) for tag in wanted)
    if len(values) > MAX_TAGS:
        raise BadRequest(f"The number of tags exceeded the per-server limit {MAX_TAGS}")
    tags.remove_all(tx, servers.TAG_TYPE, server.id)
    put(tx, ctx, server, values)
    return as_strings(values)


def add(tx: Session, ctx: RequestContext, server: Server, tag: str) -> bool:
    """Add one tag; False when the server already has it."""
    key, value = _split(tag)
    if has(tx, server, tag):
        return False
    if len(tags.of(tx, servers.TAG_TYPE, server.id)) >= MAX_TAGS:
        raise BadRequest(f"The number of tags exceeded the per-server limit {MAX_TAGS}")
    put(tx, ctx, server, {key: value})
    return True


def remove(tx: Session, server: Server, tag: str) -> None:
    if not has(tx, server, tag):
        raise NotFound(f"Tag '{tag}' could not be found.")
    tags.remove(tx, servers.TAG_TYPE, server.id, [tag.partition("=")[0]])


def remove_all(tx: Session, server: Server) -> None:
    tags.remove_all(tx, servers.TAG_TYPE, server.id)
