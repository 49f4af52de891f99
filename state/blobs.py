"""The blob store: bodies of objects, images and backups, kept as files named by their SHA-256.

A body is written to a temporary file while its hashes are computed, then fsynced and renamed to
`<root>/<aa>/<bb>/<sha256>` (DESIGN §4): a reader never sees half a blob, and two equal bodies
share one file (a body whose blob exists already is not kept twice: a small one is never written). Rows that use a blob count their references in `blob_refs` (`retain`/`release`
inside the caller's transaction); `collect` removes the files nobody references once that
transaction has committed. An ephemeral emulator keeps its blobs in a temporary directory and
skips the fsyncs.
"""

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from state.models import BlobRef
from state.prepared import Prepared, connection_of

READ_CHUNK = 1024 * 1024
BATCH = 2 * 1024 * 1024  # what a writer hashes and writes at a time
PARALLEL_MIN = 256 * 1024  # smaller batches are cheaper done in the caller's thread
# Hashes and writes of large bodies, side by side (a writer keeps one batch in flight).
_WORKERS = ThreadPoolExecutor(max_workers=3, thread_name_prefix="flexemu-blobs")
TMPFS_MIN_FREE = 4 * 1024**3


@dataclass(frozen=True)
class Blob:
    digest: str  # hex SHA-256, the blob's name
    size: int
    md5: str  # hex MD5, which S3 ETags and Glance checksums use


class BlobWriter:
    """Receives a body chunk by chunk; `finish` makes it a blob, `abort` leaves nothing behind.

    Large bodies go in batches: the SHA-256, the MD5 and the file write (with any extra
    checksums) of one batch run side by side in threads (hashlib, zlib and file writes let go
    of the interpreter lock) while the caller receives the next batch; at most one batch is in
    flight, so memory stays bounded whatever the body's size. A small body stays in memory
    until `finish`, and is not written at all when a blob with its bytes exists already; nor is
    a large one renamed into place (or fsynced) then: its temporary file goes in the background.
    """

    def __init__(self, store: "BlobStore", extra_hashers: Iterable[Any] = ()):
        self._store = store
        self._file: BinaryIO | None = None  # the temporary file, opened for the first batch
        self._temp: Path | None = None
        self._sha256 = hashlib.sha256()
        self._md5 = hashlib.md5()
        self._extra = list(extra_hashers)
        self._batch: list[bytes] = []
        self._batched = 0
        self._unwritten: list[bytes] = []  # hashed, kept in memory: a small body's bytes
        self._in_flight: list[Future[None]] = []
        self.size = 0

    def write(self, chunk: bytes) -> None:
        self._batch.append(chunk)
        self._batched += len(chunk)
        self.size += len(chunk)
        if self._batched >= BATCH:
            self._send_batch()

    def _send_batch(self) -> None:
        chunks, size = self._batch, self._batched
        self._batch, self._batched = [], 0
        self._wait()
        if size < PARALLEL_MIN:  # the end of a body: hashed here, written by `finish`
            _apply(chunks, self._sha256.update, self._md5.update, *self._extra_updates())
            self._unwritten += chunks
            return
        self._write_unwritten()
        self._in_flight = [
            _WORKERS.submit(_apply, chunks, self._sha256.update),
            _WORKERS.submit(_apply, chunks, self._md5.update),
            _WORKERS.submit(_apply, chunks, self._keep),
        ]

    def _extra_updates(self) -> list[Callable[[bytes], object]]:
        return [hasher.update for hasher in self._extra]

    def _opened(self) -> BinaryIO:
        if self._file is None:
            handle, name = tempfile.mkstemp(dir=self._store.tmp_dir)
            self._file, self._temp = os.fdopen(handle, "wb"), Path(name)
        return self._file

    def _write_unwritten(self) -> None:
        file = self._opened()
        for chunk in self._unwritten:
            file.write(chunk)
        self._unwritten = []

    def _keep(self, chunk: bytes) -> None:
        cast(BinaryIO, self._file).write(chunk)
        for hasher in self._extra:
            hasher.update(chunk)

    def _wait(self) -> None:
        in_flight, self._in_flight = self._in_flight, []
        for future in in_flight:
            future.result()

    def _drain(self) -> None:
        if self._batch:
            self._send_batch()
        self._wait()

    def peek(self) -> Blob:
        """What the blob will be if finished now (checks before keeping it)."""
        self._drain()
        return Blob(self._sha256.hexdigest(), self.size, self._md5.hexdigest())

    def finish(self) -> Blob:
        blob = self.peek()
        target = self._store.path(blob.digest)
        if target.exists():  # content-addressed: these bytes are kept already
            self._discard(in_background=True)
            return blob
        self._write_unwritten()
        file = cast(BinaryIO, self._file)
        file.flush()
        if self._store.durable:
            os.fsync(file.fileno())
        file.close()
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(cast(Path, self._temp), target)
        return blob

    def _discard(self, in_background: bool = False) -> None:
        self._unwritten = []
        if self._file is None:
            return
        if not self._file.closed:
            self._file.close()
        temp = cast(Path, self._temp)
        if in_background:  # freeing a large file's pages takes milliseconds
            _WORKERS.submit(temp.unlink, missing_ok=True)
        else:
            temp.unlink(missing_ok=True)

    def abort(self) -> None:
        self._batch = []
        for future in self._in_flight:
            future.exception()  # let it end before the file goes; its error does not matter
        self._in_flight = []
        self._discard()

    def __enter__(self) -> "BlobWriter":
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.abort()


