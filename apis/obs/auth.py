"""Who signed an S3/OBS request, checked for real before the operation runs.

Accepted: SigV4 in the Authorization header or in the query (presigned URLs), SigV2
`AWS AK:sig` and OBS `OBS AK:sig` in the header or the query (`AWSAccessKeyId`/`AccessKeyId`,
`Expires`, `Signature`), with temporary credentials' security tokens. A request without any is
anonymous (`apis.obs.access` decides what it may do). Header signatures must be fresh (real
clock, 15 minutes of skew); presigned URLs expire on the emulator's virtual clock.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import Connection, bindparam, select

from apis.obs import signatures
from apis.obs.errors import S3Error, access_denied
from apis.obs.models import NO_BUCKET, Bucket, BucketAccess
from apis.obs.signatures import V4Scope, V4Signer
from state.models import Credential, User
from state.prepared import Prepared

V4_ALGORITHM = "AWS4-HMAC-SHA256"
V4_DATE = "%Y%m%dT%H%M%SZ"
EPOCH_YEAR = 1970  # a signed date before it is no date (S3: AccessDenied)
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
_V4_FIELD = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]+)")
# V4_DATE's usual shape, read without strptime (several times cheaper); others go to strptime.
_V4_DATE_DIGITS = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")
# Prebuilt once: every signed request runs it. The bucket the request names comes with the
# key, for the access check (one statement instead of two).
_KEY_OWNER = Prepared(
    select(
        Credential.secret,
        Credential.status,
        Credential.security_token,
        Credential.expires_at,
        User.enabled,
        User.id.label("user_id"),
        User.domain_id,
        Bucket.domain_id.label("bucket_owner"),
        Bucket.grants.label("bucket_grants"),
        Bucket.policy.label("bucket_policy"),
    )
    .join(User, User.id == Credential.user_id)
    .outerjoin(Bucket, Bucket.name == bindparam("bucket"))
    .where(Credential.access == bindparam("access"))
)


@dataclass(frozen=True)
class Caller:
    access: str
    user_id: str
    domain_id: str
    scheme: str  # "v4", "v4-query", "v2", "v2-query", "obs", "obs-query"
    region: str | None  # from a SigV4 credential scope
    payload: str | None = None  # x-amz-content-sha256 as signed (SigV4)
    signer: V4Signer | None = None  # for chunk signatures
    seed_signature: str = ""

    @property
    def obs_dialect(self) -> str:
        return "obs" if self.scheme.startswith("obs") else "s3"

    @property
    def anonymous(self) -> bool:
        return self.scheme == "anonymous"


# A request that carries no signature at all: allowed what ACLs and policies grant to anyone.
ANONYMOUS = Caller("", "", "", "anonymous", None)


@dataclass(frozen=True)
class Incoming:
    """What the signature covers: method, path and query as sent, headers (names lowercase)."""

    method: str
    raw_path: str
    raw_query: str
    headers: list[tuple[str, str]]
    bucket_host: str | None  # the bucket named by the Host header (virtual-hosted style)

    @property
    def header_map(self) -> dict[str, str]:
        return dict(self.headers)

    @property
    def query(self) -> list[tuple[str, str]]:
        pairs = []
        for part in self.raw_query.split("&"):
            if part:
                name, _, value = part.partition("=")
                pairs.append((unquote(name.replace("+", " ")), unquote(value.replace("+", " "))))
        return pairs


def anonymous() -> S3Error:
    return access_denied("Anonymous access is forbidden for this operation")


def _invalid_access_key(access: str) -> S3Error:
    return S3Error(
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
        AWSAccessKeyId=access,
    )


def _mismatch(access: str, string_to_sign: str, provided: str) -> S3Error:
    return S3Error(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match "
        "the signature you provided. Check your key and signing method.",
        403,
        AWSAccessKeyId=access,
        StringToSign=string_to_sign,
        SignatureProvided=provided,
    )


def _malformed(message: str) -> S3Error:
    return S3Error("AuthorizationHeaderMalformed", message, 400)


def _expired_url(expires_at: datetime, now: datetime) -> S3Error:
    return access_denied("Request has expired").with_fields(
        Expires=expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ServerTime=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def _canonical_queries(raw_query: str) -> list[str]:
    """The query as sent (botocore signs it so), then strictly re-encoded (the SigV4 rule,
    which esdk-obs-python signs while it sends `/` unencoded)."""
    pairs = (part.partition("=") for part in raw_query.split("&") if part)
    strict = "&".join(
        sorted(
            f"{quote(unquote(name), safe='-_.~')}={quote(unquote(value), safe='-_.~')}"
            for name, _, value in pairs
        )
    )
    return [raw_query] if strict == raw_query else [raw_query, strict]


def _verified_v4(
    signer: V4Signer,
    request: "Incoming",
    query: str,
    signed_headers: list[str],
    payload: str,
    provided: str,
) -> str:
    """The expected signature, which must be the one provided."""
    string_to_sign = ""
    for canonical_query in _canonical_queries(query):
        expected, string_to_sign = signer.request_signature(
            request.method,
            request.raw_path,
            canonical_query,
            request.headers,
            signed_headers,
            payload,
        )
        if signatures.matches(expected, provided):
            return expected
    raise _mismatch(signer.scope.access, string_to_sign, provided)


def _v4_time_of_date(value: str) -> str:
    """SigV4 without x-amz-date signs the Date header's time (esdk-obs-python does this)."""
    try:
        return parsedate_to_datetime(value).strftime(V4_DATE)
    except (TypeError, ValueError):
        return ""


