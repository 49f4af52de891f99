"""The Neutron extensions this cloud offers, described as upstream Neutron describes them
(neutron-lib `api/definitions`, neutron `extensions/`): clients look them up by alias and
some check the name."""

from typing import Any

_TAGGED = "subnet, router, network, port, security_group, floatingip"

# alias -> (name, description, updated)
EXTENSIONS: dict[str, tuple[str, str, str]] = {
    "router": (
        "Neutron L3 Router",
        "Router abstraction for basic L3 forwarding between L2 Neutron networks and access "
        "to external networks via a NAT gateway.",
        "2012-07-20T10:00:00-00:00",
    ),
    "external-net": (
        "Neutron external network",
        "Adds external network attribute to network resource.",
        "2013-01-14T10:00:00-00:00",
    ),
    "extraroute": (
        "Neutron Extra Route",
        "Extra routes configuration for L3 router",
        "2013-02-01T10:00:00-00:00",
    ),
    "security-group": (
        "security-group",
        "The security groups extension.",
        "2012-10-05T10:00:00-00:00",
    ),
    "quotas": (
        "Quota management support",
        "Expose functions for quotas management per tenant",
        "2012-07-29T10:00:00-00:00",
    ),
    "quota_details": (
        "Quota details management support",
        "Expose functions for quotas usage statistics per project",
        "2017-02-10T10:00:00-00:00",
    ),
    "allowed-address-pairs": (
        "Allowed Address Pairs",
        "Provides allowed address pairs",
        "2013-07-23T10:00:00-00:00",
    ),
    "binding": (
        "Port Binding",
        "Expose port bindings of a virtual port to external application",
        "2014-02-03T10:00:00-00:00",
    ),
    "port-security": (
        "Port Security",
        "Provides port security",
        "2012-07-23T10:00:00-00:00",
    ),
    "network-ip-availability": (
        "Network IP Availability",
        "Provides IP availability data for each network and subnet.",
        "2015-09-24T00:00:00-00:00",
    ),
    "dns-integration": (
        "DNS Integration",
        "Provides integration with DNS.",
        "2015-08-15T18:00:00-00:00",
    ),
    "standard-attr-tag": (
        f"Tag support for resources with standard attribute: {_TAGGED}",
        "Enables to set tag on resources with standard attribute.",
        "2017-01-01T00:00:00-00:00",
    ),
}


def view(alias: str) -> dict[str, Any]:
    name, description, updated = EXTENSIONS[alias]
    return {
        "alias": alias,
        "name": name,
        "description": description,
        "links": [],
        "updated": updated,
    }
