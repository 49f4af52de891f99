"""Browser-based uploads (POST Object): an HTML form's fields and file, allowed by a policy.

The form is multipart/form-data: its fields (names are case-insensitive), then `file`. A signed
form carries a base64 policy document (an expiration and the conditions every field must meet)
and its signature: SigV2/OBS (`AWSAccessKeyId`/`AccessKeyId`/`ObsAccessKeyId`, `signature`) or SigV4
(`x-amz-credential`, `x-amz-date`, `x-amz-signature`).
"""

import base64
import binascii
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from python_multipart.exceptions import FormParserError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from apis.obs.errors import S3Error, access_denied

# Fields no condition needs to name: the signature itself, and what S3 ignores.
_UNCONDITIONED = {
    "file",
    "policy",
    "signature",
    "awsaccesskeyid",
    "accesskeyid",
    "obsaccesskeyid",
    "x-amz-signature",
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
}


@dataclass
class Form:
    fields: dict[str, str]  # names lowercased
    file: UploadFile  # spooled to disk past 1 MiB: a large form is never held in memory
    filename: str

    @property
    def key(self) -> str:
        return self.fields.get("key", "").replace("${filename}", self.filename)

    @property
    def size(self) -> int:
        return self.file.size or 0


def malformed() -> S3Error:
    return S3Error(
        "MalformedPOSTRequest",
        "The body of your POST request is not well-formed multipart/form-data.",
    )


async def parse(request: Request) -> Form:
    """The form's fields up to `file` (S3 ignores those after it) and its file."""
    parser = MultiPartParser(request.headers, request.stream(), max_files=1)
    try:
        data = await parser.parse()
    except (MultiPartException, FormParserError):
        raise malformed() from None
    fields: dict[str, str] = {}
    for name, value in data.multi_items():
        if name.lower() == "file":
            if isinstance(value, str):  # a file part sent without a file name
                value = UploadFile(io.BytesIO(value.encode()), size=len(value.encode()))
            return Form(fields, value, value.filename or "")
        if isinstance(value, str):
            fields[name.lower()] = value
    await data.close()
    raise S3Error(
        "InvalidArgument",
        "POST requires exactly one file upload per request.",
        400,
        ArgumentName="file",
        ArgumentValue="0",
    )


def _refused(reason: str) -> S3Error:
    return access_denied(f"Invalid according to Policy: {reason}")


def policy_of(encoded: str) -> dict[str, Any]:
    try:
        document = json.loads(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        raise S3Error("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("conditions"), list):
        raise S3Error("InvalidPolicyDocument", "Invalid Policy: Invalid 'conditions' value.")
    return document


def _expiration(document: dict[str, Any]) -> datetime:
    try:
        text = str(document["expiration"]).replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
    except (KeyError, ValueError):
        raise S3Error(
            "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check(form: Form, bucket: str, now: datetime, every_field_named: bool) -> None:
    """The policy holds for this form: not expired, every condition met and, if
    `every_field_named` (S3 checks it, OBS does not), no field left out of the conditions."""
    document = policy_of(form.fields.get("policy", ""))
    if now > _expiration(document):
        raise _refused("Policy expired.")
    values = {**form.fields, "bucket": bucket, "key": form.key}
    named = set()
    for condition in document["conditions"]:
        if isinstance(condition, dict) and len(condition) == 1:
            [(name, wanted)] = condition.items()
            condition = ["eq", f"${name}", wanted]
        if not isinstance(condition, list) or len(condition) != 3:
            raise S3Error("InvalidPolicyDocument", "Invalid Policy: Invalid Condition.")
        operator, subject, wanted = condition
        operator = str(operator).lower()
        if operator == "content-length-range":
            if not (isinstance(subject, int) and isinstance(wanted, int)):
                raise S3Error("InvalidPolicyDocument", "Invalid Policy: Invalid Condition.")
            _check_length(form.size, subject, wanted)
            continue
        name = str(subject).lower().removeprefix("$")
        named.add(name)
        value = values.get(name, "")
        met = value == wanted if operator == "eq" else value.startswith(str(wanted))
        if operator not in ("eq", "starts-with") or not met:
            raise _refused(f"Policy Condition failed: {json.dumps(condition)}")
    extra = [
        name
        for name in form.fields
        if name not in named and name not in _UNCONDITIONED and not name.startswith("x-ignore-")
    ]
    if extra and every_field_named:
        raise _refused(f"Extra input fields: {extra[0]}")


def _check_length(size: int, smallest: int, largest: int) -> None:
    if size < smallest:
        raise S3Error(
            "EntityTooSmall",
            "Your proposed upload is smaller than the minimum allowed size",
            400,
            ProposedSize=str(size),
            MinSizeAllowed=str(smallest),
        )
    if size > largest:
        raise S3Error(
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
            400,
            ProposedSize=str(size),
            MaxSizeAllowed=str(largest),
        )
