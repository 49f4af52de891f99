"""The S3/OBS HTTP surface: one route that reads bucket, key and sub-resource and dispatches.

Routers parse and render; `buckets`, `objects`, `multipart` and `listing` decide.
"""

import base64
import binascii
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection
from starlette.requests import ClientDisconnect

from apis.obs import (
    access,
    acl,
    bucket_logging,
    buckets,
    cors,
    encryption,
    lifecycle_sweep,
    listing,
    multipart,
    objects,
    policy,
    post_form,
    storage_classes,
    tagging,
    views,
    website,
    wire,
    xml,
)
from apis.obs.auth import Authenticator, Caller, Incoming, anonymous
from apis.obs.body import MAX_SINGLE_PUT, BodyReader
from apis.obs.context import ObsContext
from apis.obs.documents import Document, Submitted
from apis.obs.errors import (
    S3Error,
    access_denied,
    invalid_argument,
    malformed_xml,
    no_such_bucket,
    not_implemented,
)
from apis.obs.models import Version
from apis.obs.wire import Wire
from emulator.errors import ApiError

# The OBS API version: answered to esdk's negotiation (HEAD /?apiversion) and on HEAD bucket.
OBS_VERSION = "3.0"
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS"]
READ_METHODS = ("GET", "HEAD")
XML = "application/xml"
SMALL_BODY = 256 * 1024
FORM_PIECE = 1024 * 1024  # a form's file goes to the blob store a MiB at a time


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
        """Before reading a body for nothing: the bucket must exist (access is decided)."""
        if self.bucket_owner is None:
            raise no_such_bucket(self.bucket)

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
        return _empty(200, {"x-obs-api": OBS_VERSION})
    bucket = _split(route.path)[0]
    if request.method == "OPTIONS":
        return _preflight(emulator, bucket, headers)
    try:
        response = await _dispatch(request, route, emulator, headers, raw_query, query)
    except ClientDisconnect:
        return _empty(400)
    except ApiError as error:
        if _body_left_unread(request, headers):
            # The client may still send it (or, told "100-continue" never came, never will):
            # either way this connection cannot carry another request.
            error.headers["Connection"] = "close"
        if bucket and "origin" in headers:  # S3 sends them with errors too
            error.headers.update(_cors_headers(emulator, bucket, request.method, headers))
        raise
    if bucket and "origin" in headers:
        response.headers.update(_cors_headers(emulator, bucket, request.method, headers))
    return response


def _preflight(emulator: Any, bucket: str | None, headers: dict[str, str]) -> Response:
    """A CORS preflight: answered from the bucket's rules, without authentication."""
    if bucket is None:
        raise S3Error("BadRequest", "A preflight request names a bucket.", 400)
    with emulator.db.transaction() as tx:
        rules = buckets.cors_rules(tx, bucket)
    if rules is None:
        raise no_such_bucket(bucket)
    return _empty(200, cors.preflight(rules, headers))


def _cors_headers(
    emulator: Any, bucket: str, method: str, headers: dict[str, str]
) -> dict[str, str]:
    """CORS headers of a request from a browser (Origin) that one of the bucket's rules allows."""
    with emulator.db.transaction() as tx:
        rules = buckets.cors_rules(tx, bucket) or []
    rule = cors.matching(rules, headers["origin"], method, [])
    return cors.response_headers(rule, headers["origin"]) if rule else {}


async def _dispatch(
    request: Request,
    route: Any,
    emulator: Any,
    headers: dict[str, str],
    raw_query: str,
    query: dict[str, str],
) -> Response:
    bucket, key = _split(route.path)
    form = headers.get("content-type", "").startswith("multipart/form-data")
    if form and request.method == "POST" and key is None and not query:
        return await _form_upload(request, route, emulator, headers, bucket)
    incoming = Incoming(
        request.method,
        request.scope.get("raw_path", b"").decode("latin-1") or route.original_path,
        raw_query,
        list(headers.items()),
        route.bucket,
    )
    skew = timedelta(minutes=emulator.settings.signature_skew_minutes)
    # A GET or HEAD has no body to wait for: its operation joins the transaction that checks
    # the caller; other methods check it with reads only.
    joined = request.method in READ_METHODS
    with emulator.db.statements() if joined else emulator.db.reads() as tx:
        authenticator = Authenticator(tx, emulator.clock.now(), skew, bucket)
        caller = authenticator.caller(incoming)
        decision = _authorize(
            tx, request, caller, headers, query, bucket, key, authenticator.bucket_access
        )
        ctx = ObsContext(
            emulator,
            caller,
            request.scope.get("flexemu.request_id", ""),
            _region(emulator, route.region, caller.region),
            decision.buckets,
            tx if joined else None,
        )
        call = Call(request, ctx, headers, query, bucket, key, decision.owner)
        if joined:
            return await _operation(call)
    return await _operation(call)


