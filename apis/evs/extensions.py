"""The Cinder extensions EVS advertises on `GET /v2|v3/{project_id}/extensions`.

The first six, with their dates, are those of EVS's documented example response (eu-west-0
API reference, "Querying Extension APIs"); the others are the Cinder extensions behind the
calls the emulator serves, with Cinder's names, aliases and dates.
"""

from typing import Any

_EXTENSIONS = (
    (
        "SchedulerHints",
        "OS-SCH-HNT",
        "2013-04-18",
        "Pass arbitrary key/value pairs to the scheduler.",
    ),
    ("Hosts", "os-hosts", "2011-06-29", "Admin-only host administration."),
    (
        "VolumeTenantAttribute",
        "os-vol-tenant-attr",
        "2011-11-03",
        "Expose the internal project_id as an attribute of a volume.",
    ),
    ("Quotas", "os-quota-sets", "2011-08-08", "Quota management support."),
    ("TypesManage", "os-types-manage", "2011-08-24", "Types manage support."),
    (
        "VolumeEncryptionMetadata",
        "os-volume-encryption-metadata",
        "2013-07-10",
        "Volume encryption metadata retrieval support.",
    ),
    ("AvailabilityZones", "os-availability-zone", "2013-06-27", "Describe Availability Zones."),
    ("Backups", "backups", "2012-12-12", "Backups support."),
    (
        "ExtendedSnapshotAttributes",
        "os-extended-snapshot-attributes",
        "2012-06-19",
        "Extended SnapshotAttributes support.",
    ),
    (
        "UsedLimits",
        "os-used-limits",
        "2013-10-03",
        "Provide data on limited resources that are being used.",
    ),
    ("VolumeActions", "os-volume-actions", "2012-05-31", "Enable volume actions."),
    (
        "VolumeImageMetadata",
        "os-vol-image-meta",
        "2012-12-07",
        "Show image metadata associated with the volume.",
    ),
)


def listed() -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "alias": alias,
            "description": description,
            "updated": f"{day}T00:00:00+00:00",
            "links": [],
        }
        for name, alias, day, description in _EXTENSIONS
    ]
