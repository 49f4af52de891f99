"""Access control lists: canned ACLs, grant headers and AccessControlPolicy documents.

Grants are stored as {"type": "CanonicalUser", "id": <account id>, "permission": ...} or
{"type": "Group", "uri": <group>, "permission": ...}; no stored grant means `private`.
"""

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from sqlalchemy import select

from apis.obs import xml
from apis.obs.documents import Document, Submitted
from apis.obs.errors import S3Error, invalid_argument
from apis.obs.wire import Wire
from apis.obs.xml import Content
from state.models import Domain

Grant = dict[str, str]
GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS + "global/AllUsers"
AUTHENTICATED_USERS = GROUPS + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS + "s3/LogDelivery"
PERMISSIONS = ("FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_GRANTEE_FIELD = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)', re.I)


def malformed_acl() -> S3Error:
    return S3Error(
        "MalformedACLError",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def unresolvable_email(address: str) -> S3Error:
    """A grant by e-mail address: accounts here have none, so none resolves (as S3 answers an
    address it does not know)."""
    return S3Error(
        "UnresolvableGrantByEmailAddress",
        "The e-mail address you provided does not match any account on record.",
        400,
        EmailAddress=address,
    )


def user(account_id: str, permission: str) -> Grant:
    return {"type": "CanonicalUser", "id": account_id, "permission": permission}


def group(uri: str, permission: str) -> Grant:
    return {"type": "Group", "uri": uri, "permission": permission}


def canned(name: str, owner_id: str, bucket_owner_id: str) -> list[Grant]:
    """The grants of a canned ACL (S3's names and OBS's *-delivered variants)."""
    extra = {
        "private": [],
        "public-read": [group(ALL_USERS, "READ")],
        "public-read-delivered": [group(ALL_USERS, "READ")],
        "public-read-write": [group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")],
        "public-read-write-delivered": [group(ALL_USERS, "READ"), group(ALL_USERS, "WRITE")],
        "authenticated-read": [group(AUTHENTICATED_USERS, "READ")],
        "bucket-owner-read": [user(bucket_owner_id, "READ")],
        "bucket-owner-full-control": [user(bucket_owner_id, "FULL_CONTROL")],
        "log-delivery-write": [group(LOG_DELIVERY, "WRITE"), group(LOG_DELIVERY, "READ_ACP")],
    }.get(name)
    if extra is None:
        raise invalid_argument("The canned ACL is not valid", "x-amz-acl", name)
    owner = user(owner_id, "FULL_CONTROL")
    return [owner] + [grant for grant in extra if grant != owner]


def effective(grants: list[Grant], owner_id: str) -> list[Grant]:
    return grants or [user(owner_id, "FULL_CONTROL")]


def _header_grantee(text: str, header: str) -> tuple[str, str]:
    """One grantee of an `x-amz-grant-*` header: ("id", account) or ("uri", group)."""
    found = _GRANTEE_FIELD.match(text)
    if found is None:
        raise invalid_argument("Invalid grantee in the grant header", header, text)
    if found.group(1).lower() == "emailaddress":
        raise unresolvable_email(found.group(2).strip())
    return found.group(1).lower(), found.group(2).strip()


# (`x-amz-grant-full-control`, "FULL_CONTROL") ... then the same under `x-obs-`.
_GRANT_HEADERS = [
    (prefix + "grant-" + permission.lower().replace("_", "-"), permission)
    for prefix in ("x-amz-", "x-obs-")
    for permission in PERMISSIONS
]


def from_headers(
    headers: dict[str, str], owner_id: str, bucket_owner_id: str
) -> list[Grant] | None:
    """The ACL a write asks for with `x-amz-acl`/`x-amz-grant-*` (or `x-obs-`); None: none."""
    for prefix in ("x-amz-", "x-obs-"):
        if prefix + "acl" in headers:
            return canned(headers[prefix + "acl"].strip(), owner_id, bucket_owner_id)
    grants: list[Grant] = []
    for header, permission in _GRANT_HEADERS:
        listed = headers.get(header)
        if not listed:
            continue
        for text in filter(None, (part.strip() for part in listed.split(","))):
            kind, value = _header_grantee(text, header)
            if kind == "uri" or value.lower() in ("everyone", "*"):
                uri = ALL_USERS if kind == "id" else value
                grants.append(group(uri, permission))
            else:
                grants.append(user(value, permission))
    return grants or None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _grant_of(element: ElementTree.Element) -> Grant:
    grantees = xml.children(element, "Grantee")
    permission = (xml.text(element, "Permission") or "").strip()
    if len(grantees) != 1 or permission not in PERMISSIONS:
        raise malformed_acl()
    grantee = grantees[0]
    kind = grantee.get(f"{{{XSI}}}type", "")
    account, uri = xml.text(grantee, "ID"), xml.text(grantee, "URI")
    canned_group = (xml.text(grantee, "Canned") or "").strip()  # OBS
    if canned_group:
        uris = {"Everyone": ALL_USERS, "AuthenticatedUsers": AUTHENTICATED_USERS}
        if canned_group not in uris:
            raise malformed_acl()
        return group(uris[canned_group], permission)
    if account is not None and kind in ("", "CanonicalUser"):
        return user(account.strip(), permission)
    if uri is not None and kind in ("", "Group") and uri.strip().startswith(GROUPS):
        return group(uri.strip(), permission)
    address = xml.text(grantee, "EmailAddress")
    if address is not None and kind in ("", "AmazonCustomerByEmail"):
        raise unresolvable_email(address.strip())
    raise malformed_acl()


def from_document(body: bytes) -> tuple[str, list[Grant]]:
    """(owner id, grants) of an AccessControlPolicy document."""
    try:
        document = xml.parse(body, "AccessControlPolicy")
    except S3Error:
        raise malformed_acl() from None
    owners, lists = xml.children(document, "Owner"), xml.children(document, "AccessControlList")
    if len(owners) != 1 or len(lists) != 1:
        raise malformed_acl()
    owner = (xml.text(owners[0], "ID") or "").strip()
    return owner, [_grant_of(element) for element in lists[0] if _local(element.tag) == "Grant"]


def checked(tx: Any, grants: list[Grant]) -> list[Grant]:
    """Grants to accounts that exist (else InvalidArgument), stored as given."""
    accounts = {grant["id"] for grant in grants if grant["type"] == "CanonicalUser"}
    known = set(tx.scalars(select(Domain.id).where(Domain.id.in_(accounts)))) if accounts else set()
    for account in accounts - known:
        raise invalid_argument("Invalid id", "CanonicalUser/ID", account)
    return grants


def submitted(request: Submitted, owner_id: str, bucket_owner_id: str) -> list[Grant]:
    """The ACL of a PUT ?acl: the canned or grant headers, else the document."""
    grants = from_headers(request.headers, owner_id, bucket_owner_id)
    if grants is None:
        document_owner, grants = from_document(request.body)
        if document_owner != owner_id:
            raise access_denied_owner()
    with request.ctx.transaction() as tx:
        return checked(tx, grants)


def access_denied_owner() -> S3Error:
    return S3Error("AccessDenied", "The owner of an ACL cannot be changed", 403)


def _grantee(grant: Grant, wire: Wire) -> tuple[str, Content]:
    """S3 types its grantees (xsi:type); OBS names an account by ID and a group as `Canned`."""
    if wire.dialect == "obs":
        if grant["type"] == "Group":
            canned_name = "Everyone" if grant["uri"] == ALL_USERS else grant["uri"].rsplit("/")[-1]
            return ("Grantee", [("Canned", canned_name)])
        return ("Grantee", [("ID", grant["id"])])
    if grant["type"] == "Group":
        return (f'Grantee xmlns:xsi="{XSI}" xsi:type="Group"', [("URI", grant["uri"])])
    fields: Content = [("ID", grant["id"]), ("DisplayName", grant["id"])]
    return (f'Grantee xmlns:xsi="{XSI}" xsi:type="CanonicalUser"', fields)


def document(grants: list[Grant], owner_id: str, wire: Wire) -> bytes:
    owner: Content = [("ID", owner_id)]
    if wire.dialect != "obs":
        owner = [("ID", owner_id), ("DisplayName", owner_id)]
    return xml.document(
        "AccessControlPolicy",
        [
            ("Owner", owner),
            (
                "AccessControlList",
                [
                    ("Grant", [_grantee(grant, wire), ("Permission", grant["permission"])])
                    for grant in effective(grants, owner_id)
                ],
            ),
        ],
    )


BUCKET_DOCUMENT = Document(
    "grants",
    lambda request: submitted(request, request.owner_id, request.owner_id),
    lambda grants, bucket, wire: document(grants, bucket.domain_id, wire),
    None,
)
