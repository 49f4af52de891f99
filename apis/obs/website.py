"""Bucket website configuration: checked, stored as its element tree and returned as sent
(the emulator does not serve websites)."""

from apis.obs import xml
from apis.obs.documents import Document, Submitted, not_configured
from apis.obs.errors import S3Error, malformed_xml

PARTS = ("IndexDocument", "ErrorDocument", "RedirectAllRequestsTo", "RoutingRules")


def parse(submitted: Submitted) -> list[xml.Tree]:
    document = xml.parse(submitted.body, "WebsiteConfiguration")
    parts = [xml.tree(child) for child in document]
    names = [name for name, _ in parts]
    if not parts or any(name not in PARTS for name in names) or len(set(names)) != len(names):
        raise malformed_xml()
    if "RedirectAllRequestsTo" in names:
        if len(names) > 1:
            raise S3Error(
                "InvalidArgument",
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
            )
        if xml.text(xml.children(document, "RedirectAllRequestsTo")[0], "HostName") is None:
            raise malformed_xml()
    elif "IndexDocument" not in names:
        raise S3Error("InvalidArgument", "A value for IndexDocument Suffix must be provided")
    else:
        suffix = xml.text(xml.children(document, "IndexDocument")[0], "Suffix") or ""
        if not suffix or "/" in suffix:
            raise S3Error("InvalidArgument", "The IndexDocument Suffix is not well formed", 400)
    return parts


BUCKET_DOCUMENT = Document(
    "website",
    parse,
    lambda parts, _bucket, _wire: xml.document("WebsiteConfiguration", xml.content(parts)),
    not_configured(
        "NoSuchWebsiteConfiguration",
        "The specified bucket does not have a website configuration",
    ),
    empty={},
)
