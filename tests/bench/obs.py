"""OBS: one sequential boto3 client against flexemu, moto_server and a stateless FastAPI stub
(the client floor), then flexemu's memory while it moves 1 GiB.

Run alone with `python -m tests.bench.obs`; `run()` is what `tests/bench/run.py` calls.
"""

import base64
import hashlib
import io
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import httpx
from boto3.s3.transfer import TransferConfig
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from tests.bench.common import BIN, flexemu_command, free_port, rss_mib, start, stop

KIB, MIB = 1024, 1024 * 1024
SMALL_CALLS = 300
LIST_KEYS = 1000
BIG = 64 * MIB
SEQUENTIAL = TransferConfig(
    multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=1, use_threads=False
)
ACCESS, SECRET = "FLEXEMUACCESSKEY0001", "flexemuSecretKey0000000000000000000000001"


def _client(port: int):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id=ACCESS,
        aws_secret_access_key=SECRET,
        config=Config(retries={"max_attempts": 1}),
    )


def _rate(action: Callable[[int], object], count: int) -> float:
    """Calls per second of `action(i)` for i in range(count)."""
    began = time.perf_counter()
    for index in range(count):
        action(index)
    return count / (time.perf_counter() - began)


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def _fill(s3, bucket: str) -> None:  # type: ignore[no-untyped-def]
    for index in range(LIST_KEYS):
        s3.put_object(Bucket=bucket, Key=f"key-{index:05d}", Body=os.urandom(KIB))


def _raw_listing_seconds(port: int) -> float:
    """One SigV4-signed ListObjectsV2 of 1,000 keys through httpx, body read but not parsed:
    the server's share. boto3's figure adds its XML parsing, about 100 µs a key (most of it
    dateutil reading LastModified), which no server can take away."""
    url = f"http://127.0.0.1:{port}/bench-list?list-type=2&max-keys=1000"
    request = AWSRequest(method="GET", url=url)
    S3SigV4Auth(Credentials(ACCESS, SECRET), "s3", "us-east-1").add_auth(request)
    with httpx.Client() as client:
        headers = dict(request.headers.items())
        client.get(url, headers=headers).raise_for_status()
        return _median_seconds(lambda: client.get(url, headers=headers).content, 20)


def _raw_delete(port: int) -> Callable[[], object]:
    """One SigV4-signed DeleteObjects of the 1,000 listed keys through httpx, its answer read
    but not parsed: the server's share (boto3 spends about 16 ms writing the request and
    reading the answer's 1,000 entries)."""
    url = f"http://127.0.0.1:{port}/bench-list?delete"
    keys = "".join(f"<Object><Key>key-{index:05d}</Key></Object>" for index in range(LIST_KEYS))
    body = f"<Delete>{keys}</Delete>".encode()
    md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
    request = AWSRequest(method="POST", url=url, data=body, headers={"Content-MD5": md5})
    S3SigV4Auth(Credentials(ACCESS, SECRET), "s3", "us-east-1").add_auth(request)
    headers = dict(request.headers.items())
    client = httpx.Client()
    return lambda: client.post(url, content=body, headers=headers).raise_for_status().content


def _refilled_median_ms(s3, delete: Callable[[], object]) -> float:  # type: ignore[no-untyped-def]
    """The median of five deletes of the 1,000 listed keys (one is too noisy), refilled after
    each."""
    samples = []
    for _ in range(5):
        began = time.perf_counter()
        delete()
        samples.append(time.perf_counter() - began)
        _fill(s3, "bench-list")
    return 1000 * statistics.median(samples)


def workload(port: int) -> dict[str, float]:
    s3 = _client(port)
    s3.create_bucket(Bucket="bench")
    # Every body differs, as in real use: a store that keeps equal bodies once must still be
    # measured writing new data.
    small = [f"{index:08d}".encode() + os.urandom(KIB - 8) for index in range(SMALL_CALLS)]
    figures = {
        "PUT 1 KiB /s": _rate(
            lambda i: s3.put_object(Bucket="bench", Key=f"small-{i}", Body=small[i]), SMALL_CALLS
        ),
        "GET 1 KiB /s": _rate(
            lambda i: s3.get_object(Bucket="bench", Key=f"small-{i}")["Body"].read(), SMALL_CALLS
        ),
        "HEAD 1 KiB /s": _rate(
            lambda i: s3.head_object(Bucket="bench", Key=f"small-{i}"), SMALL_CALLS
        ),
    }
    s3.create_bucket(Bucket="bench-list")
    _fill(s3, "bench-list")
    figures["ListObjectsV2 1,000 keys ms"] = 1000 * _median_seconds(
        lambda: s3.list_objects_v2(Bucket="bench-list", MaxKeys=1000), 20
    )
    figures["ListObjectsV2 1,000, raw HTTP ms"] = 1000 * _raw_listing_seconds(port)
    keys = {"Objects": [{"Key": f"key-{index:05d}"} for index in range(LIST_KEYS)]}
    figures["DeleteObjects 1,000 keys ms"] = _refilled_median_ms(
        s3, lambda: s3.delete_objects(Bucket="bench-list", Delete=keys)
    )
    figures["DeleteObjects 1,000, raw HTTP ms"] = _refilled_median_ms(s3, _raw_delete(port))
    bodies = iter([os.urandom(BIG) for _ in range(6)])
    figures["PUT 64 MiB MiB/s"] = 64 / _median_seconds(
        lambda: s3.put_object(Bucket="bench", Key="big", Body=next(bodies)), 3
    )
    figures["multipart 64 MiB MiB/s"] = 64 / _median_seconds(
        lambda: s3.upload_fileobj(
            io.BytesIO(next(bodies)), "bench", "multi-big", Config=SEQUENTIAL
        ),
        3,
    )
    figures["GET 64 MiB MiB/s"] = 64 / _median_seconds(
        lambda: s3.get_object(Bucket="bench", Key="big")["Body"].read(), 3
    )
    return figures


