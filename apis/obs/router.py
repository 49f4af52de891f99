"""The S3/OBS HTTP surface: one route that reads bucket, key and sub-resource and dispatches.

Routers parse and render; `buckets`, `objects`, `multipart` and `listing` decide.
"""

import base64
import binascii
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect

from apis.obs import buckets, listing, multipart, objects, storage_classes, views, wire, xml
from apis.obs.auth import Authenticator, Incoming
from apis.obs.body import BodyReader
from apis.obs.context import ObsContext
from apis.obs.dialect import S3
from apis.obs.errors import (
    S3Error,
    access_denied,
    invalid_argument,
    malformed_xml,
    no_such_bucket,
    not_implemented,
)
from apis.obs.models import ObjectVersion
from apis.obs.wire import Wire
from emulator.errors import ApiError

router = APIRouter(route_class=S3.route_class)
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"]
XML = "application/xml"
SMALL_BODY = 256 * 1024


class Call:
    """One parsed request: who, which bucket and key, which sub-resources, which dialect."""

    def __init__(
        self,
        request: Request,
        ctx: ObsContext,
        headers: dict[str, str],
        query: dict[str, str],
        bucket: str | None,
        key: str | None,
        bucket_owner: str | None,
    ):
        self.request = request
        self.ctx = ctx
        self.headers = headers
        self.query = query
        self.bucket = bucket or ""
        self.key = key or ""
        self.wire: Wire = wire.wire_of(headers, ctx.caller.obs_dialect)
        self.bucket_owner = bucket_owner  # as seen when the request arrived

    def check_bucket(self) -> None:
        """Before reading a body for nothing: the bucket must exist and be the caller's."""
        if self.bucket_owner is None:
            raise no_such_bucket(self.bucket)
        if self.bucket_owner != self.ctx.caller.domain_id:
            raise access_denied()

    def body_reader(self, limit: int | None = None) -> BodyReader:
        reader = BodyReader(self.request.stream(), self.headers, self.ctx.caller)
        if limit is not None:
            reader.limit = limit
        return reader

    async def small_body(self) -> bytes:
        return await self.body_reader().read_all()


def _xml(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type=XML, headers=headers)


def _empty(status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, headers=headers)


def _split(path: str) -> tuple[str | None, str | None]:
    bucket, _, key = path.lstrip("/").partition("/")
    return bucket or None, key or None


def _query(raw: str) -> dict[str, str]:
    pairs = {}
    for part in raw.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs[unquote(name.replace("+", " "))] = unquote(value.replace("+", " "))
    return pairs


def _int(query: dict[str, str], name: str, default: int) -> int:
    value = query.get(name)
    if value is None or value == "":
        return default
    if not value.lstrip("-").isdigit() or int(value) < 0:
        raise invalid_argument(
            f"Provided {name} not an integer or within integer range", name, value
        )
    return int(value)


@router.api_route("/{path:path}", methods=METHODS)
async def handle(request: Request) -> Response:
    route = request.scope["flexemu.route"]
    emulator = request.scope["flexemu.emulator"]
    headers = {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in request.scope["headers"]
    }
    raw_query = request.scope.get("query_string", b"").decode("latin-1")
    query = _query(raw_query)
    if "apiversion" in query and request.method in ("HEAD", "GET"):
        return _empty(200, {"x-obs-api": "3.0"})
    try:
        return await _dispatch(request, route, emulator, headers, raw_query, query)
    except ClientDisconnect:
        return _empty(400)
    except ApiError as error:
        if _body_left_unread(request, headers):
            # The client may still send it (or, told "100-continue" never came, never will):
            # either way this connection cannot carry another request.
            error.headers["Connection"] = "close"
        raise


