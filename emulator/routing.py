"""Which service a request is for: Host label, path prefix, bare path, else OBS.

The bare-path table is data, checked at start-up: two rules that could match the same request
make the process refuse to start. A rule reads `<version>/<resource>` (no project id in the
path), `<version>/{project_id}/<resource>` (the project id is the 2nd segment), with `*` for
"any resource" and an empty resource for the version document itself.
"""

import re
from dataclasses import dataclass

# Service -> the host labels and path prefixes that name it (the real cloud's host labels).
LABELS: dict[str, tuple[str, ...]] = {
    "iam": ("iam",),
    "ecs": ("ecs",),
    "evs": ("evs",),
    "vpc": ("vpc",),
    "ims": ("ims",),
    "obs": ("oss", "obs"),
    "vbs": ("vbs",),
    "csbs": ("csbs",),
    "cbr": ("cbr",),
}
LABEL_TO_SERVICE = {label: service for service, labels in LABELS.items() for label in labels}
VERSION_SEGMENTS = ("v1", "v1.0", "v1.1", "v2", "v2.0", "v2.1", "v3", "v3.0")
ADMIN_SEGMENT = "_emulator"
RESERVED_FIRST_SEGMENTS = frozenset((*LABEL_TO_SERVICE, *VERSION_SEGMENTS, ADMIN_SEGMENT))

# Bare paths: the Huawei SDKs keep only scheme and host of an endpoint and append these.
BARE_RULES: dict[str, str] = {
    # IAM: Keystone v3 and the Huawei v3.0 extensions.
    "v3/*": "iam",
    "v3.0/*": "iam",
    # Jobs of the native APIs (ECS, EVS, IMS, VBS share one jobs table).
    "v1/{project_id}/jobs": "jobs",
    # ECS: native API and Nova.
    "v1/{project_id}/cloudservers": "ecs",
    "v1.1/{project_id}/cloudservers": "ecs",
    "v1/{project_id}/availability-zones": "ecs",
    "v1/{project_id}/servers": "ecs",
    "v2.1": "ecs",
    "v2.1/{project_id}/servers": "ecs",
    "v2.1/{project_id}/flavors": "ecs",
    "v2.1/{project_id}/os-keypairs": "ecs",
    "v2.1/{project_id}/os-availability-zone": "ecs",
    "v2.1/{project_id}/limits": "ecs",
    "v2.1/{project_id}/os-quota-sets": "ecs",
    "v2.1/{project_id}/os-server-groups": "ecs",
    "v2.1/{project_id}/extensions": "ecs",
    # EVS: Cinder v2/v3 and the native API; Cinder owns bare /v2 (see DESIGN §2).
    "v2": "evs",
    "v3/{project_id}/volumes": "evs",
    "v3/{project_id}/types": "evs",
    "v3/{project_id}/snapshots": "evs",
    "v3/{project_id}/backups": "evs",
    "v3/{project_id}/attachments": "evs",
    "v3/{project_id}/os-availability-zone": "evs",
    "v3/{project_id}/os-quota-sets": "evs",
    "v3/{project_id}/limits": "evs",
    "v3/{project_id}/extensions": "evs",
    "v2/{project_id}/volumes": "evs",
    "v2/{project_id}/types": "evs",
    "v2/{project_id}/snapshots": "evs",
    "v2/{project_id}/backups": "evs",
    "v2/{project_id}/os-availability-zone": "evs",
    "v2/{project_id}/os-quota-sets": "evs",
    "v2/{project_id}/limits": "evs",
    "v2/{project_id}/os-vendor-volumes": "evs",
    "v2/{project_id}/cloudvolumes": "evs",
    "v2/{project_id}/cloudsnapshots": "evs",
    "v2/{project_id}/extensions": "evs",
    "v2.1/{project_id}/cloudvolumes": "evs",
    # VPC, security groups and EIP: native v1 and v2.0, Neutron v2.0.
    "v1/{project_id}/vpcs": "vpc",
    "v1/{project_id}/subnets": "vpc",
    "v1/{project_id}/publicips": "vpc",
    "v1/{project_id}/bandwidths": "vpc",
    "v1/{project_id}/security-groups": "vpc",
    "v1/{project_id}/security-group-rules": "vpc",
    "v1/{project_id}/quotas": "vpc",
    "v1/{project_id}/privateips": "vpc",
    "v1/{project_id}/ports": "vpc",
    "v2.0/*": "vpc",
    "v2.0/{project_id}/*": "vpc",
    "v3/{project_id}/vpc": "vpc",
    # IMS / Glance.
    "v2/images": "ims",
    "v2/schemas": "ims",
    "v2/cloudimages": "ims",
    "v1/cloudimages": "ims",
    # Backups: VBS, CSBS, CBR.
    "v2/{project_id}/cloudbackups": "vbs",
    "v2/{project_id}/backuppolicy": "vbs",
    "v2/{project_id}/backuppolicyresources": "vbs",
    "v1/{project_id}/providers": "csbs",
    "v1/{project_id}/checkpoint_items": "csbs",
    "v1/{project_id}/policies": "csbs",
    "v3/{project_id}/vaults": "cbr",
}