def _servers() -> dict[str, tuple[Callable[[int], list[str]], str]]:
    stub = [
        str(BIN / "python"),
        "-m",
        "uvicorn",
        "tests.bench.s3_stub_app:app",
        "--log-level",
        "warning",
        "--port",
    ]
    servers = {
        "flexemu": (flexemu_command, "/_emulator/health"),
        "stub": (lambda port: [*stub, str(port)], "/_emulator/health"),
    }
    if (BIN / "moto_server").exists():
        servers["moto"] = (lambda port: [str(BIN / "moto_server"), "-p", str(port)], "/moto-api/")
    return servers


class Generated(io.RawIOBase):
    """`size` bytes made on the fly: a 1 GiB body the client never holds in memory."""

    def __init__(self, size: int):
        self.size, self.position = size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"g" * count
        self.position += count
        return count


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def memory() -> list[str]:
    """flexemu's peak resident memory growth while a 1 GiB body goes in, then out."""
    port = free_port()
    server, _ = start(flexemu_command(port), f"http://127.0.0.1:{port}/_emulator/health")
    s3 = _client(port)
    s3.create_bucket(Bucket="memory")
    s3.put_object(Bucket="memory", Key="warm-up", Body=b"w" * MIB)
    s3.get_object(Bucket="memory", Key="warm-up")["Body"].read()
    before = rss_mib(server.pid)
    s3.put_object(Bucket="memory", Key="gib", Body=Generated(1024 * MIB))
    after_put = _peak_mib(server.pid)
    stream = s3.get_object(Bucket="memory", Key="gib")["Body"]
    while stream.read(MIB):
        pass
    after_get = _peak_mib(server.pid)
    stop(server)
    return [
        f"1 GiB PUT then GET: flexemu peak RSS growth {after_put - before:.1f} MiB "
        f"(PUT), {after_get - before:.1f} MiB (PUT and GET); target < 64 MiB"
    ]


TARGETS = {
    "PUT 1 KiB /s": "≥ 60% of the stub",
    "GET 1 KiB /s": "≥ 60% of the stub",
    "HEAD 1 KiB /s": "≥ 60% of the stub",
    "ListObjectsV2 1,000 keys ms": "< 60 ms (boto3 parsing alone ~100)",
    "ListObjectsV2 1,000, raw HTTP ms": "< 60 ms",
    "DeleteObjects 1,000 keys ms": "< 30 ms",
    "DeleteObjects 1,000, raw HTTP ms": "< 30 ms",
    "PUT 64 MiB MiB/s": "≥ 85% of the stub",
    "multipart 64 MiB MiB/s": "≥ 85% of the stub",
    "GET 64 MiB MiB/s": "≥ 60% of the stub",
}


def run() -> list[str]:
    results = {}
    for name, (command, health) in _servers().items():
        port = free_port()
        server, _ = start(command(port), f"http://127.0.0.1:{port}{health}")
        try:
            results[name] = workload(port)
        finally:
            stop(server)
    names = list(results)
    lines = [
        "".ljust(34)
        + "".join(name.rjust(10) for name in names)
        + "  flexemu/stub  flexemu/moto  target"
    ]
    for metric, target in TARGETS.items():
        values = [results[name][metric] for name in names]
        ratios = [
            results["flexemu"][metric] / results[other][metric]
            if other in results
            else float("nan")
            for other in ("stub", "moto")
        ]
        lines.append(
            metric.ljust(34)
            + "".join(f"{value:10.1f}" for value in values)
            + f"  {ratios[0]:12.2f}  {ratios[1]:12.2f}  {target}"
        )
    return lines + memory()


if __name__ == "__main__":
    for line in run():
        print(line, flush=True)