async def _form_upload(
    request: Request, route: Any, emulator: Any, headers: dict[str, str], bucket: str | None
) -> Response:
    """POST Object: a browser form's file, stored as its policy's signer (or anyone) may."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_SINGLE_PUT:
        raise S3Error(
            "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size."
        )
    form = await post_form.parse(request)
    try:
        return await _store_form(request, route, emulator, form, bucket or "")
    finally:
        await form.file.close()


async def _store_form(
    request: Request, route: Any, emulator: Any, form: post_form.Form, bucket: str
) -> Response:
    if not form.fields.get("key"):
        raise invalid_argument("Bucket POST must contain a field named 'key'.", "key", "")
    key, now = form.key, emulator.clock.now()
    skew = timedelta(minutes=emulator.settings.signature_skew_minutes)
    with emulator.db.reads() as tx:
        authenticator = Authenticator(tx, now, skew, bucket)
        caller = authenticator.form_caller(form.fields)
        if not caller.anonymous:
            post_form.check(form, bucket, now, caller.obs_dialect == "s3")
        # The form's fields say what headers say in a PUT: Content-Type, x-amz-meta-*, acl ...
        fields = dict(form.fields)
        if "acl" in fields:
            fields[("x-obs-" if caller.obs_dialect == "obs" else "x-amz-") + "acl"] = fields["acl"]
        decision = _authorize(
            tx, request, caller, fields, {}, bucket, key, authenticator.bucket_access
        )
    ctx = ObsContext(
        emulator,
        caller,
        request.scope.get("flexemu.request_id", ""),
        _region(emulator, route.region, caller.region),
        decision.buckets,
        None,
    )
    call = Call(request, ctx, fields, {}, bucket, key, decision.owner)
    call.check_bucket()
    spec = wire.new_object(fields)
    spec.grants = _requested_acl(call, caller.domain_id)
    with ctx.blobs.writer() as writer:
        while piece := await form.file.read(FORM_PIECE):
            writer.write(piece)
        blob = writer.finish()
    row = objects.put(ctx, bucket, key, blob, spec)
    location = _object_url(request, bucket, key)
    answer = {"ETag": row.etag, "Location": location, **views.version_headers(row, call.wire)}
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        added = urlencode({"bucket": bucket, "key": key, "etag": row.etag})
        answer["Location"] = f"{redirect}{'&' if '?' in redirect else '?'}{added}"
        return _empty(303, answer)
    status = fields.get("success_action_status")
    if status == "201":
        return _xml(views.posted(location, bucket, key, row.etag), 201, answer)
    return _empty(200 if status == "200" else 204, answer)


def _object_url(request: Request, bucket: str, key: str) -> str:
    """An object's URL as the client names its bucket: in the path, or in the Host."""
    in_path = "" if request.scope["flexemu.route"].bucket else "/" + bucket
    return f"{request.url.scheme}://{request.headers.get('host', '')}{in_path}/{quote(key)}"


async def _operation(call: Call) -> Response:
    bucket, key = call.bucket or None, call.key or None
    if bucket is None:
        return _service(call)
    if key is None:
        return await _bucket(call)
    return await _object(call)


