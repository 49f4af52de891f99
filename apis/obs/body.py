"""Request bodies, streamed into the blob store and checked on the way.

A body arrives plain or `aws-chunked` (SigV4 streaming: signed chunks, unsigned chunks with a
trailing checksum). Every integrity claim of the request is verified before the body is kept:
the signed payload hash (`XAmzContentSHA256Mismatch`), chunk and trailer signatures
(`SignatureDoesNotMatch`), `Content-MD5` and `x-amz-checksum-*` (`BadDigest`), the length
(`IncompleteBody`). On any failure, or when the client goes away, nothing is left behind.
"""

import base64
import binascii
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from apis.obs import checksums, signatures
from apis.obs.auth import Caller
from apis.obs.checksums import Hasher
from apis.obs.errors import S3Error, bad_digest
from state.blobs import Blob, BlobStore

MAX_SINGLE_PUT = 5 * 1024**3
STREAMING_PREFIX = "STREAMING-"
SIGNED_STREAMING = (
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
)


def _incomplete() -> S3Error:
    return S3Error(
        "IncompleteBody",
        "You did not provide the number of bytes specified by the Content-Length HTTP header",
    )


def _bad_chunk() -> S3Error:
    return S3Error("IncompleteBody", "The aws-chunked body is malformed.")


@dataclass
class Received:
    blob: Blob
    checksums: dict[str, str] = field(default_factory=dict)  # {"CRC32": base64}


