"""Bucket logging configuration (?logging): checked, stored as its element tree and returned as
sent, `<BucketLoggingStatus/>` while logging is off (the emulator writes no access logs)."""

from sqlalchemy import select

from apis.obs import xml
from apis.obs.documents import Document, Submitted
from apis.obs.errors import S3Error, malformed_xml
from apis.obs.models import Bucket

# OBS names the IAM agency that writes the logs; S3 has LoggingEnabled alone.
PARTS = ("LoggingEnabled", "Agency")


def _invalid_target(message: str, target: str) -> S3Error:
    return S3Error("InvalidTargetBucketForLogging", message, 400, TargetBucket=target)


def parse(submitted: Submitted) -> list[xml.Tree]:
    document = xml.parse(submitted.body, "BucketLoggingStatus")
    parts = [xml.tree(child) for child in document]
    names = [name for name, _ in parts]
    if any(name not in PARTS for name in names) or len(set(names)) != len(names):
        raise malformed_xml()
    enabled = xml.children(document, "LoggingEnabled")
    if enabled:
        target = xml.text(enabled[0], "TargetBucket")
        if not target:
            raise malformed_xml()
        with submitted.ctx.transaction() as tx:
            owner = tx.scalar(select(Bucket.domain_id).where(Bucket.name == target))
        if owner is None:
            raise _invalid_target("The target bucket for logging does not exist", target)
        if owner != submitted.ctx.caller.domain_id:
            raise _invalid_target(
                "The owner for the bucket to be logged and the target bucket must be the same.",
                target,
            )
    return parts


BUCKET_DOCUMENT = Document(
    "logging",
    parse,
    lambda parts, _bucket, _wire: xml.document("BucketLoggingStatus", xml.content(parts)),
    None,
    empty=[],
)
