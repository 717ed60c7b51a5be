#!/usr/bin/python3
"""A test host's services: answers on the port of each service the design gives it, so the zone matrix
can tell a passed flow from a blocked one. Arguments: `name:protocol:port` (tcp or udp) per service.

A TCP connection is accepted and answered with `<hostname> <service>`; a UDP datagram is answered with
the same line. Ports a real daemon of the image serves (sshd on 22) are left to it.
"""

import asyncio
import socket
import sys
from functools import partial
from typing import cast


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # The selector loop's datagram transport is not an asyncio.DatagramTransport subclass.
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if self.transport is not None:
            self.transport.sendto(self.answer, addr)


_SERVED_BY_THE_IMAGE = {("tcp", 22)}


async def _serve(specs: list[str]) -> None:
    loop = asyncio.get_running_loop()
    host = socket.gethostname()
    for spec in specs:
        name, protocol, port_text = spec.split(":")
        port = int(port_text)
        answer = f"{host} {name}\n".encode()
        if (protocol, port) in _SERVED_BY_THE_IMAGE:
            continue
        if protocol == "tcp":

            async def reply(
                reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: bytes = answer
            ) -> None:
                writer.write(answer)
                await writer.drain()
                writer.close()

            await asyncio.start_server(reply, "0.0.0.0", port)
        else:
            await loop.create_datagram_endpoint(partial(_Datagrams, answer), local_addr=("0.0.0.0", port))
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_serve(sys.argv[1:]))
