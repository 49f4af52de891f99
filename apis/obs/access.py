"""Who may do what: the one authorization decision of an OBS request.

The bucket's owner may do everything; anyone else (another account, or an anonymous caller)
what the bucket policy allows or the ACLs grant. An explicit Deny of the policy wins over both.
"""

from dataclasses import dataclass
from urllib.parse import unquote

from sqlalchemy import Connection, bindparam, select

from apis.obs import acl, policy
from apis.obs.auth import Caller
from apis.obs.models import NO_BUCKET, Bucket, BucketAccess, ObjectVersion
from state.prepared import Prepared

# What each ACL permission allows, as S3 actions.
_BUCKET_PERMISSIONS = {
    "READ": {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"},
    "WRITE": {
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:AbortMultipartUpload",
    },
    "READ_ACP": {"s3:GetBucketAcl"},
    "WRITE_ACP": {"s3:PutBucketAcl"},
}
_OBJECT_PERMISSIONS = {
    "READ": {"s3:GetObject", "s3:GetObjectVersion"},
    "READ_ACP": {"s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
    "WRITE_ACP": {"s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
}
_OBJECT_ACTIONS = set().union(*_OBJECT_PERMISSIONS.values())

# Bucket sub-resources and the action names of reading, writing and deleting them.
_BUCKET_SUBRESOURCES = {
    "acl": ("GetBucketAcl", "PutBucketAcl", "PutBucketAcl"),
    "policy": ("GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"),
    "cors": ("GetBucketCORS", "PutBucketCORS", "PutBucketCORS"),
    "lifecycle": (
        "GetLifecycleConfiguration",
        "PutLifecycleConfiguration",
        "PutLifecycleConfiguration",
    ),
    "tagging": ("GetBucketTagging", "PutBucketTagging", "PutBucketTagging"),
    "website": ("GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite"),
    "logging": ("GetBucketLogging", "PutBucketLogging", "PutBucketLogging"),
    "encryption": (
        "GetEncryptionConfiguration",
        "PutEncryptionConfiguration",
        "PutEncryptionConfiguration",
    ),
    "versioning": ("GetBucketVersioning", "PutBucketVersioning", "PutBucketVersioning"),
    "versions": ("ListBucketVersions", "ListBucketVersions", "ListBucketVersions"),
    "uploads": (
        "ListBucketMultipartUploads",
        "ListBucketMultipartUploads",
        "ListBucketMultipartUploads",
    ),
    "location": ("GetBucketLocation", "GetBucketLocation", "GetBucketLocation"),
    "quota": ("GetBucketQuota", "PutBucketQuota", "PutBucketQuota"),
    "storageinfo": ("GetBucketStorage", "GetBucketStorage", "GetBucketStorage"),
    "storageClass": ("GetBucketStoragePolicy", "PutBucketStoragePolicy", "PutBucketStoragePolicy"),
    "storagePolicy": ("GetBucketStoragePolicy", "PutBucketStoragePolicy", "PutBucketStoragePolicy"),
}
_OBJECT_SUBRESOURCES = {
    "acl": ("GetObjectAcl", "PutObjectAcl", "PutObjectAcl"),
    "tagging": ("GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"),
}

_BUCKET_PREPARED = Prepared(
    select(Bucket.domain_id, Bucket.grants, Bucket.policy).where(Bucket.name == bindparam("name"))
)
_OBJECT_GRANTS_PREPARED = Prepared(
    select(ObjectVersion.owner_id, ObjectVersion.grants).where(
        ObjectVersion.bucket_id
        == select(Bucket.id).where(Bucket.name == bindparam("bucket")).scalar_subquery(),
        ObjectVersion.key == bindparam("key"),
        ObjectVersion.is_latest.is_(True),
    )
)
_OBJECT_TAGS_PREPARED = Prepared(
    select(ObjectVersion.tags).where(
        ObjectVersion.bucket_id
        == select(Bucket.id).where(Bucket.name == bindparam("bucket")).scalar_subquery(),
        ObjectVersion.key == bindparam("key"),
        ObjectVersion.is_latest.is_(True),
    )
)
EXISTING_TAG = "s3:ExistingObjectTag/"


def action_of(method: str, query: dict[str, str], key: str | None) -> str:
    """The S3 action a request performs ("s3:GetObject", "s3:PutBucketPolicy" ...)."""
    versioned = "versionId" in query
    index = {"GET": 0, "HEAD": 0, "PUT": 1, "POST": 1, "DELETE": 2}.get(method, 0)
    if key is None:
        named = [names for sub, names in _BUCKET_SUBRESOURCES.items() if sub in query]
        if named:
            return "s3:" + named[0][index]
        if method == "POST":
            return "s3:DeleteObject"  # ?delete: each key is a DeleteObject
        return "s3:" + ("ListBucket", "CreateBucket", "DeleteBucket")[index]
    named = [names for sub, names in _OBJECT_SUBRESOURCES.items() if sub in query]
    if named:
        action = named[0][index]
        if versioned and action.startswith(("GetObject", "PutObject")):
            action = action.replace("Object", "ObjectVersion", 1)
        return "s3:" + action
    if method == "DELETE":
        if "uploadId" in query:
            return "s3:AbortMultipartUpload"
        return "s3:DeleteObjectVersion" if versioned else "s3:DeleteObject"
    if method == "POST" and "restore" in query:
        return "s3:RestoreObject"
    if method == "GET" and "uploadId" in query:
        return "s3:ListMultipartUploadParts"
    if index == 0:
        return "s3:GetObjectVersion" if versioned else "s3:GetObject"
    return "s3:PutObject"


@dataclass(frozen=True)
class Decision:
    owner: str | None  # the bucket's owner; None: no such bucket
    allowed: bool
    buckets: frozenset[str] = frozenset()  # the buckets the request may use, if allowed


def _granted(
    grants: list[acl.Grant], caller: Caller, action: str, table: dict[str, set[str]]
) -> bool:
    for grant in grants:
        if grant["type"] == "Group":
            everyone = grant["uri"] == acl.ALL_USERS
            signed_in = grant["uri"] == acl.AUTHENTICATED_USERS and not caller.anonymous
            if not (everyone or signed_in):
                continue
        elif caller.anonymous or grant["id"] != caller.domain_id:
            continue
        permission = grant["permission"]
        if permission == "FULL_CONTROL" or action in table.get(permission, ()):
            return True
    return False


def bucket_access(tx: Connection, name: str) -> BucketAccess:
    """The access columns of a bucket (NO_BUCKET if there is none by that name)."""
    found = _BUCKET_PREPARED.first(tx, {"name": name})
    return NO_BUCKET if found is None else BucketAccess(*found)


def decide(
    tx: Connection,
    caller: Caller,
    bucket: str,
    key: str | None,
    action: str,
    context: dict[str, str],
    known: BucketAccess | None = None,
) -> Decision:
    """May `caller` perform `action` on the bucket or its key (its access columns `known`
    already, or read here)? A missing bucket is left to the operation to answer
    (NoSuchBucket), even for an anonymous caller, as S3 answers; any signed caller may try to
    create a bucket (the operation answers BucketAlreadyExists)."""
    owner, grants, bucket_policy = known if known is not None else bucket_access(tx, bucket)
    if action == "s3:CreateBucket":
        return Decision(owner, not caller.anonymous)
    if owner is None:
        return Decision(None, True)
    allowed = _allowed(tx, caller, (owner, grants, bucket_policy), bucket, key, action, context)
    return Decision(owner, allowed, frozenset({bucket}))


def _allowed(
    tx: Connection,
    caller: Caller,
    found: tuple[str, list[acl.Grant], str | None],
    bucket: str,
    key: str | None,
    action: str,
    context: dict[str, str],
) -> bool:
    owner, bucket_grants, bucket_policy = found
    account = None if caller.anonymous else caller.domain_id
    resource = f"{bucket}/{key}" if key is not None else bucket
    if key is not None and bucket_policy and EXISTING_TAG in bucket_policy:
        context = {**context, **_existing_tags(tx, bucket, key)}
    request = policy.Request(account, action, resource, context)
    effect = policy.evaluate(bucket_policy, bucket, request)
    if effect == "Deny":
        return False
    if effect == "Allow" or account == owner:
        return True
    bucket_acl = acl.effective(bucket_grants, owner)
    if action in _OBJECT_ACTIONS and key is not None:
        row = _OBJECT_GRANTS_PREPARED.first(tx, {"bucket": bucket, "key": key})
        if row is None:  # NoSuchKey for those who may list the bucket, else AccessDenied
            return _granted(bucket_acl, caller, "s3:ListBucket", _BUCKET_PERMISSIONS)
        object_acl = acl.effective(row.grants, row.owner_id)
        return _granted(object_acl, caller, action, _OBJECT_PERMISSIONS)
    return _granted(bucket_acl, caller, action, _BUCKET_PERMISSIONS)


# Condition keys read straight from a header or a query parameter, when the request has it.
_FROM_HEADERS = (
    ("aws:UserAgent", "user-agent"),
    ("aws:Referer", "referer"),
    ("s3:x-amz-metadata-directive", "x-amz-metadata-directive"),
    ("s3:x-amz-storage-class", "x-amz-storage-class"),
    *(
        (f"s3:x-amz-grant-{grant}", f"x-amz-grant-{grant}")
        for grant in ("read", "write", "read-acp", "write-acp", "full-control")
    ),
)
_FROM_QUERY = (
    ("s3:prefix", "prefix"),
    ("s3:delimiter", "delimiter"),
    ("s3:max-keys", "max-keys"),
    ("s3:VersionId", "versionId"),
)


def _existing_tags(tx: Connection, bucket: str, key: str) -> dict[str, str]:
    """The `s3:ExistingObjectTag/<name>` keys of the object's tags (read only for a policy
    that tests one)."""
    row = _OBJECT_TAGS_PREPARED.first(tx, {"bucket": bucket, "key": key})
    tags: dict[str, str] = row.tags if row is not None and row.tags else {}
    return {EXISTING_TAG + name: value for name, value in tags.items()}


def context_of(
    headers: dict[str, str], query: dict[str, str], client_ip: str, secure: bool
) -> dict[str, str]:
    """The condition keys a policy may test on this request."""
    keys = {"aws:SourceIp": client_ip, "aws:SecureTransport": "true" if secure else "false"}
    for name, header in _FROM_HEADERS:
        if header in headers:
            keys[name] = headers[header]
    for name, parameter in _FROM_QUERY:
        if parameter in query:
            keys[name] = query[parameter]
    acl = headers.get("x-amz-acl", headers.get("x-obs-acl"))
    if acl is not None:
        keys["s3:x-amz-acl"] = acl
    source = headers.get("x-amz-copy-source")
    if source is not None:  # as a policy compares it: bucket/key, decoded, without a version
        keys["s3:x-amz-copy-source"] = unquote(source.partition("?")[0]).lstrip("/")
    return keys