def _authorize(
    tx: Connection,
    request: Request,
    caller: Caller,
    headers: dict[str, str],
    query: dict[str, str],
    bucket: str | None,
    key: str | None,
    known: access.BucketAccess | None,
) -> access.Decision:
    """The request's one authorization decision (an AccessDenied error when refused): on its
    bucket or key (its access columns `known` if authentication read them) and, for a copy,
    on the source object too."""
    if bucket is None:
        if caller.anonymous:
            raise anonymous()
        return access.Decision(None, True)
    secure = request.scope.get("scheme") == "https"
    client = request.client.host if request.client else ""
    context = access.context_of(headers, query, client, secure)
    action = access.action_of(request.method, query, key)
    decision = access.decide(tx, caller, bucket, key, action, context, known)
    source_bucket, source_key, _ = _copy_source_of(headers)
    if decision.allowed and request.method == "PUT" and source_bucket and source_key:
        source = access.decide(tx, caller, source_bucket, source_key, "s3:GetObject", context)
        decision = access.Decision(
            decision.owner, source.allowed, decision.buckets | {source_bucket}
        )
    if not decision.allowed:
        raise anonymous() if caller.anonymous else access_denied()
    return decision


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

# Bucket sub-resources the emulator does not implement: 501 NotImplemented.
UNSUPPORTED_SUBRESOURCES = (
    "notification",
    "replication",
    "requestPayment",
    "accelerate",
    "object-lock",
    "inventory",
    "metrics",
    "analytics",
    "ownershipControls",
    "publicAccessBlock",
    "intelligent-tiering",
    "policyStatus",
    # OBS's own: custom domains, public status, compression, DIS, cold access, aliases.
    "customdomain",
    "bucketStatus",
    "obscompresspolicy",
    "disPolicy",
    "directcoldaccess",
    "obsbucketalias",
    "obsalias",
)

# Object sub-resources the emulator does not implement: 501 NotImplemented.
UNSUPPORTED_OBJECT_SUBRESOURCES = (
    "attributes",
    "retention",
    "legal-hold",
    "torrent",
    "x-obs-accesslabel",
    "x-image-process",  # OBS image processing: the original is not what was asked for
    # Parallel file systems' file operations (esdk truncateFile, modifyFile, renameFile).
    "truncate",
    "modify",
    "rename",
)


DEFAULT_CLASS_HEADER = {"obs": "x-obs-storage-class", "s3": "x-default-storage-class"}

# The bucket's configuration documents, by sub-resource.
DOCUMENTS = {
    "tagging": tagging.BUCKET_DOCUMENT,
    "cors": cors.BUCKET_DOCUMENT,
    "lifecycle": lifecycle_sweep.BUCKET_DOCUMENT,
    "website": website.BUCKET_DOCUMENT,
    "acl": acl.BUCKET_DOCUMENT,
    "policy": policy.BUCKET_DOCUMENT,
    "logging": bucket_logging.BUCKET_DOCUMENT,
    "encryption": encryption.BUCKET_DOCUMENT,
}


async def _bucket(call: Call) -> Response:
    method, query, name = call.request.method, call.query, call.bucket
    pending = [sub for sub in UNSUPPORTED_SUBRESOURCES if sub in query]
    if pending:
        raise not_implemented(f"The bucket sub-resource ?{pending[0]}")
    chosen = [document for sub, document in DOCUMENTS.items() if sub in query]
    if chosen and method in ("GET", "PUT", "DELETE"):
        return await _bucket_document(call, chosen[0])
    if method == "PUT":
        if "versioning" in query:
            return await _put_versioning(call)
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
                "x-obs-version": OBS_VERSION,
                # OBS names the default class x-default-storage-class in its S3 dialect.
                DEFAULT_CLASS_HEADER[call.wire.dialect]: call.wire.storage_class(row.storage_class),
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
        page = _marked_page(query, "upload-id-marker", "max-uploads")
        uploads = listing.list_uploads(call.ctx, name, page)
        return _xml(views.uploads(name, page, uploads, call.wire))
    if "quota" in query:
        return _xml(views.quota(buckets.get(call.ctx, name).quota_bytes))
    if "storageinfo" in query:
        return _xml(views.storage_info(buckets.get(call.ctx, name)))
    if "storageClass" in query or "storagePolicy" in query:
        return _xml(
            views.default_class(buckets.get(call.ctx, name), call.wire, "storagePolicy" in query)
        )
    if "versioning" in query:
        return _xml(views.versioning(buckets.get(call.ctx, name).versioning))
    if "versions" in query:
        return _list_versions(call)
    return _list_objects(call)


