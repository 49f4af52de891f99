"""The blob store: bodies of objects, images and backups, kept as files named by their SHA-256.

A body is written to a temporary file while its hashes are computed, then fsynced and renamed to
`<root>/<aa>/<bb>/<sha256>` (DESIGN §4): a reader never sees half a blob, and two equal bodies
share one file (a body whose blob exists is not written again). A composed blob (the parts of a
multipart upload) is the list of its parts, `<root>/composed/<name>`, read as one file. Rows
that use a blob count their references in `blob_refs` (`retain`/`release` inside the caller's
transaction; a composed blob holds references to its parts, `blob_parts`); `collect` removes
the files nobody references once that transaction has committed, in the background (a file
removal costs several microseconds: a thousand of them added a third to a DeleteObjects), unless
a new body claims the blob first. An ephemeral emulator keeps its blobs in a temporary
directory and skips the fsyncs.
"""

import bisect
import hashlib
import io
import itertools
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from state.models import BlobPart, BlobRef
from state.prepared import Prepared, connection_of

if TYPE_CHECKING:
    from state.db import Database

READ_CHUNK = 1024 * 1024
BATCH = 2 * 1024 * 1024  # what a writer hashes and writes at a time
PARALLEL_MIN = 256 * 1024  # smaller batches are cheaper done in the caller's thread
# Hashes and writes of large bodies, side by side (a writer keeps one batch in flight).
_WORKERS = ThreadPoolExecutor(max_workers=3, thread_name_prefix="flexemu-blobs")
TMPFS_MIN_FREE = 4 * 1024**3
SHA256_HEX = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class Blob:
    digest: str  # hex SHA-256, the blob's name
    size: int
    md5: str  # hex MD5, which S3 ETags and Glance checksums use
    parts: tuple[str, ...] = ()  # a composed blob's parts, in order (`BlobStore.compose`)


