"""How requests reach the network: device getters through NAPALM drivers (via Nornir), pings on endpoints
over SSH, and TCP / SSH-login probes of management addresses. Or recorded answers, for `--replay`.

Probes go only to addresses the inventory names (the devices' management addresses, the lab's endpoints).
"""

import json
import re
import shlex
import socket
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import paramiko
from nornir.core import Nornir

from network.lab.ready import open_ssh
from network.verify.observe import (
    Cli,
    EndpointNeighbor,
    EndpointPing,
    EndpointProbe,
    EndpointRequest,
    Failure,
    Getter,
    Login,
    Observations,
    Ping,
    Request,
    TcpPort,
)

TIMEOUT = 5.0
# Logging in and running a command: the lab's user-mode Linux guests on a loaded machine take tens of
# seconds for an SSH handshake. A slow answer is an answer; only a refusal or silence past this is not.
SESSION_TIMEOUT = 60.0
CHANNELS_PER_LOGIN = 8
_LOSS = re.compile(r"(\d+(?:\.\d+)?)% packet loss")
_NO_ROUTE = "Network is unreachable"


class Reach(Protocol):
    def serves(self, request: Request) -> bool:
        """Whether this reach can answer the request at all (post-checks leave out what it cannot)."""

    def answer(self, target: str, requests: Sequence[Request]) -> list[Any]:
        """Answers (or Failures) for requests of one target, in order; called from one thread per target."""


class Connections(Protocol):
    def driver(self, device: str) -> Any:
        """An open NAPALM driver for the device."""

    def address(self, device: str) -> str:
        """The device's management address."""

    def close(self) -> None:
        """Close every driver session opened."""


class NornirConnections:
    """Drivers from Nornir's connection plugin (nornir_napalm): opened once, kept by the host."""

    def __init__(self, nr: Nornir) -> None:
        """`nr` from network.targets, which registers the connection plugins."""
        self._nr = nr

    def driver(self, device: str) -> Any:
        host = self._nr.inventory.hosts[device]
        connection = host.get_connection("napalm", self._nr.config)
        # A session lost while the network converged (a restarted node) is opened again on a retry.
        if not connection.is_alive()["is_alive"]:
            host.close_connection("napalm")
            connection = host.get_connection("napalm", self._nr.config)
        return connection

    def address(self, device: str) -> str:
        return str(self._nr.inventory.hosts[device].hostname)

    def close(self) -> None:
        self._nr.close_connections(on_failed=True)


class LiveReach:
    """The real network. `endpoints` maps test host names to their management addresses (lab only)."""

    def __init__(self, connections: Connections, endpoints: Mapping[str, str] | None = None) -> None:
        self._connections = connections
        self._endpoints = dict(endpoints or {})

    def __enter__(self) -> "LiveReach":
        return self

    def __exit__(self, *exc_info: object) -> None:
        """The driver sessions the checks opened are closed, whatever happened."""
        self._connections.close()

    def serves(self, request: Request) -> bool:
        if isinstance(request, EndpointPing | EndpointProbe | EndpointNeighbor):
            return request.endpoint in self._endpoints
        return True

    def answer(self, target: str, requests: Sequence[Request]) -> list[Any]:
        on_endpoint = [r for r in requests if isinstance(r, EndpointPing | EndpointProbe | EndpointNeighbor)]
        if on_endpoint:
            # A target's requests are all of one kind: those of one endpoint, over one SSH login.
            return self._endpoint_pings(on_endpoint[0].endpoint, on_endpoint)
        return [self._one(request) for request in requests]

    def _one(self, request: Request) -> Any:
        try:
            match request:
                case Getter(device, getter):
                    return getattr(self._connections.driver(device), getter)()
                case Cli(device, command):
                    return self._connections.driver(device).cli([command])[command]
                case Ping(device, destination, source):
                    driver = self._connections.driver(device)
                    return driver.ping(destination, source=source, count=1, timeout=1)
                case TcpPort(device, port):
                    return _tcp_open(self._connections.address(device), port)
                case Login(device, username, password):
                    return _login_accepted(self._connections.address(device), username, password)
                case EndpointPing() | EndpointProbe() | EndpointNeighbor():
                    raise TypeError("endpoint requests run over the endpoint's own login")
        except Exception as error:  # any driver or transport failure is an answer: the check reports it
            return Failure(f"{type(error).__name__}: {error}")

    def _endpoint_pings(self, endpoint: str, requests: Sequence[EndpointRequest]) -> list[Any]:
        address = self._endpoints.get(endpoint)
        if address is None:
            return [Failure(f"no management address known for endpoint {endpoint}")] * len(requests)
        try:
            # Endpoints are the lab's test hosts: they take the lab login.
            client = open_ssh(address, SESSION_TIMEOUT)
        except (OSError, paramiko.SSHException) as error:
            return [Failure(f"cannot log in to endpoint {endpoint} ({address}): {error}")] * len(requests)
        try:
            # Together, one channel each: an unreachable target costs its timeout once per batch. A batch
            # stays under sshd's MaxSessions (10 by default), past which it refuses channels.
            answers: list[Any] = []
            for first in range(0, len(requests), CHANNELS_PER_LOGIN):
                batch = requests[first : first + CHANNELS_PER_LOGIN]
                started = [_start(client, request) for request in batch]
                answers += [_read(request, stdout) for request, stdout in zip(batch, started, strict=True)]
            return answers
        finally:
            client.close()


