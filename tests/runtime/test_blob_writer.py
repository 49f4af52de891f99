"""The blob writer (state.blobs) keeps each body once, whatever a client announces of it."""

import hashlib
import os
import threading

import pytest

from state.blobs import PARALLEL_MIN, BlobStore

SIZES = [100, 3 * PARALLEL_MIN * 4 + 5]  # kept in memory; written in batches by the workers


@pytest.fixture
def store():
    blobs = BlobStore.temporary()
    yield blobs
    blobs.destroy()


def _write(store: BlobStore, data: bytes, expected: str | None = None, between=None):
    with store.writer(expected=expected) as writer:
        for start in range(0, len(data), 100_000):
            writer.write(data[start : start + 100_000])
        if between is not None:
            between()
        return writer.finish()


@pytest.mark.parametrize("size", SIZES)
def test_a_body_whose_blob_exists_is_not_written_again(store, size):
    data = os.urandom(size)
    first = _write(store, data)
    again = _write(store, data, expected=first.digest)
    assert again == first
    assert (again.md5, store.path(again.digest).read_bytes()) == (
        hashlib.md5(data).hexdigest(),
        data,
    )


@pytest.mark.parametrize("size", SIZES)
def test_an_announced_blob_that_goes_meanwhile_is_written_back(store, size):
    data = os.urandom(size)
    digest = _write(store, data).digest
    _write(store, data, expected=digest, between=store.path(digest).unlink)
    assert store.path(digest).read_bytes() == data


def test_a_large_body_other_than_the_announced_one_is_refused(store):
    kept, other = os.urandom(SIZES[1]), os.urandom(SIZES[1])
    digest = _write(store, kept).digest
    with pytest.raises(ValueError):
        _write(store, other, expected=digest)
    assert not store.path(hashlib.sha256(other).hexdigest()).exists()
    assert not list(store.tmp_dir.iterdir())


def test_an_announced_digest_names_nothing_outside_the_store(store):
    assert store.open_plain("../" * 8 + "etc/passwd") is None


def test_a_body_written_again_before_its_old_blob_is_removed_keeps_the_blob(flexemu):
    """`collect` removes files in the background: a body with the same bytes arriving in
    between takes the blob back rather than losing it to the removal."""
    store = flexemu.emulator.blobs
    data = os.urandom(SIZES[0])
    digest = _write(store, data).digest  # a blob no row uses
    gate = threading.Event()
    store._remover.submit(gate.wait)  # holds the removal back until the body came again
    with flexemu.emulator.db.statements() as connection:
        store.collect(connection, [digest])
    assert _write(store, data) == _write(store, data)
    gate.set()
    store.settle()
    assert store.path(digest).read_bytes() == data


def test_an_unused_blob_is_removed(flexemu):
    store = flexemu.emulator.blobs
    digest = _write(store, os.urandom(SIZES[0])).digest
    with flexemu.emulator.db.statements() as connection:
        store.collect(connection, [digest])
    store.settle()
    assert not store.path(digest).exists()