async def _dispatch(
    request: Request,
    route: Any,
    emulator: Any,
    headers: dict[str, str],
    raw_query: str,
    query: dict[str, str],
) -> Response:
    bucket, key = _split(route.path)
    incoming = Incoming(
        request.method,
        request.scope.get("raw_path", b"").decode("latin-1") or route.original_path,
        raw_query,
        list(headers.items()),
        route.bucket,
    )
    skew = timedelta(minutes=emulator.settings.signature_skew_minutes)
    with emulator.db.transaction() as tx:
        caller = Authenticator(tx, emulator.clock.now(), skew).caller(incoming)
        owner = buckets.owner_of(tx, bucket) if bucket else None
    ctx = ObsContext(
        emulator,
        caller,
        request.scope.get("flexemu.request_id", ""),
        _region(emulator, route.region, caller.region),
    )
    call = Call(request, ctx, headers, query, bucket, key, owner)
    if bucket is None:
        return _service(call)
    if key is None:
        return await _bucket(call)
    return await _object(call)


def _region(emulator: Any, host_region: str | None, signed_region: str | None) -> str:
    """Where a new bucket goes by default: the Host label's region, else the SigV4 scope's if
    it is a region of the cloud (esdk-obs-python signs "region"), else the default region."""
    for region in (host_region, signed_region):
        if region and region in emulator.topology.regions:
            return str(region)
    return str(emulator.settings.default_region)


def _body_left_unread(request: Request, headers: dict[str, str]) -> bool:
    declared = headers.get("content-length", "0")
    has_body = (declared.isdigit() and int(declared) > 0) or "transfer-encoding" in headers
    return has_body and not getattr(request, "_stream_consumed", False)


def _service(call: Call) -> Response:
    if call.request.method != "GET":
        raise S3Error(
            "MethodNotAllowed", "The specified method is not allowed against this resource.", 405
        )
    rows = buckets.owned(call.ctx)
    return _xml(views.buckets(call.ctx.caller.domain_id, rows, call.wire))


# Buckets --------------------------------------------------------------------------------------

# ACLs, policies, versioning, tagging, CORS, lifecycle ...: the next issue (501 until then).
NEXT_ISSUE_SUBRESOURCES = (
    "acl",
    "policy",
    "cors",
    "lifecycle",
    "tagging",
    "website",
    "logging",
    "notification",
    "replication",
    "encryption",
    "requestPayment",
    "accelerate",
    "object-lock",
    "inventory",
    "metrics",
    "analytics",
    "ownershipControls",
    "publicAccessBlock",
    "intelligent-tiering",
    "versions",
)


async def _bucket(call: Call) -> Response:
    method, query, name = call.request.method, call.query, call.bucket
    pending = [sub for sub in NEXT_ISSUE_SUBRESOURCES if sub in query]
    if pending or (method == "PUT" and "versioning" in query):
        raise not_implemented(f"The bucket sub-resource ?{(pending or ['versioning'])[0]}")
    if method == "PUT":
        if "quota" in query:
            return await _put_quota(call)
        if "storageClass" in query or "storagePolicy" in query:
            return await _put_default_class(call)
        return await _create_bucket(call)
    if method == "HEAD":
        row = buckets.get(call.ctx, name)
        return _empty(
            200,
            {
                "x-amz-bucket-region": row.region,
                "x-obs-bucket-location": row.region,
                call.wire.prefix + "storage-class": call.wire.storage_class(row.storage_class),
            },
        )
    if method == "DELETE":
        buckets.delete(call.ctx, name)
        return _empty(204)
    if method == "POST":
        if "delete" in query:
            return await _delete_many(call)
        raise not_implemented("This POST on a bucket")
    return _get_bucket(call)


def _get_bucket(call: Call) -> Response:
    query, name = call.query, call.bucket
    if "location" in query:
        return _xml(views.location(buckets.get(call.ctx, name).region, call.wire))
    if "uploads" in query:
        prefix = query.get("prefix", "")
        rows = multipart.list_uploads(call.ctx, name, prefix)
        return _xml(views.uploads(name, rows, prefix, _int(query, "max-uploads", 1000), call.wire))
    if "quota" in query:
        return _xml(views.quota(buckets.get(call.ctx, name).quota_bytes))
    if "storageinfo" in query:
        return _xml(views.storage_info(buckets.get(call.ctx, name)))
    if "storageClass" in query or "storagePolicy" in query:
        return _xml(
            views.default_class(buckets.get(call.ctx, name), call.wire, "storagePolicy" in query)
        )
    if "versioning" in query:
        buckets.get(call.ctx, name)
        return _xml(views.versioning())
    return _list_objects(call)