class BlobWriter:
    """Receives a body chunk by chunk; `finish` makes it a blob, `abort` leaves nothing behind.

    Large bodies go in batches: the SHA-256, the MD5 and the file write (with any extra
    checksums) of one batch run side by side in threads (hashlib, zlib and file writes let go
    of the interpreter lock) while the caller receives the next batch; at most one batch is in
    flight, so memory stays bounded whatever the body's size. A small body stays in memory
    until `finish`, and is not written at all when a blob with its bytes exists already; nor is
    a large one renamed into place (or fsynced) then: its temporary file goes in the background.
    A large body whose SHA-256 is announced (`expected`, a signed payload) and names an existing
    blob is only hashed, not written (nor its MD5 computed: the blob's is known); should that
    blob go before `finish`, its file, held open from the first batch, gives the bytes back.
    """

    def __init__(
        self, store: "BlobStore", extra_hashers: Iterable[Any] = (), expected: str | None = None
    ):
        self._store = store
        self._file: BinaryIO | None = None  # the temporary file, opened for the first batch
        self._temp: Path | None = None
        self._expected = expected
        self._existing: BinaryIO | None = None  # the blob `expected` names, held open
        self._known_md5: str | None = None  # its MD5, when the store knows it
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
            _apply(chunks, self._sha256.update, *self._md5_updates(), *self._extra_updates())
            if self._existing is None:
                self._unwritten += chunks
            return
        if self.size == size and self._expected is not None:  # the first batch
            self._existing = self._store.open_plain(self._expected)
            if self._existing is not None:
                self._known_md5 = self._store.known_md5(self._expected)
        if self._existing is None:
            self._write_unwritten()
            keep: list[Callable[[bytes], object]] = [self._keep]
        else:
            keep = self._extra_updates()
        steps: list[list[Callable[[bytes], object]]] = [
            [self._sha256.update],
            self._md5_updates(),
            keep,
        ]
        self._in_flight = [_WORKERS.submit(_apply, chunks, *step) for step in steps if step]

    def _md5_updates(self) -> list[Callable[[bytes], object]]:
        return [] if self._known_md5 is not None else [self._md5.update]

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
        digest = self._sha256.hexdigest()
        if self._known_md5 is None:
            return Blob(digest, self.size, self._md5.hexdigest())
        return Blob(digest, self.size, self._known_md5 if digest == self._expected else "")

    def finish(self) -> Blob:
        blob = self.peek()
        target = self._store.file_name(blob.digest)
        if self._store.claim(blob.digest, target):  # content-addressed: the bytes are kept
            self._discard(in_background=True)
            return blob
        if self._existing is not None:  # it went meanwhile: its open file still has the bytes
            if blob.digest != self._expected:
                raise ValueError("the body is not the one its SHA-256 announced")
            self._existing.seek(0)
            shutil.copyfileobj(self._existing, self._opened(), READ_CHUNK)
        self._write_unwritten()
        file = cast(BinaryIO, self._file)
        file.flush()
        if self._store.durable:
            os.fsync(file.fileno())
        file.close()
        try:
            os.replace(cast(Path, self._temp), target)
        except FileNotFoundError:  # the first blob of its folder
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.replace(cast(Path, self._temp), target)
        return blob

    def _discard(self, in_background: bool = False) -> None:
        self._unwritten = []
        if self._existing is not None:
            self._existing.close()
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
    def __init__(self, root: Path, durable: bool = True, db: "Database | None" = None):
        self.root = root
        self._root_name = str(root)
        self.durable = durable
        self.db = db  # where blobs' MD5s are found (`known_md5`), if anywhere
        self.tmp_dir = root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        # Blobs `collect` found unused, whose files the remover has yet to delete; a new body
        # with the same bytes takes one back (`claim`). The lock orders claims and removals.
        self._doomed: set[str] = set()
        self._doomed_lock = threading.Lock()
        self._remover = ThreadPoolExecutor(max_workers=1, thread_name_prefix="flexemu-collect")

    @classmethod
    def temporary(cls, db: "Database | None" = None) -> "BlobStore":
        """A throwaway store, in memory-backed /dev/shm when it has room (renames there cost
        microseconds, not the millisecond of an overlay file system)."""
        shm = Path("/dev/shm")
        roomy = shm.is_dir() and shutil.disk_usage(shm).free > TMPFS_MIN_FREE
        base = str(shm) if roomy and os.access(shm, os.W_OK) else None
        return cls(Path(tempfile.mkdtemp(prefix="flexemu-blobs-", dir=base)), False, db)

    def path(self, digest: str) -> Path:
        return Path(self.file_name(digest))

    def file_name(self, digest: str) -> str:
        """The blob's file, as the string the hot paths use (pathlib's joins cost more than
        the rest of a small read or a key's deletion)."""
        return f"{self._root_name}/{digest[:2]}/{digest[2:4]}/{digest}"

    def writer(self, extra_hashers: Iterable[Any] = (), expected: str | None = None) -> BlobWriter:
        """A writer of a new blob; `expected`: the SHA-256 the body announces, if any."""
        return BlobWriter(self, extra_hashers, expected)

    def known_md5(self, digest: str) -> str | None:
        """The MD5 of a blob, as written when it was first retained."""
        if self.db is None:
            return None
        with self.db.statements() as connection:
            found = _MD5_OF.first(connection, {"digest": digest})
        return None if found is None else found.md5

    def open_plain(self, digest: str) -> BinaryIO | None:
        """The file of a blob written whole (not composed) if there is one; `digest` may come
        from a client, so it names a blob only when it looks like a SHA-256."""
        if not SHA256_HEX.fullmatch(digest):
            return None
        try:
            return open(self.file_name(digest), "rb")
        except FileNotFoundError:
            return None

    def composed_path(self, digest: str) -> Path:
        """Where a composed blob keeps the list of its parts."""
        return self.root / "composed" / digest

    def open(self, digest: str) -> BinaryIO:
        try:
            return open(self.file_name(digest), "rb")
        except FileNotFoundError:
            lines = self.composed_path(digest).read_text().split()
        parts = [(lines[index], int(lines[index + 1])) for index in range(0, len(lines), 2)]
        return cast(BinaryIO, io.BufferedReader(_Composed(self, parts), READ_CHUNK))

    def concat(self, digests: Iterable[str]) -> Blob:
        """A new blob made of these blobs one after the other (multipart, append)."""
        with self.writer() as writer:
            for digest in digests:
                with self.open(digest) as handle:
                    while chunk := handle.read(READ_CHUNK):
                        writer.write(chunk)
            return writer.finish()

    def compose(self, parts: list[tuple[str, int]]) -> Blob:
        """A blob made of these blobs (digest, size) one after the other, kept as the list of
        its parts: no byte is copied, whatever the size (multipart uploads). It is named by the
        SHA-256 of its parts' names; its `md5` is empty (whoever needs one computes it from the
        parts). The first `retain` of it retains its parts, its last `release` releases them."""
        digests = tuple(digest for digest, _ in parts)
        digest = hashlib.sha256(("compose\n" + "\n".join(digests)).encode()).hexdigest()
        size = sum(part_size for _, part_size in parts)
        target = self.composed_path(digest)
        if not self.claim(digest, str(target)):
            handle, name = tempfile.mkstemp(dir=self.tmp_dir)
            try:
                with os.fdopen(handle, "w") as out:
                    out.write("".join(f"{part} {part_size}\n" for part, part_size in parts))
                    out.flush()
                    if self.durable:
                        os.fsync(out.fileno())
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(name, target)
            except BaseException:
                Path(name).unlink(missing_ok=True)
                raise
        return Blob(digest, size, "", digests)

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

    def claim(self, digest: str, file_name: str) -> bool:
        """Whether the blob's file exists and stays: a removal `collect` planned is called off."""
        with self._doomed_lock:
            self._doomed.discard(digest)
            return os.path.exists(file_name)

    def collect(self, tx: Session | Connection, digests: Iterable[str]) -> None:
        """Remove the files of these blobs that no row references any more (after commit).
        The files go in the background; a body with the same bytes may claim one back first."""
        wanted = list(set(digests))
        if not wanted:
            return
        used = {row.digest for row in _KNOWN.all(connection_of(tx), {"digests": wanted})}
        unused = [digest for digest in wanted if digest not in used]
        if unused:
            with self._doomed_lock:
                self._doomed.update(unused)
            self._remover.submit(self._remove, unused)

    def _remove(self, digests: list[str]) -> None:
        for digest in digests:
            with self._doomed_lock:
                if digest not in self._doomed:
                    continue  # claimed meanwhile
                self._doomed.discard(digest)
                try:
                    os.unlink(self.file_name(digest))
                except FileNotFoundError:
                    self.composed_path(digest).unlink(missing_ok=True)

    def settle(self) -> None:
        """Wait for the removals `collect` has planned."""
        self._remover.submit(lambda: None).result()

    def destroy(self) -> None:
        self._remover.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)

    def clear(self) -> None:
        """Every blob and temporary file (the emulator's reset)."""
        self.settle()
        for child in self.root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)


