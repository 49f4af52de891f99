"""What every OBS operation gets: the emulator, the verified caller, the clock, the blob store."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from apis.obs.auth import Caller
from state.blobs import BlobStore

if TYPE_CHECKING:
    from emulator.app import Emulator


@dataclass
class ObsContext:
    emulator: "Emulator"
    caller: Caller
    request_id: str
    default_region: str  # of new buckets: the Host label's, the SigV4 scope's or the default
    # The buckets the request was authorized on (`apis.obs.access`): its own, a copy's source.
    authorized_buckets: frozenset[str] = frozenset()
    # The request's open transaction of Core statements, which a GET or HEAD runs in (it has
    # no body to wait for); None for other methods.
    connection: Connection | None = None

    @property
    def blobs(self) -> BlobStore:
        return self.emulator.blobs

    def now(self) -> datetime:
        return self.emulator.clock.now()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction; blobs it stops using are removed once it has committed."""
        released: list[str] = []
        with self.emulator.db.transaction() as tx:
            tx.info["released_blobs"] = released
            yield tx
        self._collect(released)

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """As `transaction`, for Core statements only (cheaper than a session)."""
        released: list[str] = []
        with self.emulator.db.statements() as tx:
            tx.info["released_blobs"] = released
            try:
                yield tx
            finally:
                del tx.info["released_blobs"]  # the info outlives this use of the connection
        self._collect(released)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """Core statements of an operation that releases no blob (a read and its metering):
        in the request's open transaction, else in one of their own."""
        if self.connection is not None:
            yield self.connection
            return
        with self.emulator.db.statements() as tx:
            yield tx

    def _collect(self, released: list[str]) -> None:
        if released:
            self.forget_blobs(released)

    def forget_blobs(self, digests: Iterable[str]) -> None:
        """Blobs written for a request that failed or released by one: removed unless
        something uses them."""
        with self.emulator.db.statements() as tx:
            self.blobs.collect(tx, digests)


def note_released(tx: Session | Connection, digests: Iterable[str]) -> None:
    tx.info.setdefault("released_blobs", []).extend(digests)