def _list_objects(call: Call) -> Response:
    query, name = call.query, call.bucket
    prefix, delimiter = query.get("prefix", ""), query.get("delimiter", "")
    max_keys = min(_int(query, "max-keys", 1000), listing.MAX_KEYS)
    encoding = query.get("encoding-type")
    if encoding not in (None, "url"):
        raise invalid_argument(
            "Invalid Encoding Method specified in Request", "encoding-type", encoding
        )
    if query.get("list-type") == "2":
        token = query.get("continuation-token")
        start_after = query.get("start-after")
        after = _cursor(token) if token is not None else (start_after or "")
        result = listing.list_keys(call.ctx, name, prefix, delimiter, after, max_keys)
        return _xml(
            views.objects_v2(
                name,
                result,
                call.wire,
                prefix,
                delimiter,
                start_after,
                token,
                max_keys,
                encoding,
                query.get("fetch-owner") == "true",
            )
        )
    marker = query.get("marker", "")
    result = listing.list_keys(call.ctx, name, prefix, delimiter, marker, max_keys)
    return _xml(
        views.objects_v1(name, result, call.wire, prefix, delimiter, marker, max_keys, encoding)
    )


def _cursor(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid_argument(
            "The continuation token provided is incorrect", "continuation-token", token
        ) from None


async def _create_bucket(call: Call) -> Response:
    body = await call.small_body()
    region = call.ctx.default_region
    if body.strip():
        config = xml.parse(body, "CreateBucketConfiguration")
        region = (
            xml.text(config, "LocationConstraint") or xml.text(config, "Location") or region
        ).strip()
    storage_class = wire.header_class(
        call.headers, "x-obs-storage-class", "x-default-storage-class", "x-amz-storage-class"
    )
    buckets.create(call.ctx, call.bucket, region, storage_class or "STANDARD")
    return _empty(200, {"Location": "/" + call.bucket})


async def _put_quota(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "Quota")
    value = (xml.text(document, "StorageQuota") or "").strip()
    if not value.isdigit():
        raise malformed_xml()
    buckets.set_quota(call.ctx, call.bucket, int(value))
    return _empty(200)


async def _put_default_class(call: Call) -> Response:
    body = await call.small_body()
    document = xml.parse(body, "StorageClass" if "storageClass" in call.query else "StoragePolicy")
    value = (
        document.text if "storageClass" in call.query else xml.text(document, "DefaultStorageClass")
    )
    buckets.set_default_class(call.ctx, call.bucket, storage_classes.parse(value or ""))
    return _empty(200)


async def _delete_many(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "Delete")
    keys = [xml.text(entry, "Key") for entry in xml.children(document, "Object")]
    if not keys or len(keys) > 1000 or any(key is None for key in keys):
        raise malformed_xml()
    quiet = (xml.text(document, "Quiet") or "").strip().lower() == "true"
    chosen = [key for key in keys if key is not None]
    with call.ctx.transaction() as tx:
        objects.remove(tx, call.ctx, buckets.find(tx, call.ctx, call.bucket), chosen)
    return _xml(views.deleted(chosen, quiet))


# Objects --------------------------------------------------------------------------------------


async def _object(call: Call) -> Response:
    method, query = call.request.method, call.query
    if method == "GET":
        if "uploadId" in query:
            return _list_parts(call)
        return _get_object(call, head=False)
    if method == "HEAD":
        return _get_object(call, head=True)
    if method == "PUT":
        if "uploadId" in query or "partNumber" in query:
            return await _put_part(call)
        if call.headers.get(call.wire.prefix + "copy-source") or call.headers.get(
            "x-amz-copy-source"
        ):
            return _copy_object(call)
        return await _put_object(call)
    if method == "DELETE":
        if "uploadId" in query:
            multipart.abort(call.ctx, call.bucket, call.key, query["uploadId"])
        else:
            objects.delete(call.ctx, call.bucket, call.key)
        return _empty(204)
    if "uploads" in query:
        upload = multipart.initiate(call.ctx, call.bucket, call.key, wire.new_object(call.headers))
        return _xml(views.initiated(call.bucket, upload))
    if "uploadId" in query:
        return await _complete(call)
    if "restore" in query:
        return await _restore(call)
    if "append" in query:
        return await _append(call)
    raise not_implemented("This POST on an object")


async def _put_object(call: Call) -> Response:
    spec = wire.new_object(call.headers)
    call.check_bucket()
    received = await call.body_reader().store(call.ctx.blobs)
    spec.checksums = received.checksums
    row = objects.put(call.ctx, call.bucket, call.key, received.blob, spec)
    headers = {"ETag": row.etag}
    if row.storage_class != "STANDARD":
        headers[call.wire.prefix + "storage-class"] = call.wire.storage_class(row.storage_class)
    for algorithm, value in row.checksums.items():
        headers["x-amz-checksum-" + algorithm.lower()] = value
    return _empty(200, headers)


def _get_object(call: Call, head: bool) -> Response:
    return objects.read(call.ctx, call.bucket, call.key, lambda row: _answer(call, row, head))


def _answer(call: Call, row: ObjectVersion, head: bool) -> tuple[Response, int]:
    """The response to a GET or HEAD of `row`, and the bytes of body it sends."""
    now = call.ctx.now()
    with_checksums = call.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED"
    headers = wire.object_headers(row, call.wire, now, call.query, with_checksums)
    if wire.not_modified(row, call.headers):
        return _empty(304, {name: headers[name] for name in ("ETag", "Last-Modified")}), 0
    if "partNumber" in call.query:
        raise not_implemented("GET with partNumber")
    if not head and not objects.readable(row, now):
        raise objects.invalid_state(row)
    chosen = wire.byte_range(call.headers.get("range"), row.size)
    start, length, status = 0, row.size, 200
    if chosen is not None:
        start, end = chosen
        length = end - start + 1
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{row.size}"
        for name in [name for name in headers if name.startswith("x-amz-checksum-")]:
            del headers[name]  # they describe the whole object
    headers["Content-Length"] = str(length)
    if head:
        return Response(status_code=status, headers=headers), 0
    if length <= SMALL_BODY:  # one send: cheaper than streaming for small objects
        data = b"".join(call.ctx.blobs.read_range(row.blob, start, length))
        return Response(data, status_code=status, headers=headers), length
    body = _stream(call.ctx, row.blob, start, length)
    return StreamingResponse(body, status_code=status, headers=headers), length


async def _stream(ctx: ObsContext, digest: str, start: int, length: int) -> AsyncIterator[bytes]:
    for chunk in ctx.blobs.read_range(digest, start, length):
        yield chunk


def _copy_source(call: Call) -> tuple[str, str]:
    source = call.headers.get(call.wire.prefix + "copy-source") or call.headers.get(
        "x-amz-copy-source", ""
    )
    path = unquote(source.partition("?")[0]).lstrip("/")
    bucket, _, key = path.partition("/")
    if not bucket or not key:
        raise invalid_argument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
            "x-amz-copy-source",
            source,
        )
    return bucket, key