class _Composed(io.RawIOBase):
    """The bytes of a composed blob: its parts' files, read one after the other."""

    def __init__(self, store: BlobStore, parts: list[tuple[str, int]]):
        self._store = store
        self._parts = parts
        self._starts = list(itertools.accumulate((size for _, size in parts), initial=0))
        self._size = self._starts.pop()
        self._position = 0
        self._reading: tuple[int, BinaryIO] | None = None  # the part being read, and its file

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size:
            return 0
        index = bisect.bisect_right(self._starts, self._position) - 1
        file = self._file(index)
        offset = self._position - self._starts[index]
        file.seek(offset)
        wanted = min(len(buffer), self._parts[index][1] - offset)
        count = file.readinto(memoryview(buffer)[:wanted])  # type: ignore[attr-defined]
        self._position += count
        return int(count)

    def _file(self, index: int) -> BinaryIO:
        if self._reading is None or self._reading[0] != index:
            self._close_part()
            self._reading = (index, self._store.path(self._parts[index][0]).open("rb", buffering=0))
        return self._reading[1]

    def _close_part(self) -> None:
        if self._reading is not None:
            self._reading[1].close()
            self._reading = None

    def close(self) -> None:
        self._close_part()
        super().close()


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
_LISTED = _refs.digest.in_(bindparam("digests", expanding=True))
_DROP_REFS = Prepared(update(_table).where(_LISTED).values(refs=_refs.refs - bindparam("count")))
_FORGET_LAST_REFS = Prepared(
    delete(_table)
    .where(_LISTED, _refs.refs <= bindparam("count"))
    .returning(_refs.digest, _refs.md5)
)
_KNOWN = Prepared(select(_refs.digest).where(_LISTED))
_INSERT_REF_PREPARED = Prepared(_INSERT_REF, ["digest", "size", "refs", "md5"])
_MD5_OF = Prepared(select(_refs.md5).where(_refs.digest == bindparam("digest")))
_parts_table = cast(Table, BlobPart.__table__)
_parts = _parts_table.c
_INSERT_PART = Prepared(insert(_parts_table), ["composite", "position", "part"])
_OF_COMPOSED = _parts.composite.in_(bindparam("digests", expanding=True))
_PARTS_OF = Prepared(select(_parts.part).where(_OF_COMPOSED))
_FORGET_PARTS = Prepared(delete(_parts_table).where(_OF_COMPOSED))


