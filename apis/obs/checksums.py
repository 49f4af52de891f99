"""Checksums S3 clients send with a body (`x-amz-checksum-<algorithm>`), computed as it streams."""

import base64
import hashlib
import zlib
from collections.abc import Callable
from typing import Protocol


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class Crc32:
    def __init__(self) -> None:
        self.value = 0

    def update(self, data: bytes) -> None:
        self.value = zlib.crc32(data, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ 0x82F63B78 if value & 1 else value >> 1
        table.append(value)
    return table


_CRC32C = _crc32c_table()


class Crc32c:
    """CRC-32C (Castagnoli), table-driven: slow, but only used when a client asks for it."""

    def __init__(self) -> None:
        self.value = 0xFFFFFFFF

    def update(self, data: bytes) -> None:
        value, table = self.value, _CRC32C
        for byte in data:
            value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
        self.value = value

    def digest(self) -> bytes:
        return (self.value ^ 0xFFFFFFFF).to_bytes(4, "big")


ALGORITHMS: dict[str, Callable[[], Hasher]] = {
    "crc32": Crc32,
    "crc32c": Crc32c,
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
}


def new(algorithm: str) -> Hasher | None:
    factory = ALGORITHMS.get(algorithm.lower())
    return factory() if factory else None


def encoded(hasher: Hasher) -> str:
    return base64.b64encode(hasher.digest()).decode()
