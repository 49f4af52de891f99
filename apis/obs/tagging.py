"""Tags of buckets and objects: the `Tagging` document, the `x-amz-tagging` header, S3's limits."""

from urllib.parse import parse_qsl, urlencode

from apis.obs import xml
from apis.obs.documents import Document, not_configured
from apis.obs.errors import S3Error, malformed_xml

OBJECT_LIMIT = 10
BUCKET_LIMIT = 50
KEY_LENGTH = 128
VALUE_LENGTH = 256


def invalid_tag(message: str) -> S3Error:
    return S3Error("InvalidTag", message, 400)


def checked(pairs: list[tuple[str, str]], limit: int) -> dict[str, str]:
    """The tags as a dict, if they respect S3's rules (else InvalidTag)."""
    if len(pairs) > limit:
        kind = "Object" if limit == OBJECT_LIMIT else "Bucket"
        raise invalid_tag(f"{kind} tags cannot be greater than {limit}")
    tags: dict[str, str] = {}
    for key, value in pairs:
        if not key or len(key) > KEY_LENGTH:
            raise invalid_tag("The TagKey you have provided is invalid")
        if len(value) > VALUE_LENGTH:
            raise invalid_tag("The TagValue you have provided is invalid")
        if key.lower().startswith("aws:"):
            raise invalid_tag("Your TagKey cannot be prefixed with aws:")
        if key in tags:
            raise invalid_tag("Cannot provide multiple Tags with the same key")
        tags[key] = value
    return tags


def from_document(body: bytes, limit: int) -> dict[str, str]:
    document = xml.parse(body, "Tagging")
    tag_sets = xml.children(document, "TagSet")
    if len(tag_sets) != 1:
        raise malformed_xml()
    pairs = []
    for tag in xml.children(tag_sets[0], "Tag"):
        key, value = xml.text(tag, "Key"), xml.text(tag, "Value")
        if key is None or value is None:
            raise malformed_xml()
        pairs.append((key, value))
    return checked(pairs, limit)


def from_header(value: str) -> dict[str, str]:
    """`x-amz-tagging: k1=v1&k2=v2` (URL-encoded) of an object write."""
    return checked(parse_qsl(value, keep_blank_values=True), OBJECT_LIMIT)


def as_header(tags: dict[str, str]) -> str:
    return urlencode(tags)


def document(tags: dict[str, str]) -> bytes:
    return xml.document(
        "Tagging",
        [("TagSet", [("Tag", [("Key", key), ("Value", value)]) for key, value in tags.items()])],
    )


BUCKET_DOCUMENT = Document(
    "tags",
    lambda submitted: from_document(submitted.body, BUCKET_LIMIT),
    lambda tags, _bucket, _wire: document(tags),
    not_configured("NoSuchTagSet", "The TagSet does not exist"),
    empty={},
    put_status=204,
)
