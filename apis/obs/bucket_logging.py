"""Bucket logging configuration (?logging): checked, stored as its element tree and returned as
sent, `<BucketLoggingStatus/>` while logging is off (the emulator writes no access logs)."""

from sqlalchemy import select

from apis.obs import xml
from apis.obs.documents import Document, Submitted
from apis.obs.errors import S3Error, malformed_xml
from apis.obs.models import Bucket

# OBS names the IAM agency that writes the logs; S3 has LoggingEnabled alone.
PARTS = ("LoggingEnabled", "Agency")


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
        # OBS lets the logs go to any bucket its agency may write to, not only the caller's.
        with submitted.ctx.transaction() as tx:
            if tx.scalar(select(Bucket.id).where(Bucket.name == target)) is None:
                raise S3Error(
                    "InvalidTargetBucketForLogging",
                    "The target bucket for logging does not exist",
                    TargetBucket=target,
                )
    return parts


BUCKET_DOCUMENT = Document(
    "logging",
    parse,
    lambda parts, _bucket, _wire: xml.document("BucketLoggingStatus", xml.content(parts)),
    None,
    empty=[],
)
