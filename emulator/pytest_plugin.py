"""pytest fixtures: a flexemu server for the session and a fresh state for every test.

    def test_my_stack(flexemu):
        conn = flexemu.openstack()              # openstacksdk, scoped to eu-west-0
        assert [r.id for r in conn.identity.regions()]

`flexemu_server` runs one emulator (in memory, on a free port, in a thread) for the whole
session; `flexemu` resets it before handing it to a test.
"""

import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from emulator.app import Gateway, create_app
from emulator.config import Settings


class FlexemuServer:
    """A running emulator, its URLs and bootstrap credentials, and client factories."""

    def __init__(self, settings: Settings | None = None):
        # In memory, unless FLEXEMU_DATABASE_URL names a database to run against (PostgreSQL).
        self.settings = settings or Settings(
            ephemeral=not os.environ.get("FLEXEMU_DATABASE_URL"), host="127.0.0.1", port=0
        )
        self.gateway: Gateway = create_app(self.settings)
        self.emulator = self.gateway.emulator
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((self.settings.host, self.settings.port))
        self.host, self.port = self._socket.getsockname()[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # Bootstrap account ---------------------------------------------------------------------

    @property
    def domain(self) -> str:
        return self.settings.bootstrap.domain

    @property
    def username(self) -> str:
        return self.settings.bootstrap.user

    @property
    def password(self) -> str:
        return self.settings.bootstrap.password

    @property
    def access_key(self) -> str:
        return self.settings.bootstrap.access_key

    @property
    def secret_key(self) -> str:
        return self.settings.bootstrap.secret_key

    @property
    def auth_url(self) -> str:
        return f"{self.url}/iam/v3"

    @property
    def project_ids(self) -> dict[str, str]:
        """Project id by name ("eu-west-0" ...); stable across resets."""
        return self.emulator.bootstrap_project_ids()

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> "FlexemuServer":
        import uvicorn

        from emulator.http_protocol import BodyPassingProtocol

        self.emulator.start()
        config = uvicorn.Config(
            self.gateway, log_level="warning", lifespan="on", http=BodyPassingProtocol
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("flexemu did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()

    # The emulator's own API ----------------------------------------------------------------

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.settings.admin_token}",
            **kwargs.pop("headers", {}),
        }
        return httpx.request(method, f"{self.url}/_emulator{path}", headers=headers, **kwargs)

    def reset(self) -> None:
        self.admin("POST", "/reset").raise_for_status()

    def advance(self, duration: str) -> dict[str, Any]:
        """Move the virtual clock forward by an ISO 8601 duration ("PT1H", "P30D")."""
        response = self.admin("POST", "/clock", json={"advance": duration})
        response.raise_for_status()
        return response.json()

    # Clients -------------------------------------------------------------------------------

    def openstack(self, project: str = "eu-west-0", **overrides: Any) -> Any:
        """An openstacksdk Connection for the bootstrap user, scoped to `project`."""
        import openstack

        options: dict[str, Any] = {
            "auth_url": self.auth_url,
            "username": self.username,
            "password": self.password,
            "user_domain_name": self.domain,
            "project_name": project,
            "project_domain_name": self.domain,
            "region_name": project.split("_")[0],
            "identity_api_version": "3",
        }
        options.update(overrides)
        return openstack.connect(load_yaml_config=False, load_envvars=False, **options)

    def openstack_env(self, project: str = "eu-west-0") -> dict[str, str]:
        """The `OS_*` variables that point the `openstack` CLI (or any OpenStack tool) here."""
        return {
            "OS_AUTH_URL": self.auth_url,
            "OS_USERNAME": self.username,
            "OS_PASSWORD": self.password,
            "OS_USER_DOMAIN_NAME": self.domain,
            "OS_PROJECT_NAME": project,
            "OS_PROJECT_DOMAIN_NAME": self.domain,
            "OS_REGION_NAME": project.split("_")[0],
            "OS_IDENTITY_API_VERSION": "3",
        }

    def huawei_credentials(self, project: str | None = "eu-west-0") -> Any:
        """huaweicloudsdkcore BasicCredentials (project given), its IAM endpoint set here."""
        from huaweicloudsdkcore.auth.credentials import BasicCredentials

        project_id = self.project_ids[project] if project else None
        return BasicCredentials(self.access_key, self.secret_key, project_id).with_iam_endpoint(
            self.url
        )

    def huawei_global_credentials(self) -> Any:
        from huaweicloudsdkcore.auth.credentials import GlobalCredentials

        return GlobalCredentials(self.access_key, self.secret_key).with_iam_endpoint(self.url)

    def huawei_client(
        self, client_class: Any, region: str = "eu-west-0", credentials: Any = None
    ) -> Any:
        """A Huawei SDK client (`EcsClient`, `IamClient` ...) pointed at the emulator."""
        from huaweicloudsdkcore.http.http_config import HttpConfig
        from huaweicloudsdkcore.region.region import Region

        if credentials is None:
            global_service = client_class.__name__ == "IamClient"
            credentials = (
                self.huawei_global_credentials()
                if global_service
                else self.huawei_credentials(region)
            )
        config = HttpConfig.get_default_config()
        config.ignore_ssl_verification = True
        return (
            client_class.new_builder()
            .with_http_config(config)
            .with_credentials(credentials)
            .with_region(Region(region, self.url))
            .build()
        )

    def boto3(self, service: str = "s3", region: str = "eu-west-0", **kwargs: Any) -> Any:
        import boto3

        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            **kwargs,
        )


@pytest.fixture(scope="session")
def flexemu_server() -> Iterator[FlexemuServer]:
    server = FlexemuServer().start()
    yield server
    server.stop()


@pytest.fixture
def flexemu(flexemu_server: FlexemuServer) -> FlexemuServer:
    """The session's emulator, reset to its bootstrap state for this test."""
    flexemu_server.reset()
    return flexemu_server
