"""Request bodies of VBS (`cloudbackups`, `backuppolicy`, `backuppolicyresources`) and of
Cinder `/backups`, named after the real API's objects."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from apis.backup.policy_rules import PolicySpec


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Tag(_Body):
    key: str
    value: str | None = ""


# Cinder ------------------------------------------------------------------------------------


class CinderBackupOption(_Body):
    volume_id: str
    name: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=255)
    snapshot_id: str | None = None
    incremental: bool = False
    force: bool = False
    container: str | None = None


class CinderBackupCreate(_Body):
    backup: CinderBackupOption


class CinderBackupChanges(_Body):
    name: str | None = Field(default=None, max_length=255)
    description: str | None = Field(default=None, max_length=255)


class CinderBackupUpdate(_Body):
    backup: CinderBackupChanges


class RestoreOption(_Body):
    volume_id: str | None = None
    name: str | None = Field(default=None, max_length=255)


class Restore(_Body):
    restore: RestoreOption


# VBS ---------------------------------------------------------------------------------------


class CloudBackupOption(_Body):
    volume_id: str
    name: str
    snapshot_id: str | None = None
    description: str | None = None
    tags: list[Tag] = Field(default_factory=list)
    extend_param: dict[str, Any] | None = None


class CloudBackupCreate(_Body):
    backup: CloudBackupOption


class NativeRestoreOption(_Body):
    volume_id: str


class NativeRestore(_Body):
    restore: NativeRestoreOption


class ScheduledPolicy(_Body):
    start_time: str | None = None
    frequency: int | None = None
    week_frequency: list[str] | None = None
    rentention_num: int | None = None
    rentention_day: int | None = None
    remain_first_backup_of_curMonth: str | None = None
    status: str | None = None


class BackupPolicyBody(_Body):
    backup_policy_name: str | None = None
    scheduled_policy: ScheduledPolicy = Field(default_factory=ScheduledPolicy)
    tags: list[Tag] = Field(default_factory=list)

    def to_spec(self, tags: dict[str, str]) -> PolicySpec:
        scheduled = self.scheduled_policy
        return PolicySpec(
            name=self.backup_policy_name,
            start_time=scheduled.start_time,
            frequency=scheduled.frequency,
            week_frequency=scheduled.week_frequency,
            retention_num=scheduled.rentention_num,
            retention_day=scheduled.rentention_day,
            keep_first_of_month=scheduled.remain_first_backup_of_curMonth,
            status=scheduled.status,
            tags=tags,
        )


class PolicyResource(_Body):
    resource_id: str
    resource_type: str = "volume"


class Association(_Body):
    backup_policy_id: str
    resources: list[PolicyResource]


class Disassociation(_Body):
    resources: list[PolicyResource]


class TagBody(_Body):
    tag: Tag
