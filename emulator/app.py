"""The emulator: its state, clock and topology, and the ASGI gateway in front of the services."""

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from emulator import lifecycle, services
from emulator.clock import Clock
from emulator.config import Settings
from emulator.routing import BARE_RULES, Route, Router
from emulator.topology import Topology
from state import migrate
from state.blobs import BlobStore
from state.db import Database, sqlite_url
from state.models import Setting

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("flexemu")
CLOCK_OFFSET_KEY = "clock_offset_seconds"


class Emulator:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.topology = Topology.load(settings.extra_regions, settings.default_region)
        self.clock = Clock()
        self.router = Router(BARE_RULES)  # refuses to start on overlapping rules
        self._db: Database | None = None
        self._blobs: BlobStore | None = None
        self.ready = False

    @property
    def db(self) -> Database:
        if self._db is None:
            raise RuntimeError("the emulator has not started")
        return self._db

    @property
    def blobs(self) -> BlobStore:
        """Object bodies, image files, backup payloads (a temporary directory if ephemeral)."""
        if self._blobs is None:
            self._blobs = (BlobStore.temporary() if self.settings.ephemeral
                           else BlobStore(self.settings.state_dir / "blobs"))
        return self._blobs

    def start(self) -> None:
        url = self.settings.url or sqlite_url(self.settings.state_dir)
        self._db = Database(url)
        services.load_declarations()
        migrate.upgrade(self._db)
        with self._db.transaction() as tx:
            offset = tx.get(Setting, CLOCK_OFFSET_KEY)
            self.clock.offset = timedelta(seconds=float(offset.value)) if offset else timedelta()
        self.ensure_bootstrap()
        self.ready = True

    def stop(self) -> None:
        self.ready = False
        if self._db is not None:
            self._db.dispose()
        if self._blobs is not None and self.settings.ephemeral:
            self._blobs.destroy()
            self._blobs = None

    def ensure_bootstrap(self) -> None:
        from apis.iam import accounts

        boot = self.settings.bootstrap
        with self.db.transaction() as tx:
            accounts.ensure_account(
                tx, self, domain=boot.domain, user=boot.user, password=boot.password,
                access_key=boot.access_key, secret_key=boot.secret_key,
                regions=boot.regions, stable_ids=True,
            )

    def reset(self) -> None:
        self.db.wipe(keep=("alembic_version",))
        self.blobs.clear()
        self.clock.reset()
        self.ensure_bootstrap()

    def save_clock(self) -> None:
        with self.db.transaction() as tx:
            row = tx.get(Setting, CLOCK_OFFSET_KEY)
            value = str(self.clock.offset.total_seconds())
            if row is None:
                tx.add(Setting(key=CLOCK_OFFSET_KEY, value=value))
            else:
                row.value = value

    def tick(self) -> int:
        """Apply every status transition that is due by now."""
        return lifecycle.apply_due(self.db, self.clock.now(), services.available())

    def bootstrap_project_ids(self) -> dict[str, str]:
        from state.models import Domain, Project

        with self.db.transaction() as tx:
            rows = tx.execute(
                select(Project.name, Project.id).join(Domain, Domain.id == Project.domain_id)
                .where(Domain.name == self.settings.bootstrap.domain)
            ).all()
        return {name: pid for name, pid in rows}


def _is_s3_request(headers: dict[bytes, bytes], query: bytes) -> bool:
    authorization = headers.get(b"authorization", b"")
    if authorization.startswith((b"AWS", b"OBS ")):
        return True
    return any(key in query for key in (b"X-Amz-Signature", b"AccessKeyId=", b"Signature=",
                                        b"apiversion"))


class Gateway:
    """Routes each request to its service's app, built on first use."""

    def __init__(self, emulator: Emulator):
        self.emulator = emulator
        self.apps: dict[str, ASGIApp] = {}

    def app_for(self, service: str) -> ASGIApp | None:
        if service in self.apps:
            return self.apps[service]
        app: ASGIApp | None
        if service in ("admin", "index"):
            from emulator import admin

            app = admin.build_app(self.emulator)
        elif service == "jobs":
            from emulator import jobs
            from emulator.dialects import HUAWEI
            from emulator.service_app import service_app

            app = service_app(HUAWEI, [jobs.router])
        else:
            package = services.package(service)
            app = package.build_app(self.emulator) if package else None
        if app is not None:
            self.apps[service] = app
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = dict(scope["headers"])
        route = self.emulator.router.resolve(
            headers.get(b"host", b"").decode("latin-1"), scope["path"],
            _is_s3_request(headers, scope.get("query_string", b"")),
        )
        if route.service not in ("admin", "index"):
            self.emulator.tick()
        app = self.app_for(route.service)
        if app is None:
            await _no_service(route, send)
            return
        path = route.root_path + route.path
        if route.root_path and route.path == "/":
            path = route.root_path + "/"
        await app(
            {
                **scope,
                "path": path,
                "root_path": scope.get("root_path", "") + route.root_path,
                "flexemu.route": route,
                "flexemu.emulator": self.emulator,
            },
            receive,
            send,
        )

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    if not self.emulator.ready:
                        self.emulator.start()
                except Exception as error:
                    log.exception("start-up failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.emulator.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _no_service(route: Route, send: Send) -> None:
    body = json.dumps({"error": {"code": "Emulator.0404", "message":
                       f"No service of the emulator serves {route.original_path}."}}).encode()
    await send({"type": "http.response.start", "status": 404,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def create_app(settings: Settings | None = None) -> Gateway:
    return Gateway(Emulator(settings or Settings()))
