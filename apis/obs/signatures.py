"""The signing maths of S3 and OBS, for checking a request: SigV4 (botocore's S3 signer's
maths, step for step; tests/obs/test_signatures.py holds them against botocore), SigV2
`AWS AK:sig` and OBS `OBS AK:sig` (one HMAC-SHA1 scheme with two header prefixes), and the
chunk signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

# Query parameters that SigV2/OBS put in the canonical resource: botocore's and esdk-obs's lists.
SUBRESOURCES = frozenset(
    name.lower()
    for name in [
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "location",
        "logging",
        "partNumber",
        "policy",
        "requestPayment",
        "torrent",
        "versioning",
        "versionId",
        "versions",
        "website",
        "uploads",
        "uploadId",
        "response-content-type",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "delete",
        "lifecycle",
        "tagging",
        "restore",
        "storageClass",
        "notification",
        "replication",
        "analytics",
        "metrics",
        "inventory",
        "select",
        "select-type",
        "object-lock",
        "backtosource",
        "storageinfo",
        "quota",
        "storagepolicy",
        "dispolicy",
        "deletebucket",
        "encryption",
        "publicaccessblock",
        "bucketstatus",
        "policystatus",
        "retention",
        "directcoldaccess",
        "append",
        "position",
        "truncate",
        "modify",
        "rename",
        "length",
        "name",
        "fileinterface",
        "metadata",
        "obscompresspolicy",
        "x-image-save-bucket",
        "x-image-save-object",
        "x-image-process",
        "obsbucketalias",
        "obsalias",
    ]
)


def hmac_sha1_base64(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def v2_string_to_sign(
    method: str,
    headers: Mapping[str, str],
    resource: str,
    query: list[tuple[str, str]],
    prefix: str,
    expires: str | None = None,
) -> str:
    """`VERB\\nContent-MD5\\nContent-Type\\nDate\\n` + sorted `<prefix>*:value\\n` + resource.

    `prefix` is "x-amz-" (SigV2) or "x-obs-" (OBS); Date is empty when `<prefix>date` is sent,
    and is the expiry time of a presigned URL.
    """
    if expires is not None:
        date = expires
    else:
        date = "" if prefix + "date" in headers else headers.get("date", "")
    custom = sorted(
        (name, value.strip()) for name, value in headers.items() if name.startswith(prefix)
    )
    lines = [
        method.upper(),
        headers.get("content-md5", ""),
        headers.get("content-type", ""),
        date,
        *(f"{name}:{value}" for name, value in custom),
    ]
    subresources = sorted(
        (name, value)
        for name, value in query
        if name.lower() in SUBRESOURCES or name.lower().startswith(prefix)
    )
    if subresources:
        resource += "?" + "&".join(
            f"{name}={value}" if value else name for name, value in subresources
        )
    return "\n".join(lines) + "\n" + resource


@dataclass(frozen=True)
class V4Scope:
    access: str
    date: str  # YYYYMMDD
    region: str
    service: str

    @property
    def text(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@lru_cache(maxsize=1024)
def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """SigV4's derived key, as botocore's `SigV4Auth.signature` derives it: a pure function of
    its scope, kept for the requests and chunks signed the same day."""
    key = f"AWS4{secret}".encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _canonical_query(query: str) -> str:
    """The pairs as sent, sorted (botocore's `_canonical_query_string_url`)."""
    if not query:
        return ""
    pairs = sorted(pair.partition("=")[::2] for pair in query.split("&"))
    return "&".join(f"{name}={value}" for name, value in pairs)


class V4Signer:
    """Expected SigV4 signatures for one request, then for each chunk of its body."""

    def __init__(self, secret: str, scope: V4Scope, timestamp: str):
        self.scope = scope
        self.timestamp = timestamp
        # botocore dates the key and the string to sign by the timestamp, not the scope
        date = timestamp[0:8]
        self._key = _signing_key(secret, date, scope.region, scope.service)
        self._scope_text = f"{date}/{scope.region}/{scope.service}/aws4_request"

    def sign(self, string_to_sign: str) -> str:
        return hmac.new(self._key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    def request_signature(
        self,
        method: str,
        raw_path: str,
        canonical_query: str,
        headers: list[tuple[str, str]],
        signed_headers: list[str],
        payload_hash: str,
    ) -> tuple[str, str]:
        """(signature, string to sign) of the request as the client must have signed it:
        the signed headers it carries (names lowercase), values with whitespace runs made one
        space, the payload hash as declared, the path as sent (S3 does not normalise it)."""
        wanted = set(signed_headers)
        values: dict[str, list[str]] = {}
        for name, value in headers:
            if name in wanted:
                values.setdefault(name, []).append(" ".join(value.split()))
        names = sorted(values)
        url = urlsplit(
            "http://verify" + raw_path + ("?" + canonical_query if canonical_query else "")
        )
        canonical = "\n".join(
            [
                method.upper(),
                url.path,
                _canonical_query(url.query),
                "\n".join(f"{name}:{','.join(values[name])}" for name in names) + "\n",
                ";".join(names),
                payload_hash,
            ]
        )
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                self.timestamp,
                self._scope_text,
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        return self.sign(string_to_sign), string_to_sign

    def chunk_signature(self, previous: str, chunk_sha256: str) -> str:
        string_to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256-PAYLOAD",
                self.timestamp,
                self.scope.text,
                previous,
                EMPTY_SHA256,
                chunk_sha256,
            ]
        )
        return self.sign(string_to_sign)

    def trailer_signature(self, previous: str, trailer_sha256: str) -> str:
        string_to_sign = "\n".join(
            ["AWS4-HMAC-SHA256-TRAILER", self.timestamp, self.scope.text, previous, trailer_sha256]
        )
        return self.sign(string_to_sign)


def matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