def _copy_object(call: Call) -> Response:
    source_bucket, source_key = _copy_source(call)
    prefix = call.wire.prefix
    directive = call.headers.get(prefix + "metadata-directive", "COPY").upper()
    if directive not in ("COPY", "REPLACE"):
        raise invalid_argument(
            "Unknown metadata directive.", prefix + "metadata-directive", directive
        )
    replacement = wire.new_object(call.headers) if directive == "REPLACE" else None
    storage_class = wire.header_class(call.headers, "x-amz-storage-class", "x-obs-storage-class")
    row = objects.copy(
        call.ctx,
        source_bucket,
        source_key,
        call.bucket,
        call.key,
        replacement,
        storage_class,
        lambda source: wire.check_copy_source(source, call.headers, prefix),
    )
    return _xml(views.copy_result("CopyObjectResult", row.etag, wire.iso_date(row.last_modified)))


async def _put_part(call: Call) -> Response:
    query = call.query
    number = multipart.check_part_number(query.get("partNumber", ""))
    upload_id = query.get("uploadId", "")
    multipart.check_upload(call.ctx, call.bucket, call.key, upload_id)
    if call.headers.get(call.wire.prefix + "copy-source") or call.headers.get("x-amz-copy-source"):
        return _copy_part(call, upload_id, number)
    received = await call.body_reader().store(call.ctx.blobs)
    part = multipart.put_part(call.ctx, call.bucket, call.key, upload_id, number, received.blob)
    return _empty(200, {"ETag": part.etag})