async def _bucket_document(call: Call, document: Document) -> Response:
    method = call.request.method
    if method == "PUT":
        call.check_bucket()
        submitted = Submitted(
            await call.small_body(), call.headers, call.ctx, call.bucket, call.bucket_owner or ""
        )
        value = document.parse(submitted)
        buckets.configure(call.ctx, call.bucket, document.column, value, document.stored)
        return _empty(document.put_status)
    if method == "DELETE":
        buckets.configure(call.ctx, call.bucket, document.column, document.empty, document.stored)
        return _empty(204)
    row = buckets.get(call.ctx, call.bucket)
    value = getattr(row, document.column)
    if not value and document.missing is not None:
        raise document.missing(call.bucket)
    return Response(document.render(value, row, call.wire), media_type=document.media_type)


def _marked_page(query: dict[str, str], id_marker: str, max_name: str) -> listing.MarkedPage:
    return listing.MarkedPage(
        query.get("prefix", ""),
        query.get("delimiter", ""),
        query.get("key-marker", ""),
        query.get(id_marker, ""),
        min(_int(query, max_name, 1000), listing.MAX_KEYS),
    )


def _list_versions(call: Call) -> Response:
    page = _marked_page(call.query, "version-id-marker", "max-keys")
    result = listing.list_versions(call.ctx, call.bucket, page)
    return _xml(views.versions(call.bucket, page, result, call.wire))


async def _put_versioning(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "VersioningConfiguration")
    status = (xml.text(document, "Status") or "").strip()
    if status not in ("Enabled", "Suspended"):
        raise malformed_xml()
    buckets.set_versioning(call.ctx, call.bucket, status)
    return _empty(200)


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
    grants = _requested_acl(call, call.ctx.caller.domain_id)
    buckets.create(call.ctx, call.bucket, region, storage_class or "STANDARD", grants)
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
    entries = [xml.texts(child) for child in xml.children(document, "Object")]
    if not entries or len(entries) > 1000 or any("Key" not in entry for entry in entries):
        raise malformed_xml()
    quiet = xml.texts(document).get("Quiet", "").strip().lower() == "true"
    chosen = [(entry["Key"], entry.get("VersionId")) for entry in entries]
    keys = [key for key, _ in chosen]
    versions_named = any(version for _, version in chosen)
    if not versions_named and objects.remove_unversioned(call.ctx, call.bucket, keys):
        gone = objects.Deleted(None, False)
        return _xml(views.deleted([(key, gone) for key in keys], quiet))
    now, caller = call.ctx.now(), call.ctx.caller.domain_id
    with call.ctx.transaction() as tx:
        bucket = buckets.find(tx, call.ctx, call.bucket)
        done = [
            (key, objects.delete_one(tx, bucket, key, version, now, caller))
            for key, version in chosen
        ]
    return _xml(views.deleted(done, quiet))


# Objects --------------------------------------------------------------------------------------


async def _object(call: Call) -> Response:
    method, query = call.request.method, call.query
    pending = [sub for sub in UNSUPPORTED_OBJECT_SUBRESOURCES if sub in query] if query else []
    if pending:
        raise not_implemented(f"The object sub-resource ?{pending[0]}")
    if "tagging" in query and method in ("GET", "PUT", "DELETE"):
        return await _object_tagging(call)
    if "acl" in query and method in ("GET", "PUT"):
        return await _object_acl(call)
    if method == "GET":
        if "uploadId" in query:
            return _list_parts(call)
        return _get_object(call, head=False)
    if method == "HEAD":
        return _get_object(call, head=True)
    if method == "PUT":
        if "uploadId" in query or "partNumber" in query:
            return await _put_part(call)
        if "metadata" in query:
            return _set_metadata(call)
        if call.headers.get(call.wire.prefix + "copy-source") or call.headers.get(
            "x-amz-copy-source"
        ):
            return _copy_object(call)
        return await _put_object(call)
    if method == "DELETE":
        if "uploadId" in query:
            multipart.abort(call.ctx, call.bucket, call.key, query["uploadId"])
            return _empty(204)
        deleted = objects.delete(call.ctx, call.bucket, call.key, query.get("versionId"))
        return _empty(204, views.deleted_headers(deleted, call.wire))
    if "uploads" in query:
        spec = wire.new_object(call.headers)
        spec.grants = _requested_acl(call, call.ctx.caller.domain_id)
        upload = multipart.initiate(call.ctx, call.bucket, call.key, spec)
        return _xml(views.initiated(call.bucket, upload))
    if "uploadId" in query:
        return await _complete(call)
    if "restore" in query:
        return await _restore(call)
    if "append" in query:
        return await _append(call)
    raise not_implemented("This POST on an object")


