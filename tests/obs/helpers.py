"""Helpers of the OBS tests: error codes and bodies, requests signed by botocore's signer."""

import xml.etree.ElementTree as ElementTree

import httpx
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError


def code_of(error: ClientError) -> str:
    return error.response["Error"]["Code"]


def error_of(response: httpx.Response) -> dict[str, str]:
    root = ElementTree.fromstring(response.content)
    assert root.tag == "Error"
    return {child.tag: child.text or "" for child in root}


class DeclaredPayload(S3SigV4Auth):
    """botocore's signer, signing the payload hash the request declares."""

    def __init__(self, credentials, declared):
        super().__init__(credentials, "s3", "eu-west-0")
        self.declared = declared

    def payload(self, request):
        return self.declared or super().payload(request)


def signed(flexemu, method, path, body=b"", headers=None, payload=None):
    """A SigV4-signed request as botocore would send it: (url, headers)."""
    url = f"{flexemu.url}{path}"
    request = AWSRequest(method=method, url=url, data=body, headers=headers or {})
    credentials = Credentials(flexemu.access_key, flexemu.secret_key)
    DeclaredPayload(credentials, payload).add_auth(request)
    return url, dict(request.headers.items())
