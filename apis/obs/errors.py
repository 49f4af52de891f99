"""S3/OBS errors: a code, a status and the extra fields S3 puts in its `<Error>` body."""

from emulator.errors import ApiError


class S3Error(ApiError):
    def __init__(self, code: str, message: str, status: int = 400, **fields: str):
        super().__init__(message, codes={"s3": code})
        self.status = status
        self.code = code
        # <BucketName>, <Key>, <ArgumentName> ...: rendered after Code and Message.
        self.fields = {name: value for name, value in fields.items() if value is not None}

    def with_fields(self, **fields: str) -> "S3Error":
        self.fields.update(fields)
        return self


def no_such_bucket(bucket: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def no_such_key(key: str) -> S3Error:
    return S3Error("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_upload(upload_id: str) -> S3Error:
    return S3Error(
        "NoSuchUpload",
        "The specified multipart upload does not exist. The upload "
        "ID might be invalid, or the multipart upload might have been aborted or "
        "completed.",
        404,
        UploadId=upload_id,
    )


def invalid_argument(message: str, name: str, value: str) -> S3Error:
    return S3Error("InvalidArgument", message, 400, ArgumentName=name, ArgumentValue=value)


def malformed_xml() -> S3Error:
    return S3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )


def not_implemented(what: str) -> S3Error:
    return S3Error("NotImplemented", f"{what} is not implemented by the emulator yet.", 501)


def access_denied(message: str = "Access Denied") -> S3Error:
    return S3Error("AccessDenied", message, 403)


def bad_digest(message: str) -> S3Error:
    return S3Error("BadDigest", message, 400)


def precondition_failed(condition: str) -> S3Error:
    return S3Error(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        Condition=condition,
    )