def _apply(chunks: list[bytes], *steps: Callable[[bytes], object]) -> None:
    for chunk in chunks:
        for step in steps:
            step(chunk)


class BlobStore:
    def __init__(self, root: Path, durable: bool = True):
        self.root = root
        self.durable = durable
        self.tmp_dir = root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    @classmethod
    def temporary(cls) -> "BlobStore":
        """A throwaway store, in memory-backed /dev/shm when it has room (renames there cost
        microseconds, not the millisecond of an overlay file system)."""
        shm = Path("/dev/shm")
        roomy = shm.is_dir() and shutil.disk_usage(shm).free > TMPFS_MIN_FREE
        base = str(shm) if roomy and os.access(shm, os.W_OK) else None
        return cls(Path(tempfile.mkdtemp(prefix="flexemu-blobs-", dir=base)), durable=False)

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest[2:4] / digest

    def writer(self, extra_hashers: Iterable[Any] = ()) -> BlobWriter:
        return BlobWriter(self, extra_hashers)

    def open(self, digest: str) -> BinaryIO:
        return self.path(digest).open("rb")

    def concat(self, digests: Iterable[str]) -> Blob:
        """A new blob made of these blobs one after the other (multipart, append)."""
        with self.writer() as writer:
            for digest in digests:
                with self.open(digest) as handle:
                    while chunk := handle.read(READ_CHUNK):
                        writer.write(chunk)
            return writer.finish()

    def compose(self, digests: list[str]) -> Blob:
        """A blob made of these blobs one after the other, copied by the kernel and named by
        the SHA-256 of its parts' names (no rehashing: multipart uploads of any size). Its
        `md5` is empty: whoever needs one computes it from the parts."""
        digest = hashlib.sha256(("compose\n" + "\n".join(digests)).encode()).hexdigest()
        target = self.path(digest)
        if target.exists():
            return Blob(digest, target.stat().st_size, "")
        handle, name = tempfile.mkstemp(dir=self.tmp_dir)
        try:
            with os.fdopen(handle, "wb") as out:
                for part in digests:
                    with self.open(part) as source:
                        _copy(source, out)
                out.flush()
                if self.durable:
                    os.fsync(out.fileno())
                size = out.tell()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(name, target)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Blob(digest, size, "")

    def read_range(self, digest: str, start: int, length: int) -> Iterator[bytes]:
        """The bytes [start, start + length) of a blob, in chunks."""
        with self.open(digest) as handle:
            handle.seek(start)
            while length > 0:
                chunk = handle.read(min(READ_CHUNK, length))
                if not chunk:
                    return
                length -= len(chunk)
                yield chunk

    def collect(self, tx: Session, digests: Iterable[str]) -> None:
        """Remove the files of these blobs that no row references any more (after commit)."""
        for digest in set(digests):
            if tx.get(BlobRef, digest) is None:
                self.path(digest).unlink(missing_ok=True)

    def destroy(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def clear(self) -> None:
        """Every blob and temporary file (the emulator's reset)."""
        for child in self.root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    """Append all of `source` to `target`, in the kernel where it can."""
    target.flush()
    try:
        while os.copy_file_range(source.fileno(), target.fileno(), 1 << 30):
            pass
        target.seek(0, os.SEEK_END)
    except (AttributeError, OSError):
        shutil.copyfileobj(source, target, READ_CHUNK)


_table = cast(Table, BlobRef.__table__)
_refs = _table.c
# Prebuilt Core statements: reference counts change on every write.
_ADD_REFS = (
    update(_table)
    .where(_refs.digest == bindparam("blob"))
    .values(refs=_refs.refs + bindparam("count"))
)
_INSERT_REF = insert(_table)
_ADD_REFS_PREPARED = Prepared(_ADD_REFS)
_UNUSED = Prepared(
    select(_refs.digest).where(
        _refs.digest.in_(bindparam("digests", expanding=True)), _refs.refs <= 0
    )
)
_FORGET = Prepared(delete(_table).where(_refs.digest.in_(bindparam("digests", expanding=True))))
_INSERT_REF_PREPARED = Prepared(_INSERT_REF, ["digest", "size", "refs"])


def retain(tx: Session | Connection, blob: Blob | str, count: int = 1) -> None:
    """Count `count` more rows using this blob (inside the caller's transaction)."""
    digest = blob if isinstance(blob, str) else blob.digest
    connection = connection_of(tx)
    if _ADD_REFS_PREPARED.run(connection, {"blob": digest, "count": count}) == 0:
        assert not isinstance(blob, str), "a new blob must be retained by its Blob"
        _INSERT_REF_PREPARED.run(connection, {"digest": digest, "size": blob.size, "refs": count})


def release(tx: Session | Connection, digests: Iterable[str]) -> list[str]:
    """Drop one reference per digest listed; returns the digests nobody uses any more."""
    counts: dict[str, int] = {}
    for digest in digests:
        counts[digest] = counts.get(digest, 0) + 1
    connection = connection_of(tx)
    _ADD_REFS_PREPARED.run_many(
        connection, [{"blob": digest, "count": -count} for digest, count in counts.items()]
    )
    unused = [row.digest for row in _UNUSED.all(connection, {"digests": list(counts)})]
    if unused:
        _FORGET.run(connection, {"digests": unused})
    return unused
