"""The emulator: its state, clock and topology, and the ASGI gateway in front of the services.

Start-up is split as liveness and readiness are: the gateway answers `/_emulator/health` as soon
as it listens, while the state (SQLAlchemy, migrations, bootstrap account) is opened in a
thread; every other request waits until the emulator is ready. Heavy modules are imported where
they are first needed, so that nothing delays the first answer.
"""

import gc
import json
import logging
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from emulator import __version__, services
from emulator.clock import Clock
from emulator.config import Settings
from emulator.routing import BARE_RULES, Route, Router
from emulator.topology import Topology

if TYPE_CHECKING:
    from emulator.billing.prices import PriceTable
    from state.blobs import BlobStore
    from state.db import Database

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
        self._blobs: BlobStore | None = None  # opened on first use
        self._prices: PriceTable | None = None
        self._ready = threading.Event()
        self.failure: BaseException | None = None
        self.on_ready: Callable[[Emulator], None] | None = None

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def db(self) -> "Database":
        if self._db is None:
            raise RuntimeError("the emulator has not started")
        return self._db

    @property
    def blobs(self) -> "BlobStore":
        """Object bodies, image files, backup payloads (a temporary directory if ephemeral)."""
        if self._blobs is None:
            from state.blobs import BlobStore

            self._blobs = (
                BlobStore.temporary(self._db)
                if self.settings.ephemeral
                else BlobStore(self.settings.state_dir / "blobs", db=self._db)
            )
        return self._blobs

    @property
    def prices(self) -> "PriceTable":
        if self._prices is None:
            raise RuntimeError("the emulator has not started")
        return self._prices

    def start(self) -> None:
        """Open the state: schema, clock offset, bootstrap account. Idempotent."""
        if self.ready:
            return
        from emulator.billing import prices
        from state import migrate
        from state.db import Database, sqlite_url
        from state.models import Setting

        try:
            self._prices = prices.load(self.settings.prices_file)
            url = self.settings.url or sqlite_url(self.settings.state_dir)
            self._db = Database(url)
            services.load_declarations()
            migrate.upgrade(self._db)
            with self._db.transaction() as tx:
                offset = tx.get(Setting, CLOCK_OFFSET_KEY)
                seconds = float(offset.value) if offset else 0.0
            self.clock.offset = timedelta(seconds=seconds)
            self.ensure_bootstrap()
        except BaseException as error:
            self.failure = error
            raise
        self._ready.set()
        settle()
        if self.on_ready is not None:
            self.on_ready(self)

    def start_in_background(self) -> None:
        def run() -> None:
            try:
                self.start()
            except BaseException:
                log.exception("the emulator could not open its state")

        threading.Thread(target=run, name="flexemu-start", daemon=True).start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def stop(self) -> None:
        self._ready.clear()
        if self._db is not None:
            self._db.dispose()
        if self._blobs is not None and self.settings.ephemeral:
            self._blobs.destroy()
            self._blobs = None

    def ensure_bootstrap(self) -> None:
        """Create the bootstrap account on first start (and after a reset)."""
        from apis.iam import accounts

        boot = self.settings.bootstrap
        with self.db.transaction() as tx:
            if accounts.account_exists(tx, boot.domain):
                return
            accounts.create_account(
                tx,
                self,
                domain=boot.domain,
                user=boot.user,
                password=boot.password,
                access_key=boot.access_key,
                secret_key=boot.secret_key,
                regions=boot.regions,
                stable_ids=True,
            )

    def reset(self) -> None:
        from emulator import lifecycle

        self.db.wipe(keep=("alembic_version",))
        lifecycle.forget_hint()
        self.blobs.clear()
        self.clock.reset()
        self.ensure_bootstrap()

    def save_clock(self) -> None:
        from state.models import Setting

        with self.db.transaction() as tx:
            row = tx.get(Setting, CLOCK_OFFSET_KEY)
            value = str(self.clock.offset.total_seconds())
            if row is None:
                tx.add(Setting(key=CLOCK_OFFSET_KEY, value=value))
            else:
                row.value = value

    def tick(self) -> int:
        """Apply every status transition that is due by now."""
        from emulator import lifecycle

        return lifecycle.apply_due(self.db, self.clock.now(), services.available())

    def bootstrap_project_ids(self) -> dict[str, str]:
        from sqlalchemy import select

        from state.models import Domain, Project

        with self.db.transaction() as tx:
            rows = tx.execute(
                select(Project.name, Project.id)
                .join(Domain, Domain.id == Project.domain_id)
                .where(Domain.name == self.settings.bootstrap.domain)
            ).all()
        return {name: pid for name, pid in rows}


def settle() -> None:
    """Move what start-up built (modules, apps, tables) out of the garbage collector's sight:
    it lives as long as the process, and a full collection that scans it costs tens of
    milliseconds of some unlucky request."""
    gc.freeze()


def _is_s3_request(headers: dict[bytes, bytes], query: bytes) -> bool:
    authorization = headers.get(b"authorization", b"")
    if authorization.startswith((b"AWS", b"OBS ")):
        return True
    return any(
        key in query for key in (b"X-Amz-Signature", b"AccessKeyId=", b"Signature=", b"apiversion")
    )


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
            settle()
        return app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] in (HEALTH_PATH, READY_PATH):
            await _probe(self.emulator, scope["path"], send)
            return
        if not self.emulator.ready:
            await _until_ready(self.emulator)
        if self.emulator.failure is not None:
            await _json(
                send,
                503,
                {
                    "error": {
                        "code": "Emulator.0503",
                        "message": f"The emulator could not start: {self.emulator.failure}",
                    }
                },
            )
            return
        headers = dict(scope["headers"])
        route = self.emulator.router.resolve(
            headers.get(b"host", b"").decode("latin-1"),
            scope["path"],
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
                if not self.emulator.ready:
                    self.emulator.start_in_background()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.emulator.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


HEALTH_PATH = "/_emulator/health"
READY_PATH = "/_emulator/ready"


async def _json(send: Send, status: int, payload: Any) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _probe(emulator: Emulator, path: str, send: Send) -> None:
    """Liveness and readiness, answered by the gateway itself from the instant it listens."""
    if emulator.failure is not None:
        await _json(send, 503, {"status": "failed", "error": str(emulator.failure)})
    elif path == READY_PATH and not emulator.ready:
        await _json(send, 503, {"status": "starting", "version": __version__})
    else:
        await _json(send, 200, {"status": "ok", "version": __version__, "ready": emulator.ready})


async def _until_ready(emulator: Emulator) -> None:
    import anyio.to_thread

    while not emulator.ready and emulator.failure is None:
        await anyio.to_thread.run_sync(emulator.wait_ready, 0.5)


async def _no_service(route: Route, send: Send) -> None:
    message = f"No service of the emulator serves {route.original_path}."
    await _json(send, 404, {"error": {"code": "Emulator.0404", "message": message}})


def create_app(settings: Settings | None = None) -> Gateway:
    return Gateway(Emulator(settings or Settings()))
