"""The probes behind the zone matrix, run as a test host runs them. The zone checks' verdicts on answers
are cases of tests/unit/verify/test_checks.py."""

import socket
import subprocess
import threading
from typing import Literal

from network.verify.observe import EndpointProbe
from network.verify.reach import _command


def _run_probe(protocol: Literal["tcp", "udp"], port: int) -> bool:
    command = _command(EndpointProbe("here", "127.0.0.1", protocol, port))
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=10, check=False)
    return "fundament-open" in done.stdout


def test_probes_tell_an_open_service_from_a_closed_one() -> None:
    """The probe commands a test host runs, here against real sockets on this machine."""
    with socket.socket() as listening, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as echo:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        echo.bind(("127.0.0.1", 0))

        def answer() -> None:
            data, peer = echo.recvfrom(100)
            echo.sendto(data, peer)

        responder = threading.Thread(target=answer, daemon=True)
        responder.start()
        assert _run_probe("tcp", listening.getsockname()[1])
        assert _run_probe("udp", echo.getsockname()[1])
        responder.join(timeout=5)
        # Nobody answers any more: a silent UDP port is closed, as is a TCP port nobody listens on.
        assert not _run_probe("udp", echo.getsockname()[1])
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        free = unused.getsockname()[1]
    assert not _run_probe("tcp", free)