async def _object_tagging(call: Call) -> Response:
    version_id = call.query.get("versionId")
    method = call.request.method
    if method == "GET":
        row = objects.describe(call.ctx, call.bucket, call.key, version_id)
        return _xml(tagging.document(row.tags), headers=views.version_headers(row, call.wire))
    tags = {}
    if method == "PUT":
        call.check_bucket()
        tags = tagging.from_document(await call.small_body(), tagging.OBJECT_LIMIT)
    row = objects.annotate(call.ctx, call.bucket, call.key, version_id, tags=tags)
    return _empty(200 if method == "PUT" else 204, views.version_headers(row, call.wire))


def _requested_acl(call: Call, owner_id: str) -> list[acl.Grant]:
    """The ACL a write asks for in its headers (canned or grants), else private."""
    grants = acl.from_headers(call.headers, owner_id, call.bucket_owner or owner_id)
    if grants is None:
        return []
    with call.ctx.transaction() as tx:
        return acl.checked(tx, grants)


async def _object_acl(call: Call) -> Response:
    version_id = call.query.get("versionId")
    row = objects.describe(call.ctx, call.bucket, call.key, version_id)
    headers = views.version_headers(row, call.wire)
    if call.request.method == "GET":
        return _xml(acl.document(row.grants, row.owner_id, call.wire), headers=headers)
    submitted = Submitted(
        await call.small_body(), call.headers, call.ctx, call.bucket, call.bucket_owner or ""
    )
    grants = acl.submitted(submitted, row.owner_id, call.bucket_owner or "")
    objects.annotate(call.ctx, call.bucket, call.key, version_id, grants=grants)
    return _empty(200, headers)


async def _put_object(call: Call) -> Response:
    spec = wire.new_object(call.headers)
    call.check_bucket()
    spec.grants = _requested_acl(call, call.ctx.caller.domain_id)
    received = await call.body_reader().store(call.ctx.blobs)
    spec.checksums = received.checksums
    row = objects.put(
        call.ctx,
        call.bucket,
        call.key,
        received.blob,
        spec,
        call.headers.get("if-match"),
        call.headers.get("if-none-match"),
    )
    headers = {"ETag": row.etag, **views.version_headers(row, call.wire)}
    if row.storage_class != "STANDARD":
        headers[call.wire.prefix + "storage-class"] = call.wire.storage_class(row.storage_class)
    for algorithm, value in row.checksums.items():
        headers["x-amz-checksum-" + algorithm.lower()] = value
    return _empty(200, headers)


def _set_metadata(call: Call) -> Response:
    name = call.wire.prefix + "metadata-directive"
    directive = call.headers.get(name, "")
    if directive not in ("REPLACE", "REPLACE_NEW"):
        raise invalid_argument("Unknown metadata directive.", name, directive)
    spec = wire.new_object(call.headers)
    version_id = call.query.get("versionId")
    row = objects.set_metadata(
        call.ctx, call.bucket, call.key, version_id, directive == "REPLACE", spec
    )
    headers = {name: directive, **views.version_headers(row, call.wire)}
    # OBS answers with the metadata the request set, not all the object has.
    headers.update(wire.metadata_headers(spec, call.wire))
    return _empty(200, headers)


def _get_object(call: Call, head: bool) -> Response:
    return objects.read(
        call.ctx,
        call.bucket,
        call.key,
        call.query.get("versionId"),
        lambda row: _answer(call, row, head),
    )


