"""The S3 client floor: a bare FastAPI app answering the benchmark's S3 calls with canned,
stateless responses (same methods, bodies and headers as the real ones, no work)."""

from fastapi import FastAPI, Request, Response

app = FastAPI()
SMALL = b"x" * 1024
BIG = b"x" * (64 * 1024 * 1024)
XML = "application/xml"
NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'
ETAG = '"0123456789abcdef0123456789abcdef"'
ENTRY = (
    "<Contents><Key>key-{index:05d}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>"
    "<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag><Size>1024</Size>"
    "<StorageClass>STANDARD</StorageClass></Contents>"
)
LISTING = (
    f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult {NS}><Name>bench</Name><Prefix>'
    "</Prefix><MaxKeys>1000</MaxKeys><KeyCount>1000</KeyCount><IsTruncated>false</IsTruncated>"
    + "".join(ENTRY.format(index=index) for index in range(1000))
    + "</ListBucketResult>"
).encode()
DELETED = (
    f'<?xml version="1.0" encoding="UTF-8"?><DeleteResult {NS}>'
    + "".join(f"<Deleted><Key>key-{index:05d}</Key></Deleted>" for index in range(1000))
    + "</DeleteResult>"
).encode()


@app.get("/_emulator/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


def _body_for(path: str) -> bytes:
    return BIG if path.endswith("big") else SMALL


@app.api_route("/{path:path}", methods=["GET", "PUT", "POST", "HEAD", "DELETE"])
async def s3(request: Request, path: str) -> Response:
    query = request.query_params
    async for _ in request.stream():
        pass
    if request.method == "PUT":
        return Response(headers={"ETag": ETAG})
    if request.method == "DELETE":
        return Response(status_code=204)
    if request.method == "POST":
        if "uploads" in query:
            body = f"<InitiateMultipartUploadResult {NS}><UploadId>u</UploadId>"
            return Response(body + "</InitiateMultipartUploadResult>", media_type=XML)
        if "uploadId" in query:
            body = f"<CompleteMultipartUploadResult {NS}><ETag>{ETAG}</ETag>"
            return Response(body + "</CompleteMultipartUploadResult>", media_type=XML)
        return Response(DELETED, media_type=XML)
    if "list-type" in query:
        return Response(LISTING, media_type=XML)
    body = _body_for(path)
    headers = {"ETag": ETAG, "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT"}
    if request.method == "HEAD":
        return Response(headers={**headers, "Content-Length": str(len(body))})
    return Response(body, headers=headers, media_type="binary/octet-stream")
