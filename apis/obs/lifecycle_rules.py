"""Lifecycle rules: the LifecycleConfiguration document, checked whole (conflicts are
InvalidArgument), and which objects a rule selects.

A rule is stored as {"id", "enabled", "prefix", "tags", "filtered", "expiration_days",
"expiration_date", "expired_delete_marker", "transitions": [{"days", "class"}],
"noncurrent_days", "abort_days"}; "filtered" tells a rule given with a Filter from one given
with the legacy top-level Prefix, each shown back as it was given (rules stored before these
two keys existed read as filtered, without the marker action).
"""

from datetime import UTC, datetime
from typing import Any

from apis.obs import storage_classes, xml
from apis.obs.documents import Submitted
from apis.obs.errors import invalid_argument, malformed_xml
from apis.obs.wire import Wire
from emulator import ids

Rule = dict[str, Any]
MAX_RULES = 1000
MAX_ID_LENGTH = 255
CLASS_ORDER = ("STANDARD", "WARM", "COLD")


def _days(element: Any, name: str) -> int | None:
    text = xml.text(element, name)
    if text is None:
        return None
    if not text.strip().isdigit() or int(text) < 1:
        raise invalid_argument(f"'{name}' for lifecycle must be a positive integer", name, text)
    return int(text)


def _date(element: Any) -> str | None:
    text = xml.text(element, "Date")
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise invalid_argument("Invalid date", "Date", text) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if (value.hour, value.minute, value.second) != (0, 0, 0):
        raise invalid_argument("'Date' must be at midnight GMT", "Date", text)
    return value.astimezone(UTC).isoformat()


def _filter(element: Any) -> tuple[str, dict[str, str]]:
    """(prefix, tags) of the rule's Filter (S3) or top-level Prefix (legacy S3, OBS)."""
    filters = xml.children(element, "Filter")
    if not filters:
        return (xml.text(element, "Prefix") or ""), {}
    scope = filters[0]
    conjunction = xml.children(scope, "And")
    if conjunction:
        scope = conjunction[0]
    tags = {}
    for tag in xml.children(scope, "Tag"):
        key, value = xml.text(tag, "Key"), xml.text(tag, "Value")
        if key is None or value is None:
            raise malformed_xml()
        tags[key] = value
    return (xml.text(scope, "Prefix") or ""), tags


def _rule(element: Any) -> Rule:
    status = (xml.text(element, "Status") or "").strip()
    if status not in ("Enabled", "Disabled"):
        raise malformed_xml()
    prefix, tags = _filter(element)
    rule_id = (xml.text(element, "ID") or "").strip()
    if len(rule_id) > MAX_ID_LENGTH:
        raise invalid_argument("ID length should not exceed allowed limit of 255", "ID", rule_id)
    rule: Rule = {
        "id": rule_id,
        "enabled": status == "Enabled",
        "prefix": prefix,
        "tags": tags,
        "filtered": bool(xml.children(element, "Filter")),
        "expiration_days": None,
        "expiration_date": None,
        "expired_delete_marker": False,
        "transitions": [],
        "noncurrent_days": None,
        "abort_days": None,
    }
    for expiration in xml.children(element, "Expiration"):
        rule["expiration_days"] = _days(expiration, "Days")
        rule["expiration_date"] = _date(expiration)
        marker = (xml.text(expiration, "ExpiredObjectDeleteMarker") or "false").strip().lower()
        if marker not in ("true", "false"):
            raise malformed_xml()
        rule["expired_delete_marker"] = marker == "true"
    for transition in xml.children(element, "Transition"):
        days = _days(transition, "Days")
        if days is None:
            raise invalid_argument("A Transition needs Days", "Days", "")
        target = storage_classes.parse(xml.text(transition, "StorageClass") or "")
        if target == "STANDARD":
            raise invalid_argument("Transitions go to WARM or COLD", "StorageClass", target)
        rule["transitions"].append({"days": days, "class": target})
    for noncurrent in xml.children(element, "NoncurrentVersionExpiration"):
        rule["noncurrent_days"] = _days(noncurrent, "NoncurrentDays")
    for abort in xml.children(element, "AbortIncompleteMultipartUpload"):
        rule["abort_days"] = _days(abort, "DaysAfterInitiation")
    _check_actions(rule)
    return rule


