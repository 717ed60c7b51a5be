"""The parts of the live reach that run here without a lab: TCP probes against a loopback listener, and
reading an endpoint's ping output."""

import io
import socket
from typing import cast

import paramiko

from network.verify.observe import EndpointPing, Failure, Getter, TcpPort
from network.verify.reach import LiveReach, _command, _read, _tcp_open


def test_tcp_probe_tells_listening_from_closed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert _tcp_open("127.0.0.1", port) is True
    assert _tcp_open("127.0.0.1", port) is False


class Loopback:
    """Connections for a device that lives at 127.0.0.1 and has no NAPALM driver."""

    def driver(self, device: str) -> object:
        raise ConnectionError(f"{device}: no driver here")

    def address(self, device: str) -> str:
        return "127.0.0.1"

    def close(self) -> None:
        pass


def test_live_reach_answers_failures_instead_of_raising() -> None:
    reach = LiveReach(Loopback(), endpoints={"h-srv1": "127.0.0.1"})
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        answers = reach.answer("spine1", [TcpPort("spine1", port), Getter("spine1", "get_interfaces")])
    assert answers[0] is True
    assert answers[1].message == "ConnectionError: spine1: no driver here"
    assert reach.serves(EndpointPing("h-srv1", "10.0.0.1"))
    assert not reach.serves(EndpointPing("h-other", "10.0.0.1"))


def test_an_endpoint_without_a_route_loses_every_ping_and_garbage_is_an_error() -> None:
    ping = EndpointPing("h-srv2", "10.20.210.11")
    assert "2>&1" in _command(ping), "ping's own complaints reach the reader"

    def read(text: str) -> object:
        return _read(ping, cast(paramiko.ChannelFile, io.BytesIO(text.encode())))

    assert read("ping: connect: Network is unreachable\n") == 100
    assert read("2 packets transmitted, 1 received, 50% packet loss, time 201ms\n") == 50
    garbled = read("ping: unknown option\n")
    assert isinstance(garbled, Failure) and "gave no loss figure" in garbled.message
