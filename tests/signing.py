"""Requests signed by the real huaweicloudsdkcore signer, for raw httpx checks."""

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer


def sdk_signed_headers(
    method: str,
    url: str,
    ak: str,
    sk: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> dict[str, str]:
    """The headers huaweicloudsdkcore sends for this request (X-Sdk-Date, Authorization ...)."""
    parts = urlsplit(url)
    request = SdkRequest(
        method=method,
        schema=parts.scheme,
        host=parts.netloc,
        resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params=dict(headers or {}),
        body=body,
    )
    Signer(BasicCredentials(ak, sk)).sign(request)
    return {key: str(value) for key, value in request.header_params.items()}


def signed(
    method: str,
    url: str,
    ak: str,
    sk: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    **kwargs: Any,
) -> httpx.Response:
    sent = sdk_signed_headers(method, url, ak, sk, headers, body)
    return httpx.request(method, url, headers=sent, content=body, **kwargs)