def _check_actions(rule: Rule) -> None:
    actions = ("expiration_days", "expiration_date", "noncurrent_days", "abort_days")
    marker = rule["expired_delete_marker"]
    if not rule["transitions"] and not marker and all(rule[name] is None for name in actions):
        raise invalid_argument("At least one action needs to be specified in a rule", "Rule", "")
    dated = [rule["expiration_days"], rule["expiration_date"]]
    if dated.count(None) + (not marker) < 2:  # Days, Date, ExpiredObjectDeleteMarker: one only
        raise malformed_xml()
    transitions = sorted(rule["transitions"], key=lambda t: t["days"])
    if [t["class"] for t in transitions] != sorted(
        (t["class"] for t in transitions), key=CLASS_ORDER.index
    ) or len({t["class"] for t in transitions}) != len(transitions):
        raise invalid_argument(
            "COLD must come after WARM, each class once", "StorageClass", rule["id"]
        )
    expiration = rule["expiration_days"]
    if expiration is not None and any(t["days"] >= expiration for t in transitions):
        raise invalid_argument(
            "'Days' in the Expiration action must be greater than 'Days' in the Transition action",
            "Days",
            str(expiration),
        )


def parse(submitted: Submitted) -> list[Rule]:
    document = xml.parse(submitted.body, "LifecycleConfiguration")
    rules = [_rule(element) for element in xml.children(document, "Rule")]
    if not rules or len(rules) > MAX_RULES:
        raise malformed_xml()
    named = [rule["id"] for rule in rules if rule["id"]]
    if len(named) != len(set(named)):
        raise invalid_argument(
            "Rule ID must be unique. Found same ID for more than one rule", "ID", ""
        )
    for rule in rules:
        rule["id"] = rule["id"] or ids.hex_id()  # S3 names a rule given without an ID
    scopes = [(rule["prefix"], sorted(rule["tags"].items())) for rule in rules]
    for index, scope in enumerate(scopes):
        if scope in scopes[:index]:
            raise invalid_argument(
                "Found two rules with the same filter: the rules conflict", "Prefix", scope[0]
            )
    return rules


def selects(rule: Rule, key: str, tags: dict[str, str]) -> bool:
    return (
        rule["enabled"]
        and key.startswith(rule["prefix"])
        and all(tags.get(name) == value for name, value in rule["tags"].items())
    )


def document(rules: list[Rule], wire: Wire) -> bytes:
    def content(rule: Rule) -> xml.Content:
        scope: list[tuple[str, xml.Content]] = (
            [("Prefix", rule["prefix"])] if rule["prefix"] else []
        )
        scope += [("Tag", [("Key", k), ("Value", v)]) for k, v in rule["tags"].items()]
        # As S3 shows it: one predicate alone (an empty Prefix if none), several under And.
        filter_content: xml.Content = (
            [("And", scope)] if len(scope) > 1 else scope or [("Prefix", "")]
        )
        fields: list[tuple[str, xml.Content]] = [("ID", rule["id"] or None)]
        if wire.dialect == "obs" or not rule.get("filtered", True):
            fields.append(("Prefix", rule["prefix"]))
        else:
            fields.append(("Filter", filter_content))
        fields.append(("Status", "Enabled" if rule["enabled"] else "Disabled"))
        marker = rule.get("expired_delete_marker", False)
        if rule["expiration_days"] is not None or rule["expiration_date"] is not None or marker:
            date = rule["expiration_date"]
            shown = date.replace("+00:00", "Z") if date else None
            expiration: list[tuple[str, xml.Content]] = [
                ("Days", rule["expiration_days"]),
                ("Date", shown),
            ]
            if marker:
                expiration.append(("ExpiredObjectDeleteMarker", "true"))
            fields.append(("Expiration", expiration))
        fields += [
            (
                "Transition",
                [("Days", t["days"]), ("StorageClass", wire.storage_class(t["class"]))],
            )
            for t in rule["transitions"]
        ]
        if rule["noncurrent_days"] is not None:
            fields.append(
                ("NoncurrentVersionExpiration", [("NoncurrentDays", rule["noncurrent_days"])])
            )
        if rule["abort_days"] is not None:
            fields.append(
                ("AbortIncompleteMultipartUpload", [("DaysAfterInitiation", rule["abort_days"])])
            )
        return fields

    return xml.document("LifecycleConfiguration", [("Rule", content(rule)) for rule in rules])
