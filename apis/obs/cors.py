"""Bucket CORS: the CORSConfiguration document, preflight requests, headers of matching requests."""

from fnmatch import fnmatchcase
from typing import Any

from apis.obs import xml
from apis.obs.documents import Document, Submitted, not_configured
from apis.obs.errors import S3Error, malformed_xml

Rule = dict[str, Any]
METHODS = ("GET", "PUT", "POST", "DELETE", "HEAD")
MAX_RULES = 100
_LISTS = (
    ("AllowedOrigin", "origins"),
    ("AllowedMethod", "methods"),
    ("AllowedHeader", "headers"),
    ("ExposeHeader", "expose"),
)


def _invalid(message: str) -> S3Error:
    return S3Error("InvalidRequest", message, 400)


def _rule(element: Any) -> Rule:
    rule: Rule = {
        field: [(child.text or "").strip() for child in xml.children(element, tag)]
        for tag, field in _LISTS
    }
    if not rule["origins"] or not rule["methods"]:
        raise malformed_xml()
    for method in rule["methods"]:
        if method not in METHODS:
            raise _invalid(
                f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
            )
    for origin in rule["origins"]:
        if origin.count("*") > 1:
            raise _invalid(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
    rule_id, max_age = xml.text(element, "ID"), xml.text(element, "MaxAgeSeconds")
    if max_age is not None and not max_age.strip().isdigit():
        raise malformed_xml()
    rule["id"] = rule_id
    rule["max_age"] = int(max_age) if max_age is not None else None
    return rule


def parse(submitted: Submitted) -> list[Rule]:
    document = xml.parse(submitted.body, "CORSConfiguration")
    rules = [_rule(element) for element in xml.children(document, "CORSRule")]
    if not rules or len(rules) > MAX_RULES:
        raise malformed_xml()
    return rules


def document(rules: list[Rule]) -> bytes:
    def content(rule: Rule) -> xml.Content:
        fields: list[tuple[str, xml.Content]] = [("ID", rule["id"])]
        for tag, field in _LISTS:
            fields += [(tag, value) for value in rule[field]]
        fields.append(("MaxAgeSeconds", rule["max_age"]))
        return fields

    return xml.document("CORSConfiguration", [("CORSRule", content(rule)) for rule in rules])


def matching(rules: list[Rule], origin: str, method: str, headers: list[str]) -> Rule | None:
    """The first rule allowing this origin, method and every requested header."""
    for rule in rules:
        if not any(fnmatchcase(origin, allowed) for allowed in rule["origins"]):
            continue
        if method not in rule["methods"]:
            continue
        allowed_headers = [allowed.lower() for allowed in rule["headers"]]
        if all(any(fnmatchcase(h, a) for a in allowed_headers) for h in headers):
            return rule
    return None


def response_headers(rule: Rule, origin: str) -> dict[str, str]:
    """The CORS headers of a request (or preflight) that `rule` allows."""
    anyone = "*" in rule["origins"]
    headers = {
        "Access-Control-Allow-Origin": "*" if anyone else origin,
        "Access-Control-Allow-Methods": ", ".join(rule["methods"]),
        "Vary": "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    }
    if not anyone:
        headers["Access-Control-Allow-Credentials"] = "true"
    if rule["expose"]:
        headers["Access-Control-Expose-Headers"] = ", ".join(rule["expose"])
    if rule["max_age"] is not None:
        headers["Access-Control-Max-Age"] = str(rule["max_age"])
    return headers


def preflight(rules: list[Rule] | None, request_headers: dict[str, str]) -> dict[str, str]:
    """The headers answering a preflight OPTIONS, or the 400/403 refusing it."""
    origin = request_headers.get("origin")
    method = request_headers.get("access-control-request-method")
    if not origin or not method:
        raise S3Error("BadRequest", "Insufficient information. Origin request header needed.", 400)
    if not rules:
        raise S3Error("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.", 403)
    requested = [
        name.strip().lower()
        for name in request_headers.get("access-control-request-headers", "").split(",")
        if name.strip()
    ]
    rule = matching(rules, origin, method, requested)
    if rule is None:
        raise S3Error(
            "AccessForbidden",
            "CORSResponse: This CORS request is not allowed. This is usually because the "
            "evalution of Origin, request method / Access-Control-Request-Method or "
            "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
            403,
        )
    headers = response_headers(rule, origin)
    if requested:
        headers["Access-Control-Allow-Headers"] = ", ".join(requested)
    return headers


BUCKET_DOCUMENT = Document(
    "cors",
    parse,
    lambda rules, _bucket, _wire: document(rules),
    not_configured("NoSuchCORSConfiguration", "The CORS configuration does not exist"),
    empty=[],
)
