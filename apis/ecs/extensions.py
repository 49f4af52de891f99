"""The Nova extensions of `GET /v2.1/{project_id}/extensions`: of Nova's fixed list (name, alias,
description as Nova gives them), those whose calls and fields the emulator serves."""

from typing import Any

_EXTENSIONS = (
    ("DiskConfig", "OS-DCF", "Disk Management Extension."),
    ("ExtendedAvailabilityZone", "OS-EXT-AZ", "Extended Availability Zone support."),
    ("ImageSize", "OS-EXT-IMG-SIZE", "Adds image size to image listings."),
    ("ExtendedIps", "OS-EXT-IPS", "Adds type parameter to the ip list."),
    ("ExtendedIpsMac", "OS-EXT-IPS-MAC", "Adds mac address parameter to the ip list."),
    ("ExtendedServerAttributes", "OS-EXT-SRV-ATTR", "Extended Server Attributes support."),
    ("ExtendedStatus", "OS-EXT-STS", "Extended Status support."),
    ("FlavorDisabled", "OS-FLV-DISABLED", "Support to show the disabled status of a flavor."),
    ("FlavorExtraData", "OS-FLV-EXT-DATA", "Provide additional data for flavors."),
    ("SchedulerHints", "OS-SCH-HNT", "Pass arbitrary key/value pairs to the scheduler."),
    ("ServerUsage", "OS-SRV-USG", "Adds launched_at and terminated_at on Servers."),
    ("AccessIPs", "os-access-ips", "Access IPs support."),
    ("AdminPassword", "os-admin-password", "Admin password management support."),
    ("AttachInterfaces", "os-attach-interfaces", "Attach interface support."),
    (
        "AvailabilityZone",
        "os-availability-zone",
        "1. Add availability_zone to the Create Server API.\n"
        "       2. Add availability zones describing.\n    ",
    ),
    (
        "BlockDeviceMappingV2Boot",
        "os-block-device-mapping-v2-boot",
        "Allow boot with the new BDM data format.",
    ),
    ("ConsoleOutput", "os-console-output", "Console log output support, with tailing ability."),
    ("Consoles", "os-consoles", "Interactive Console support."),
    ("ExtendedVolumes", "os-extended-volumes", "Extended Volumes support."),
    ("FlavorExtraSpecs", "os-flavor-extra-specs", "Flavors extra specs support."),
    ("FlavorRxtx", "os-flavor-rxtx", "Support to show the rxtx status of a flavor."),
    ("FlavorSwap", "os-flavor-swap", "Support to show the swap status of a flavor."),
    (
        "InstanceActions",
        "os-instance-actions",
        "View a log of actions and events taken on an instance.",
    ),
    ("Keypairs", "os-keypairs", "Keypair Support."),
    ("LockServer", "os-lock-server", "Enable lock/unlock server actions."),
    (
        "MultipleCreate",
        "os-multiple-create",
        "Allow multiple create in the Create Server v2.1 API.",
    ),
    ("Quotas", "os-quota-sets", "Quotas management support."),
    ("SecurityGroups", "os-security-groups", "Security group support."),
    ("ServerGroupQuotas", "os-server-group-quotas", "Adds quota support to server groups."),
    ("ServerGroups", "os-server-groups", "Server group support."),
    ("ServerPassword", "os-server-password", "Server password support."),
    ("ServerStartStop", "os-server-start-stop", "Start/Stop instance compute API support."),
    ("UserData", "os-user-data", "Add user_data to the Create Server API."),
)


def _view(name: str, alias: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "alias": alias,
        "description": description,
        "namespace": "http://docs.openstack.org/compute/ext/fake_xml",
        "updated": "2014-12-03T00:00:00Z",
        "links": [],
    }


def listed() -> list[dict[str, Any]]:
    return [_view(*extension) for extension in _EXTENSIONS]


def get(alias: str) -> dict[str, Any] | None:
    return next((_view(*each) for each in _EXTENSIONS if each[1] == alias), None)