def retain(tx: Session | Connection, blob: Blob | str, count: int = 1) -> None:
    """Count `count` more rows using this blob (inside the caller's transaction)."""
    digest = blob if isinstance(blob, str) else blob.digest
    connection = connection_of(tx)
    if _ADD_REFS_PREPARED.run(connection, {"blob": digest, "count": count}) == 0:
        assert not isinstance(blob, str), "a new blob must be retained by its Blob"
        new = {"digest": digest, "size": blob.size, "refs": count, "md5": blob.md5 or None}
        _INSERT_REF_PREPARED.run(connection, new)
        if blob.parts:  # a composed blob holds its parts while anything uses it
            _INSERT_PART.run_many(
                connection,
                [
                    {"composite": digest, "position": position, "part": part}
                    for position, part in enumerate(blob.parts)
                ],
            )
            for part in blob.parts:
                retain(connection, part)


def release(tx: Session | Connection, digests: Iterable[str]) -> list[str]:
    """Drop one reference per digest listed; returns the digests nobody uses any more."""
    counts: dict[str, int] = {}
    for digest in digests:
        counts[digest] = counts.get(digest, 0) + 1
    connection = connection_of(tx)
    by_count: dict[int, list[str]] = {}
    for digest, count in counts.items():
        by_count.setdefault(count, []).append(digest)
    unused: list[str] = []
    composed: list[str] = []  # the unused without an MD5 of their own: composed blobs
    for count, listed in by_count.items():  # one group for the usual once-each
        gone = _FORGET_LAST_REFS.all(connection, {"digests": listed, "count": count})
        unused += (row.digest for row in gone)
        composed += (row.digest for row in gone if not row.md5)
        if len(gone) < len(listed):
            kept = set(listed).difference(row.digest for row in gone)
            _DROP_REFS.run(connection, {"digests": list(kept), "count": count})
    if composed:
        parts = [row.part for row in _PARTS_OF.all(connection, {"digests": composed})]
        if parts:  # composed blobs nobody uses let go of their parts
            _FORGET_PARTS.run(connection, {"digests": composed})
            unused += release(connection, parts)
    return unused