_PROJECT_ID = re.compile(r"^[0-9a-f]{32}$")
_REGION = re.compile(r"^[a-z]{2}-[a-z]+-\d+$")


@dataclass(frozen=True)
class Rule:
    version: str
    scoped: bool
    resource: str  # "*" for any, "" for the version document


def parse_rule(text: str) -> Rule:
    parts = text.split("/")
    if len(parts) >= 2 and parts[1] == "{project_id}":
        return Rule(parts[0], True, parts[2] if len(parts) > 2 else "")
    return Rule(parts[0], False, parts[1] if len(parts) > 1 else "")


def overlaps(a: Rule, b: Rule) -> bool:
    if a.version != b.version or a.scoped != b.scoped:
        return False
    return a.resource == b.resource or "*" in (a.resource, b.resource)


class RoutingTableError(RuntimeError):
    pass


def check_table(rules: dict[str, str]) -> dict[tuple[str, bool], dict[str, str]]:
    """Refuse a table where two rules could match one request; index it for lookups."""
    parsed = [(text, parse_rule(text), service) for text, service in rules.items()]
    for i, (text_a, rule_a, _) in enumerate(parsed):
        for text_b, rule_b, _ in parsed[i + 1 :]:
            if overlaps(rule_a, rule_b):
                raise RoutingTableError(f"bare-path rules {text_a!r} and {text_b!r} overlap")
    index: dict[tuple[str, bool], dict[str, str]] = {}
    for _, rule, service in parsed:
        index.setdefault((rule.version, rule.scoped), {})[rule.resource] = service
    return index


@dataclass(frozen=True)
class Route:
    service: str  # a key of LABELS, "jobs", "admin", "index", or "" for no service
    path: str  # the path the service app sees
    root_path: str  # the prefix that was stripped ("/ecs"), for links in responses
    original_path: str  # as the client sent it: signatures cover this one
    region: str | None = None  # from the Host label
    bucket: str | None = None  # a virtual-hosted bucket


def looks_like_project_id(segment: str) -> bool:
    return bool(_PROJECT_ID.match(segment))


class Router:
    def __init__(self, rules: dict[str, str], bucket_domains: tuple[str, ...] = ("localhost",)):
        self.index = check_table(rules)
        self.bucket_domains = bucket_domains

    def bare_service(self, segments: list[str]) -> str | None:
        version = segments[0]
        rest = segments[1:]
        if rest and looks_like_project_id(rest[0]):
            table = self.index.get((version, True), {})
            resource = rest[1] if len(rest) > 1 else ""
        else:
            table = self.index.get((version, False), {})
            resource = rest[0] if rest else ""
        return table.get(resource) or table.get("*")

    def resolve(self, host: str, path: str, s3_request: bool) -> Route:
        hostname = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
        labels = hostname.split(".")
        if len(labels) >= 3 and labels[1] in LABELS["obs"] and _REGION.match(labels[2]):
            return self._bucket_host(labels[0], path, labels[2])
        if len(labels) >= 2 and labels[0] in LABEL_TO_SERVICE and _REGION.match(labels[1]):
            return Route(LABEL_TO_SERVICE[labels[0]], path, "", path, region=labels[1])
        for domain in self.bucket_domains:
            if hostname.endswith("." + domain):
                return self._bucket_host(hostname[: -len(domain) - 1], path, None)

        segments = path.lstrip("/").split("/")
        first = segments[0]
        if first == ADMIN_SEGMENT:
            return Route("admin", path, "", path)
        if first in LABEL_TO_SERVICE:
            rest = path[len(first) + 1 :] or "/"
            return Route(LABEL_TO_SERVICE[first], rest, "/" + first, path)
        if first in VERSION_SEGMENTS:
            return Route(self.bare_service(segments) or "", path, "", path)
        if first == "" and not s3_request:
            return Route("index", path, "", path)
        return Route("obs", path, "", path)

    @staticmethod
    def _bucket_host(bucket: str, path: str, region: str | None) -> Route:
        return Route(
            "obs",
            "/" + bucket + (path if path.startswith("/") else "/" + path),
            "",
            path,
            region=region,
            bucket=bucket,
        )
