"""The signing maths of S3 and OBS, for checking a request: SigV4 (with botocore's own signer
computing the expected value), SigV2 `AWS AK:sig` and OBS `OBS AK:sig` (one HMAC-SHA1 scheme
with two header prefixes), and the chunk signatures of `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

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


@cache
def _botocore() -> Any:
    from botocore import auth, awsrequest, compat, credentials

    class Verifier(auth.S3SigV4Auth):
        """botocore's S3 signer, told which headers the client signed."""

        def __init__(self, creds: Any, service: str, region: str, signed: Any):
            super().__init__(creds, service, region)
            self._signed = signed

        def headers_to_sign(self, request: Any) -> Any:
            return self._signed

        def signature(self, string_to_sign: str, request: Any) -> str:
            date = request.context["timestamp"][0:8]
            key = _signing_key(
                self.credentials.secret_key, date, self._region_name, self._service_name
            )
            return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    return Verifier, awsrequest.AWSRequest, compat.HTTPHeaders, credentials.Credentials


class V4Signer:
    """Expected SigV4 signatures for one request, then for each chunk of its body."""

    def __init__(self, secret: str, scope: V4Scope, timestamp: str):
        self.scope = scope
        self.timestamp = timestamp
        verifier, self._request_class, self._headers_class, credentials = _botocore()
        self._credentials = credentials(scope.access, secret)
        self._verifier_class = verifier
        self._request: Any = None
        self._signer: Any = None

    def request_signature(
        self,
        method: str,
        raw_path: str,
        canonical_query: str,
        headers: list[tuple[str, str]],
        signed_headers: list[str],
        payload_hash: str,
    ) -> tuple[str, str]:
        """(signature, string to sign) of the request as the client must have signed it."""
        signed = self._headers_class()
        wanted = set(signed_headers)
        for name, value in headers:
            if name in wanted:
                signed[name] = value
        url = "http://verify" + raw_path + ("?" + canonical_query if canonical_query else "")
        self._request = self._request_class(
            method=method, url=url, headers={"X-Amz-Content-SHA256": payload_hash}
        )
        self._request.context["timestamp"] = self.timestamp
        self._signer = self._verifier_class(
            self._credentials, self.scope.service, self.scope.region, signed
        )
        canonical = self._signer.canonical_request(self._request)
        string_to_sign = self._signer.string_to_sign(self._request, canonical)
        return self._signer.signature(string_to_sign, self._request), string_to_sign

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
        return str(self._signer.signature(string_to_sign, self._request))

    def trailer_signature(self, previous: str, trailer_sha256: str) -> str:
        string_to_sign = "\n".join(
            ["AWS4-HMAC-SHA256-TRAILER", self.timestamp, self.scope.text, previous, trailer_sha256]
        )
        return str(self._signer.signature(string_to_sign, self._request))


def matches(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())
