"""Bucket default encryption (?encryption): the algorithm and KMS key new objects would be
encrypted with, kept and returned in the caller's dialect (the emulator stores bodies as sent)."""

from typing import Any

from apis.obs import xml
from apis.obs.documents import Document, Submitted, not_configured
from apis.obs.errors import malformed_xml
from apis.obs.models import Bucket
from apis.obs.wire import Wire

# SSE-KMS is `kms` in OBS's dialect and `aws:kms` in S3's; SSE-OBS is S3's AES256.
ALGORITHMS = {"kms": "kms", "aws:kms": "kms", "AES256": "AES256"}


def parse(submitted: Submitted) -> dict[str, str]:
    document = xml.parse(submitted.body, "ServerSideEncryptionConfiguration")
    rules = xml.children(document, "Rule")
    defaults = xml.children(rules[0], "ApplyServerSideEncryptionByDefault") if rules else []
    if len(rules) != 1 or len(defaults) != 1:
        raise malformed_xml()
    fields = xml.texts(defaults[0])
    algorithm = ALGORITHMS.get(fields.get("SSEAlgorithm", ""))
    if algorithm is None:
        raise malformed_xml()
    chosen = {"algorithm": algorithm}
    for name, element in (("key", "KMSMasterKeyID"), ("project", "ProjectID")):
        if fields.get(element) and algorithm == "kms":
            chosen[name] = fields[element]
    return chosen


def render(chosen: dict[str, Any], _bucket: Bucket, wire: Wire) -> bytes:
    algorithm = chosen["algorithm"]
    if algorithm == "kms" and wire.dialect == "s3":
        algorithm = "aws:kms"
    defaults = [
        ("SSEAlgorithm", algorithm),
        ("KMSMasterKeyID", chosen.get("key")),
        ("ProjectID", chosen.get("project")),
    ]
    return xml.document(
        "ServerSideEncryptionConfiguration",
        [("Rule", [("ApplyServerSideEncryptionByDefault", defaults)])],
    )


BUCKET_DOCUMENT = Document(
    "encryption",
    parse,
    render,
    not_configured(
        "NoSuchEncryptionConfiguration",
        "The specified bucket does not have any encryption configurations",
    ),
    empty={},
)