class BodyReader:
    def __init__(
        self,
        stream: AsyncIterator[bytes],
        headers: dict[str, str],
        caller: Caller,
        limit: int = MAX_SINGLE_PUT,
    ):
        self.stream = stream
        self.headers = headers
        self.caller = caller
        self.limit = limit
        payload = caller.payload or ""
        encoding = headers.get("content-encoding", "")
        self.chunked = payload.startswith(STREAMING_PREFIX) or "aws-chunked" in encoding
        self.trailers: dict[str, str] = {}
        declared = headers.get("x-amz-decoded-content-length" if self.chunked else "content-length")
        self.declared_length = int(declared) if declared and declared.isdigit() else None
        if self.declared_length is not None and self.declared_length > limit:
            raise S3Error(
                "EntityTooLarge",
                "Your proposed upload exceeds the maximum allowed object size.",
                400,
                ProposedSize=str(self.declared_length),
                MaxSizeAllowed=str(limit),
            )
        self.checksum_hashers = self._checksum_hashers()

    def _checksum_hashers(self) -> dict[str, Hasher]:
        names = {
            name[len("x-amz-checksum-") :]
            for name in self.headers
            if name.startswith("x-amz-checksum-") and name != "x-amz-checksum-type"
        }
        names |= {
            name.strip()[len("x-amz-checksum-") :].lower()
            for name in self.headers.get("x-amz-trailer", "").split(",")
            if name.strip().lower().startswith("x-amz-checksum-")
        }
        hashers = {}
        for name in names:
            hasher = checksums.new(name)
            if hasher is None:
                raise S3Error(
                    "InvalidRequest",
                    f"The checksum algorithm {name.upper()} is not supported by the emulator.",
                )
            hashers[name] = hasher
        return hashers

    async def _chunks(self) -> AsyncIterator[bytes]:
        source = self._dechunk() if self.chunked else self.stream
        size = 0
        async for chunk in source:
            size += len(chunk)
            if size > self.limit:
                raise S3Error(
                    "EntityTooLarge",
                    "Your proposed upload exceeds the maximum allowed object size.",
                )
            yield chunk

    async def _dechunk(self) -> AsyncIterator[bytes]:
        buffer = bytearray()
        source = self.stream.__aiter__()
        ended = False

        async def fill(needed: int) -> None:
            nonlocal ended
            while len(buffer) < needed and not ended:
                try:
                    buffer.extend(await source.__anext__())
                except StopAsyncIteration:
                    ended = True
            if len(buffer) < needed:
                raise _incomplete()

        async def line() -> bytes:
            nonlocal ended
            while b"\r\n" not in buffer:
                if ended:
                    raise _incomplete()
                await fill(len(buffer) + 1)
            end = buffer.index(b"\r\n")
            text = bytes(buffer[:end])
            del buffer[: end + 2]
            return text

        signer = self.caller.signer if self.caller.payload in SIGNED_STREAMING else None
        previous = self.caller.seed_signature
        while True:
            size_text, _, extension = (await line()).partition(b";")
            try:
                size = int(size_text, 16)
            except ValueError:
                raise _bad_chunk() from None
            await fill(size + (2 if size else 0))
            data = bytes(buffer[:size])
            if size:
                if buffer[size : size + 2] != b"\r\n":
                    raise _bad_chunk()
                del buffer[: size + 2]
            if signer is not None:
                given = extension.decode("latin-1").partition("chunk-signature=")[2]
                expected = signer.chunk_signature(previous, hashlib.sha256(data).hexdigest())
                if not signatures.matches(expected, given):
                    raise S3Error(
                        "SignatureDoesNotMatch", "The chunk signature does not match.", 403
                    )
                previous = expected
            if not size:
                break
            yield data
        await self._read_trailers(line, signer, previous)

    async def _read_trailers(self, line, signer, previous: str) -> None:
        signed_lines = []
        trailer_signature = None
        while True:
            try:
                text = (await line()).decode("latin-1")
            except S3Error:
                break  # no final CRLF after the trailers: tolerated
            if not text:
                break
            name, _, value = text.partition(":")
            name = name.strip().lower()
            if name == "x-amz-trailer-signature":
                trailer_signature = value.strip()
            else:
                self.trailers[name] = value.strip()
                signed_lines.append(f"{name}:{value.strip()}\n")
        if signer is not None and self.caller.payload == SIGNED_STREAMING[1]:
            digest = hashlib.sha256("".join(signed_lines).encode()).hexdigest()
            expected = signer.trailer_signature(previous, digest)
            if trailer_signature is None or not signatures.matches(expected, trailer_signature):
                raise S3Error("SignatureDoesNotMatch", "The trailer signature does not match.", 403)

    async def store(self, blobs: BlobStore) -> Received:
        """Write the body to the blob store, verified; on any error nothing remains of it."""
        with blobs.writer(self.checksum_hashers.values(), self._announced_sha256()) as writer:
            async for chunk in self._chunks():
                writer.write(chunk)
            written = writer.peek()
            self._check(written.size, written.digest, bytes.fromhex(written.md5))
            verified = self._verified_checksums()
            return Received(writer.finish(), verified)

    async def read_all(self, limit: int = 1024 * 1024) -> bytes:
        """A small body (XML of a bucket or multipart call), verified, in memory."""
        self.limit = limit
        data = b"".join([chunk async for chunk in self._chunks()])
        for hasher in self.checksum_hashers.values():
            hasher.update(data)
        self._check(len(data), hashlib.sha256(data).hexdigest(), hashlib.md5(data).digest())
        self._verified_checksums()
        return data

    def _announced_sha256(self) -> str | None:
        """The SHA-256 of the body the signature covers (`x-amz-content-sha256`), if any."""
        payload = self.caller.payload or "UNSIGNED-PAYLOAD"
        hashed = not payload.startswith(STREAMING_PREFIX) and payload != "UNSIGNED-PAYLOAD"
        return payload if hashed else None

    def _check(self, size: int, sha256: str, md5: bytes) -> None:
        if self.declared_length is not None and size < self.declared_length:
            raise _incomplete()
        payload = self._announced_sha256()
        if payload is not None and payload != sha256:
            raise S3Error(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                400,
                ClientComputedContentSHA256=payload,
                S3ComputedContentSHA256=sha256,
            )
        content_md5 = self.headers.get("content-md5")
        if content_md5 is not None:
            try:
                given = base64.b64decode(content_md5, validate=True)
            except binascii.Error:
                given = b""
            if len(given) != 16:
                raise S3Error("InvalidDigest", "The Content-MD5 you specified was invalid.")
            if given != md5:
                raise bad_digest("The Content-MD5 you specified did not match what we received.")

    def _verified_checksums(self) -> dict[str, str]:
        verified = {}
        for name, hasher in self.checksum_hashers.items():
            header = "x-amz-checksum-" + name
            given = self.headers.get(header) or self.trailers.get(header)
            computed = checksums.encoded(hasher)
            if given is None:
                continue
            if given != computed:
                raise bad_digest(
                    f"The {name.upper()} you specified did not match the calculated checksum."
                )
            verified[name.upper()] = computed
        return verified