def _command(request: EndpointRequest) -> str:
    """The shell command answering a request on an endpoint: iputils ping, iproute2 and bash's own
    /dev/tcp and /dev/udp (a test host needs no netcat)."""
    match request:
        case EndpointPing(_, destination):
            return f"ping -n -c 2 -i 0.2 -W 1 {shlex.quote(destination)} 2>&1"
        case EndpointProbe(_, destination, protocol, port):
            socket_path = f"/dev/{protocol}/{destination}/{port}"
            # A TCP service is open when it accepts; a UDP one when it answers (the lab's hosts echo). A
            # datagram is read whole with its first byte, so read one character, never up to a newline.
            exchange = "exec 3<>" + socket_path
            if protocol == "udp":
                exchange += "; echo probe >&3; IFS= read -r -t 2 -N 1 answer <&3"
            return f"timeout 3 bash -c {shlex.quote(exchange)} 2>/dev/null && echo {_OPEN}"
        case EndpointNeighbor(_, address):
            quoted = shlex.quote(address)
            return f"ping -n -c 1 -W 1 {quoted} >/dev/null; ip neigh show {quoted}"


_OPEN = "fundament-open"
_LLADDR = re.compile(r"\blladdr ([0-9a-f:]{17})\b")


def _start(client: paramiko.SSHClient, request: EndpointRequest) -> paramiko.ChannelFile | Failure:
    try:
        return client.exec_command(_command(request), timeout=SESSION_TIMEOUT)[1]
    except (OSError, paramiko.SSHException) as error:
        return Failure(f"{request.key} failed: {error}")


def _read(request: EndpointRequest, stdout: paramiko.ChannelFile | Failure) -> Any:
    """The answer from a started command's output: loss in percent, open or not, a MAC address."""
    if isinstance(stdout, Failure):
        return stdout
    try:
        text = stdout.read().decode(errors="replace")
    except (OSError, paramiko.SSHException) as error:
        return Failure(f"{request.key} failed: {error}")
    match request:
        case EndpointProbe():
            return _OPEN in text
        case EndpointNeighbor():
            found = _LLADDR.search(text)
            return found.group(1) if found else ""
    found = _LOSS.search(text)
    if found is None:
        if _NO_ROUTE in text:
            # No route from the endpoint (its link is down, say): nothing was sent, and nothing arrives.
            return 100
        return Failure(f"ping on {request.endpoint} gave no loss figure: {text.strip()[-200:]}")
    return round(float(found.group(1)))


def _tcp_open(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=TIMEOUT):
            return True
    except (ConnectionRefusedError, TimeoutError):
        return False


def _login_accepted(address: str, username: str, password: str) -> bool:
    transport = paramiko.Transport((address, 22))
    try:
        transport.start_client(timeout=SESSION_TIMEOUT)
        transport.auth_password(username, password)
        return bool(transport.is_authenticated())
    except (paramiko.AuthenticationException, paramiko.BadAuthenticationType):
        return False
    finally:
        transport.close()


class RecordedReach:
    """Answers from a recording (`--record`): evaluates a catalog offline, and drives the runner's tests."""

    def __init__(self, recording: Observations) -> None:
        self._recording = recording

    @classmethod
    def from_file(cls, text: str) -> "RecordedReach":
        return cls(Observations.from_json(json.loads(text)))

    def serves(self, request: Request) -> bool:
        return True

    def answer(self, target: str, requests: Sequence[Request]) -> list[Any]:
        return [self._recording.stored(request) for request in requests]