class Authenticator:
    def __init__(self, tx: Connection, now: datetime, skew: timedelta, bucket: str | None = None):
        self.tx = tx
        self.now = now  # the virtual clock: credential and presigned-URL expiry
        self.skew = skew
        self.bucket = bucket  # the bucket the request names, if any
        # That bucket's access columns, read with the caller's key (None: not read).
        self.bucket_access: BucketAccess | None = None

    def caller(self, request: Incoming) -> Caller:
        headers = request.header_map
        authorization = headers.get("authorization", "")
        query = dict(request.query)
        if authorization.startswith(V4_ALGORITHM):
            return self._v4_header(request, headers, authorization)
        if authorization.startswith(("AWS ", "OBS ")):
            return self._v2(request, headers, authorization)
        if query.get("X-Amz-Algorithm") == V4_ALGORITHM:
            return self._v4_query(request, headers, query)
        if "Signature" in query and ("AWSAccessKeyId" in query or "AccessKeyId" in query):
            return self._v2_query(request, headers, query)
        return ANONYMOUS

    def form_caller(self, fields: dict[str, str]) -> Caller:
        """Who signed a POST form's policy (field names lowercased); anonymous if nobody."""
        policy = fields.get("policy", "")
        if "x-amz-signature" in fields:
            scope = self._scope(fields.get("x-amz-credential", ""))
            key = self._credential(scope.access, fields.get("x-amz-security-token"))
            signer = V4Signer(key.secret, scope, fields.get("x-amz-date", scope.date))
            if not signatures.matches(signer.sign(policy), fields["x-amz-signature"]):
                raise _mismatch(scope.access, policy, fields["x-amz-signature"])
            return Caller(scope.access, key.user_id, key.domain_id, "v4", scope.region)
        if "signature" not in fields:
            return ANONYMOUS
        obs_field = next((f for f in ("accesskeyid", "obsaccesskeyid") if f in fields), None)
        obs = obs_field is not None
        access = fields[obs_field] if obs_field else fields.get("awsaccesskeyid", "")
        token = fields.get("x-obs-security-token" if obs else "x-amz-security-token")
        key = self._credential(access, token)
        expected = signatures.hmac_sha1_base64(key.secret, policy)
        if not signatures.matches(expected, fields["signature"]):
            raise _mismatch(access, policy, fields["signature"])
        return Caller(access, key.user_id, key.domain_id, "obs" if obs else "v2", None)

    # Credentials -----------------------------------------------------------------------------

    def _credential(self, access: str, token: str | None) -> Any:
        """The access key's secret and its user (`user_id`, `domain_id`), checked usable."""
        found = _KEY_OWNER.first(self.tx, {"access": access, "bucket": self.bucket})
        if found is not None and self.bucket is not None:
            self.bucket_access = (
                NO_BUCKET
                if found.bucket_owner is None
                else BucketAccess(found.bucket_owner, found.bucket_grants, found.bucket_policy)
            )
        if found is None or found.status != "active":
            raise _invalid_access_key(access)
        if not found.enabled:
            raise access_denied("The user of this access key is disabled.")
        if found.security_token is not None:
            if not token or not signatures.matches(found.security_token, token):
                raise S3Error(
                    "InvalidToken", "The provided token is malformed or otherwise invalid.", 400
                )
            if found.expires_at is not None and found.expires_at <= self.now:
                raise S3Error("ExpiredToken", "The provided token has expired.", 400)
        return found

    def _check_fresh(self, signed_at: datetime) -> None:
        real_now = datetime.now(UTC)
        if abs(real_now - signed_at) > self.skew:
            raise S3Error(
                "RequestTimeTooSkewed",
                "The difference between the request time and the current time is too large.",
                403,
                RequestTime=signed_at.strftime(V4_DATE),
                ServerTime=real_now.strftime(V4_DATE),
            )

    # SigV4 -----------------------------------------------------------------------------------

    @staticmethod
    def _scope(credential: str) -> V4Scope:
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            raise _malformed(
                "The authorization header is malformed; the Credential is "
                'mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/'
                'aws4_request".'
            )
        return V4Scope(*parts[:4])

    @staticmethod
    def _timestamp(text: str) -> datetime:
        digits = _V4_DATE_DIGITS.fullmatch(text)
        try:
            if digits is not None:
                year, month, day, hour, minute, second = map(int, digits.groups())
                return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            return datetime.strptime(text, V4_DATE).replace(tzinfo=UTC)
        except ValueError:
            raise access_denied(
                "AWS authentication requires a valid Date or x-amz-date header"
            ) from None

    def _v4_header(self, request: Incoming, headers: dict[str, str], value: str) -> Caller:
        fields = dict(_V4_FIELD.findall(value))
        if len(fields) != 3:
            raise _malformed("The authorization header is malformed.")
        scope = self._scope(fields["Credential"])
        timestamp = headers.get("x-amz-date") or _v4_time_of_date(headers.get("date", ""))
        signed_at = self._timestamp(timestamp)
        if signed_at.strftime("%Y%m%d") != scope.date:
            raise _malformed(
                "The authorization header is malformed; Invalid credential date. "
                "Date is not the same as X-Amz-Date."
            )
        self._check_fresh(signed_at)
        payload = headers.get("x-amz-content-sha256")
        if payload is None:
            raise S3Error(
                "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"
            )
        signed_headers = fields["SignedHeaders"].split(";")
        missing = [name for name in signed_headers if name not in headers]
        if "host" not in signed_headers or missing:
            raise access_denied(
                "There were headers present in the request which were not signed"
                if not missing
                else f"The request does not carry the signed header {missing[0]}"
            )
        key = self._credential(scope.access, headers.get("x-amz-security-token"))
        signer = V4Signer(key.secret, scope, timestamp)
        expected = _verified_v4(
            signer, request, request.raw_query, signed_headers, payload, fields["Signature"]
        )
        return Caller(
            scope.access, key.user_id, key.domain_id, "v4", scope.region, payload, signer, expected
        )

    def _v4_query(
        self, request: Incoming, headers: dict[str, str], query: dict[str, str]
    ) -> Caller:
        try:
            scope = self._scope(query["X-Amz-Credential"])
            timestamp = query["X-Amz-Date"]
            expires = int(query["X-Amz-Expires"])
            signed_headers = query["X-Amz-SignedHeaders"].split(";")
            provided = query["X-Amz-Signature"]
        except (KeyError, ValueError):
            raise access_denied(
                "Query-string authentication version 4 requires the "
                "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                "X-Amz-SignedHeaders, and X-Amz-Expires parameters."
            ) from None
        if not 0 < expires <= MAX_PRESIGN_SECONDS:
            raise access_denied(
                "X-Amz-Expires must be less than a week (in seconds) that is 604800"
            )
        signed_at = self._timestamp(timestamp)
        expires_at = signed_at + timedelta(seconds=expires)
        if self.now > expires_at:
            raise _expired_url(expires_at, self.now)
        key = self._credential(scope.access, query.get("X-Amz-Security-Token"))
        unsigned_query = "&".join(
            part for part in request.raw_query.split("&") if not part.startswith("X-Amz-Signature=")
        )
        payload = headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        signer = V4Signer(key.secret, scope, timestamp)
        _verified_v4(signer, request, unsigned_query, signed_headers, payload, provided)
        return Caller(scope.access, key.user_id, key.domain_id, "v4-query", scope.region, payload)

    # SigV2 and OBS ---------------------------------------------------------------------------

    def _resources(self, request: Incoming) -> list[str]:
        """The canonical resources a client may have signed (path or virtual-hosted style):
        botocore signs a path-style request on a bucket (`/bucket`) as `/bucket/`."""
        if request.bucket_host is not None:
            return ["/" + request.bucket_host + request.raw_path]
        if request.raw_path.count("/") == 1 and len(request.raw_path) > 1:
            return [request.raw_path, request.raw_path + "/"]
        return [request.raw_path]

    def _v2_check(
        self,
        request: Incoming,
        headers: dict[str, str],
        access: str,
        provided: str,
        prefix: str,
        token: str | None,
        expires: str | None = None,
    ) -> Any:
        key = self._credential(access, token)
        string_to_sign = ""
        for resource in self._resources(request):
            string_to_sign = signatures.v2_string_to_sign(
                request.method, headers, resource, request.query, prefix, expires
            )
            expected = signatures.hmac_sha1_base64(key.secret, string_to_sign)
            if signatures.matches(expected, provided):
                return key
        raise _mismatch(access, string_to_sign, provided)

    def _v2(self, request: Incoming, headers: dict[str, str], value: str) -> Caller:
        scheme, _, credentials = value.partition(" ")
        access, _, provided = credentials.strip().rpartition(":")
        if not access or not provided:
            raise access_denied(
                "Authorization header is invalid -- one and only one ' ' (space) required"
            )
        prefix = "x-obs-" if scheme == "OBS" else "x-amz-"
        date = headers[prefix + "date"] if prefix + "date" in headers else headers.get("date", "")
        try:
            signed_at = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            signed_at = None
        if signed_at is None or signed_at.year < EPOCH_YEAR:
            raise access_denied("AWS authentication requires a valid Date or x-amz-date header")
        self._check_fresh(signed_at if signed_at.tzinfo else signed_at.replace(tzinfo=UTC))
        key = self._v2_check(
            request, headers, access, provided, prefix, headers.get(prefix + "security-token")
        )
        return Caller(access, key.user_id, key.domain_id, "obs" if scheme == "OBS" else "v2", None)

    def _v2_query(
        self, request: Incoming, headers: dict[str, str], query: dict[str, str]
    ) -> Caller:
        obs = "AccessKeyId" in query
        access = query["AccessKeyId"] if obs else query["AWSAccessKeyId"]
        prefix = "x-obs-" if obs else "x-amz-"
        expires = query.get("Expires", "")
        if not expires.isdigit():
            raise access_denied(
                "Query-string authentication requires the Signature, Expires "
                "and AWSAccessKeyId parameters"
            )
        expires_at = datetime.fromtimestamp(int(expires), UTC)
        if self.now > expires_at:
            raise _expired_url(expires_at, self.now)
        # Presigned SigV2 URLs carry the signed x-amz-*/x-obs-* headers in the query.
        signed = {
            **headers,
            **{
                name.lower(): value
                for name, value in query.items()
                if name.lower().startswith(prefix)
            },
        }
        key = self._v2_check(
            request,
            signed,
            access,
            query["Signature"],
            prefix,
            signed.get(prefix + "security-token"),
            expires,
        )
        return Caller(access, key.user_id, key.domain_id, "obs-query" if obs else "v2-query", None)
