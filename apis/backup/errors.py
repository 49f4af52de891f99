"""VBS errors in both dialects: Cinder's words and statuses, and the native VolumeBackup.xxxx /
AutoBackup.xxxx codes of the VBS error table."""

from emulator.errors import BadRequest, NotFound, QuotaExceeded

BAD_REQUEST = "VolumeBackup.0002"
BAD_NAME = "VolumeBackup.0004"
BAD_DESCRIPTION = "VolumeBackup.0006"
BAD_VOLUME_STATUS = "VolumeBackup.0012"
BUSY_VOLUME = "VolumeBackup.0013"
NO_VOLUME = "VolumeBackup.0021"
PER_DISK_LIMIT = "VolumeBackup.0040"
BAD_TAGS = "VolumeBackup.0049"
COUNT_QUOTA = "VolumeBackup.0080"
CAPACITY_QUOTA = "VolumeBackup.0081"
VOLUME_QUOTA = "VolumeBackup.0082"
BACKUP_IN_USE = "VolumeBackup.0102"
NO_BACKUP = "VolumeBackup.0111"
RESTORE_TARGET_STATUS = "VolumeBackup.0205"
RESTORE_TOO_SMALL = "VolumeBackup.0209"
BACKUP_NOT_AVAILABLE = "VolumeBackup.0089"

POLICY_NAME_LENGTH = "AutoBackup.0101"
POLICY_NAME = "AutoBackup.0102"
POLICY_START_TIME = "AutoBackup.0103"
POLICY_STATUS = "AutoBackup.0104"
POLICY_KEEP_FIRST = "AutoBackup.0105"
POLICY_FREQUENCY = "AutoBackup.0106"
POLICY_RETENTION = "AutoBackup.0107"
POLICY_COUNT = "AutoBackup.0203"
NO_POLICY = "AutoBackup.0205"
BAD_RESOURCE = "AutoBackup.1400"
BAD_RESOURCE_STATUS = "AutoBackup.0206"
NO_RESOURCES = "AutoBackup.0207"
BAD_RESOURCE_TYPE = "AutoBackup.0211"
BAD_POLICY_TAGS = "AutoBackup.0214"
NO_POLICY_TAG = "AutoBackup.0216"

PER_DISK = 20


def bad_request(cinder_message: str, code: str, native_message: str | None = None) -> BadRequest:
    return BadRequest(
        cinder_message,
        codes={"huawei": code},
        messages={"huawei": native_message or cinder_message},
    )


def invalid_backup(reason: str, code: str) -> BadRequest:
    return bad_request(f"Invalid backup: {reason}", code, reason)


def invalid_volume(reason: str, code: str) -> BadRequest:
    return bad_request(f"Invalid volume: {reason}", code, reason)


def policy_error(message: str, code: str) -> BadRequest:
    return BadRequest(message, codes={"huawei": code})


def volume_not_found(volume_id: str, code: str = NO_VOLUME) -> NotFound:
    return NotFound(f"Volume {volume_id} could not be found.", codes={"huawei": code})


def backup_not_found(backup_id: str) -> NotFound:
    return NotFound(f"Backup {backup_id} could not be found.", codes={"huawei": NO_BACKUP})


def policy_not_found(policy_id: str) -> NotFound:
    return NotFound(f"Backup policy {policy_id} does not exist.", codes={"huawei": NO_POLICY})


def per_disk_limit(volume_id: str) -> BadRequest:
    return invalid_backup(
        f"The number of backups for the disk {volume_id} has reached the upper limit ({PER_DISK}).",
        PER_DISK_LIMIT,
    )


def quota_exceeded(error: QuotaExceeded) -> QuotaExceeded:
    """The shared quota error as Cinder (413 overLimit) and native VBS (400) word it."""
    if error.key == "backups":
        cinder = f"BackupLimitExceeded: Maximum number of backups allowed ({error.limit}) exceeded"
        code, native = COUNT_QUOTA, "The quota for the number of backups has been used up."
    else:
        cinder = (
            "VolumeBackupSizeExceedsAvailableQuota: Requested backup exceeds allowed Backup "
            f"gigabytes quota. Requested {error.requested}G, quota is {error.limit}G and "
            f"{error.in_use}G has been consumed."
        )
        code, native = CAPACITY_QUOTA, "The quota for the capacity of backups has been used up."
    return QuotaExceeded(
        error.message,
        key=error.key,
        requested=error.requested,
        in_use=error.in_use,
        limit=error.limit,
        statuses={"cinder": 413, "huawei": 400},
        codes={"huawei": code},
        messages={"cinder": cinder, "huawei": native},
    )
