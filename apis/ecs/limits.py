"""Compute limits and quota sets: the shared quota numbers under Nova's and ECS's names.

Nova's absolute limits and quota sets also show network quotas (security groups, floating IPs)
up to microversion 2.35, and personality-file quotas up to 2.56; those come from the VPC
service's quota keys when it is present.
"""

from sqlalchemy.orm import Session

from emulator import quotas

# The VPC service's keys behind Nova's proxied network quotas.
NETWORK_KEYS = {
    "security_groups": "securityGroup",
    "security_group_rules": "securityGroupRule",
    "floating_ips": "floatingip",
}

# Absolute limit name -> quota key (limit) or, for total*Used, quota key (usage).
_MAXIMA = {
    "maxTotalInstances": "instances",
    "maxTotalCores": "cores",
    "maxTotalRAMSize": "ram",
    "maxTotalKeypairs": "key_pairs",
    "maxServerMeta": "metadata_items",
    "maxImageMeta": "metadata_items",
    "maxServerGroups": "server_groups",
    "maxServerGroupMembers": "server_group_members",
    "maxPersonality": "injected_files",
    "maxPersonalitySize": "injected_file_content_bytes",
    "maxSecurityGroups": NETWORK_KEYS["security_groups"],
    "maxSecurityGroupRules": NETWORK_KEYS["security_group_rules"],
    "maxTotalFloatingIps": NETWORK_KEYS["floating_ips"],
}
_USED = {
    "totalInstancesUsed": "instances",
    "totalCoresUsed": "cores",
    "totalRAMUsed": "ram",
    "totalServerGroupsUsed": "server_groups",
    "totalSecurityGroupsUsed": NETWORK_KEYS["security_groups"],
    "totalFloatingIpsUsed": NETWORK_KEYS["floating_ips"],
}
PROXIED_NETWORK_LIMITS = frozenset(
    {
        "maxSecurityGroups",
        "maxSecurityGroupRules",
        "maxTotalFloatingIps",
        "totalSecurityGroupsUsed",
        "totalFloatingIpsUsed",
    }
)
PERSONALITY_LIMITS = frozenset({"maxPersonality", "maxPersonalitySize"})

# Nova quota-set fields -> quota key (None: not limited here, shown as -1).
_QUOTA_SET = {
    "instances": "instances",
    "cores": "cores",
    "ram": "ram",
    "key_pairs": "key_pairs",
    "metadata_items": "metadata_items",
    "server_groups": "server_groups",
    "server_group_members": "server_group_members",
    "injected_files": "injected_files",
    "injected_file_content_bytes": "injected_file_content_bytes",
    "injected_file_path_bytes": "injected_file_path_bytes",
    "fixed_ips": None,
    **NETWORK_KEYS,
}
PROXIED_NETWORK_QUOTAS = frozenset({"fixed_ips", *NETWORK_KEYS})
PERSONALITY_QUOTAS = frozenset(
    {"injected_files", "injected_file_content_bytes", "injected_file_path_bytes"}
)


def absolute(
    tx: Session, project_id: str, *, hidden: frozenset[str] = frozenset()
) -> dict[str, int]:
    limits = quotas.limits(tx, project_id)
    usage = quotas.usage(tx, project_id)
    result = {
        name: limits.get(key, quotas.UNLIMITED)
        for name, key in _MAXIMA.items()
        if name not in hidden
    }
    result.update({name: usage.get(key, 0) for name, key in _USED.items() if name not in hidden})
    return result


def quota_set(values: dict[str, int], *, hidden: frozenset[str] = frozenset()) -> dict[str, int]:
    """Nova's quota-set fields from quota values (limits or defaults)."""
    return {
        name: values.get(key, quotas.UNLIMITED) if key else quotas.UNLIMITED
        for name, key in _QUOTA_SET.items()
        if name not in hidden
    }


def quota_set_detail(
    tx: Session, project_id: str, *, hidden: frozenset[str] = frozenset()
) -> dict[str, dict[str, int]]:
    limits = quota_set(quotas.limits(tx, project_id), hidden=hidden)
    usage = quotas.usage(tx, project_id)
    return {
        name: {
            "limit": limit,
            "in_use": usage.get(_QUOTA_SET[name] or "", 0),
            "reserved": 0,
        }
        for name, limit in limits.items()
    }
