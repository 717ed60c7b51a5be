"""The test hosts' service listener (network/lab/images/services.py), run here as the hosts run it: it must
answer a TCP connection and a UDP datagram on each service's port, or the zone matrix reads a blocked flow
where the policy passes it."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICES = Path(__file__).parents[3] / "network" / "lab" / "images" / "services.py"


def _free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def ports() -> Iterator[tuple[int, int]]:
    tcp, udp = _free_port(socket.SOCK_STREAM), _free_port(socket.SOCK_DGRAM)
    listener = subprocess.Popen(
        [sys.executable, str(SERVICES), f"https:tcp:{tcp}", f"snmp:udp:{udp}", "ssh:tcp:22"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", tcp), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield tcp, udp
    finally:
        listener.terminate()
        _, errors = listener.communicate(timeout=10)
        assert b"Traceback" not in errors, errors.decode()


def test_a_tcp_service_accepts_and_names_itself(ports: tuple[int, int]) -> None:
    with socket.create_connection(("127.0.0.1", ports[0]), timeout=5) as connection:
        assert connection.recv(100) == f"{socket.gethostname()} https\n".encode()


def test_a_udp_service_answers_a_datagram(ports: tuple[int, int]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
        client.settimeout(5)
        client.sendto(b"probe\n", ("127.0.0.1", ports[1]))
        answer, sender = client.recvfrom(100)
    assert answer == f"{socket.gethostname()} snmp\n".encode()
    assert sender == ("127.0.0.1", ports[1])