def _answer(call: Call, row: Version, head: bool) -> tuple[Response, int]:
    """The response to a GET or HEAD of `row`, and the bytes of body it sends."""
    now = call.ctx.now()
    with_checksums = call.headers.get("x-amz-checksum-mode", "").upper() == "ENABLED"
    headers = wire.object_headers(row, call.wire, now, call.query, with_checksums)
    headers.update(views.version_headers(row, call.wire))
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


def _copy_source_of(headers: dict[str, str]) -> tuple[str, str, str]:
    """(bucket, key, header as sent) of a copy's `x-amz-copy-source`/`x-obs-copy-source`."""
    source = headers.get("x-obs-copy-source") or headers.get("x-amz-copy-source", "")
    path = unquote(source.partition("?")[0]).lstrip("/")
    bucket, _, key = path.partition("/")
    return bucket, key, source


def _copy_source(call: Call) -> tuple[str, str, str | None]:
    """(bucket, key, version id or None: the latest) of the object a copy reads."""
    bucket, key, source = _copy_source_of(call.headers)
    if not bucket or not key:
        raise invalid_argument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
            "x-amz-copy-source",
            source,
        )
    version_ids = parse_qs(source.partition("?")[2]).get("versionId")
    return bucket, key, version_ids[0] if version_ids else None


def _copy_object(call: Call) -> Response:
    source_bucket, source_key, source_version = _copy_source(call)
    prefix = call.wire.prefix
    directive = call.headers.get(prefix + "metadata-directive", "COPY").upper()
    if directive not in ("COPY", "REPLACE"):
        raise invalid_argument(
            "Unknown metadata directive.", prefix + "metadata-directive", directive
        )
    replacement = wire.new_object(call.headers) if directive == "REPLACE" else None
    tagging_directive = call.headers.get(prefix + "tagging-directive", "COPY").upper()
    if tagging_directive not in ("COPY", "REPLACE"):
        raise invalid_argument(
            "Unknown tagging directive.", prefix + "tagging-directive", tagging_directive
        )
    tags = wire.new_object(call.headers).tags if tagging_directive == "REPLACE" else None
    storage_class = wire.header_class(call.headers, "x-amz-storage-class", "x-obs-storage-class")
    row = objects.copy(
        call.ctx,
        objects.Source(source_bucket, source_key, source_version),
        call.bucket,
        call.key,
        replacement,
        storage_class,
        tags,
        _requested_acl(call, call.ctx.caller.domain_id),
        lambda source: wire.check_copy_source(source, call.headers, prefix),
    )
    return _xml(
        views.copy_result("CopyObjectResult", row.etag, wire.iso_date(row.last_modified)),
        headers=views.version_headers(row, call.wire),
    )


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
    source_bucket, source_key, source_version = _copy_source(call)
    prefix = call.wire.prefix
    source = multipart.source_for_copy(
        call.ctx,
        objects.Source(source_bucket, source_key, source_version),
        lambda row: wire.check_copy_source(row, call.headers, prefix),
    )
    start, length = 0, source.size
    range_header = call.headers.get(prefix + "copy-source-range")
    if range_header:
        chosen = wire.copy_source_range(range_header, source.size)
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
    done = multipart.complete(
        call.ctx, call.bucket, call.key, call.query["uploadId"], requested, call.wire.min_part_size
    )
    location = _object_url(call.request, call.bucket, call.key)
    return _xml(
        views.completed(location, call.bucket, call.key, done.row.etag),
        headers=views.version_headers(done.row, call.wire),
    )


RESTORE_TIERS = ("Expedited", "Standard", "Bulk")


async def _restore(call: Call) -> Response:
    document = xml.parse(await call.small_body(), "RestoreRequest")
    days_text = (xml.text(document, "Days") or "1").strip()
    if not days_text.isdigit() or int(days_text) < 1:
        raise malformed_xml()
    tier = "Standard"
    for container in ("GlacierJobParameters", "RestoreJob"):
        for element in xml.children(document, container):
            tier = (xml.text(element, "Tier") or tier).strip()
    if tier not in RESTORE_TIERS:
        raise malformed_xml()
    version_id = call.query.get("versionId")
    status = objects.restore(call.ctx, call.bucket, call.key, version_id, int(days_text), tier)
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
