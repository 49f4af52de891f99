"""The data of private images: uploaded into the blob store (state/blobs.py) and referenced by
the image row as OBS objects reference theirs; downloaded from it."""

import hashlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from apis.ims import operations
from apis.ims.models import PrivateImage
from emulator.context import RequestContext
from emulator.errors import BadRequest, Conflict, Forbidden
from state import blobs


async def upload(ctx: RequestContext, image_id: str, chunks: AsyncIterator[bytes]) -> None:
    """PUT .../file: the data streamed into the blob store; `saving` while it arrives, then
    `active` with its md5 checksum, sha512 hash and size."""
    with ctx.transaction() as tx:
        row = operations.owned(tx, ctx, image_id)
        if row.status != "queued":
            raise Conflict(f"Image status transition from {row.status} to saving is not allowed")
        if row.disk_format is None or row.container_format is None:
            raise BadRequest(
                "Properties disk_format, container_format must be set prior to saving data."
            )
        row.status = "saving"
    sha512 = hashlib.sha512()
    try:
        with ctx.emulator.blobs.writer([sha512]) as writer:
            async for chunk in chunks:
                writer.write(chunk)
            blob = writer.finish()
    except BaseException:
        _set_status(ctx, image_id, "queued")
        raise
    try:
        _keep_data(ctx, image_id, blob, sha512.hexdigest())
    except BaseException:
        operations.collect_blobs(ctx, [blob.digest])
        raise


def _keep_data(ctx: RequestContext, image_id: str, blob: blobs.Blob, sha512: str) -> None:
    with ctx.transaction() as tx:
        row = operations.owned(tx, ctx, image_id)
        blobs.retain(tx, blob)
        row.blob, row.size, row.checksum = blob.digest, blob.size, blob.md5
        row.os_hash_value = sha512
        row.status = "active"
        row.updated_at = ctx.now()


def _set_status(ctx: RequestContext, image_id: str, status: str) -> None:
    with ctx.transaction() as tx:
        row = tx.get(PrivateImage, image_id)
        if row is not None:
            row.status = status


@dataclass(frozen=True)
class ImageData:
    size: int
    md5: str
    chunks: Iterator[bytes]


def download(ctx: RequestContext, image_id: str) -> ImageData | None:
    """GET .../file: the data of a private image; None when it has none (public images
    included: their data is not served)."""
    image = operations.show(ctx, image_id)
    if image.status == "deactivated":
        raise Forbidden(
            "The requested image has been deactivated. Image data download is forbidden."
        )
    with ctx.emulator.db.reading() as tx:
        row = tx.get(PrivateImage, image_id)
        digest = row.blob if row is not None else None
    if digest is None or image.size is None:
        return None
    chunks = ctx.emulator.blobs.read_range(digest, 0, image.size)
    return ImageData(image.size, image.checksum or "", chunks)