def _copy_part(call: Call, upload_id: str, number: int) -> Response:
    source_bucket, source_key = _copy_source(call)
    prefix = call.wire.prefix
    source = multipart.source_for_copy(
        call.ctx,
        source_bucket,
        source_key,
        lambda row: wire.check_copy_source(row, call.headers, prefix),
    )
    start, length = 0, source.size
    range_header = call.headers.get(prefix + "copy-source-range")
    if range_header:
        chosen = wire.byte_range(range_header, source.size)
        if chosen is None:
            raise invalid_argument(
                "The x-amz-copy-source-range value must be of the form "
                "bytes=first-last where first and last are the zero-based "
                "offsets of the first and last bytes to copy",
                "x-amz-copy-source-range",
                range_header,
            )
        start, length = chosen[0], chosen[1] - chosen[0] + 1
    with call.ctx.blobs.writer() as writer:
        for chunk in call.ctx.blobs.read_range(source.blob, start, length):
            writer.write(chunk)
        blob = writer.finish()
    part = multipart.put_part(call.ctx, call.bucket, call.key, upload_id, number, blob)
    return _xml(views.copy_result("CopyPartResult", part.etag, wire.iso_date(part.last_modified)))


def _list_parts(call: Call) -> Response:
    marker = _int(call.query, "part-number-marker", 0)
    max_parts = min(_int(call.query, "max-parts", 1000), 1000)
    upload, rows, truncated = multipart.list_parts(
        call.ctx, call.bucket, call.key, call.query["uploadId"], marker, max_parts
    )
    return _xml(views.parts(call.bucket, upload, rows, marker, max_parts, truncated, call.wire))


async def _complete(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "CompleteMultipartUpload")
    requested: list[tuple[int, str]] = []
    for part in xml.children(document, "Part"):
        number, etag = xml.text(part, "PartNumber"), xml.text(part, "ETag")
        if number is None or etag is None or not number.strip().isdigit():
            raise malformed_xml()
        requested.append((int(number), etag))
    done = multipart.complete(call.ctx, call.bucket, call.key, call.query["uploadId"], requested)
    location = (
        f"{call.request.url.scheme}://{call.request.headers.get('host', '')}"
        f"/{call.bucket}/{call.key}"
    )
    return _xml(views.completed(location, call.bucket, call.key, done.row.etag))


async def _restore(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "RestoreRequest")
    days_text = (xml.text(document, "Days") or "1").strip()
    if not days_text.isdigit() or int(days_text) < 1:
        raise malformed_xml()
    tier = "Standard"
    for container in ("GlacierJobParameters", "RestoreJob"):
        for element in xml.children(document, container):
            tier = (xml.text(element, "Tier") or tier).strip()
    status = objects.restore(call.ctx, call.bucket, call.key, int(days_text), tier)
    return _empty(status)


async def _append(call: Call) -> Response:
    position_text = call.query.get("position", "")
    if not position_text.isdigit():
        raise invalid_argument("The position of the append is invalid.", "position", position_text)
    spec = wire.new_object(call.headers)
    call.check_bucket()
    received = await call.body_reader().store(call.ctx.blobs)
    row = objects.append(call.ctx, call.bucket, call.key, int(position_text), received.blob, spec)
    return _empty(200, {"ETag": row.etag, "x-obs-next-append-position": str(row.size)})
