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
from nornir.core.plugins.connections import ConnectionPluginRegister

from network.lab.ready import open_ssh
from network.verify.observe import (
    EndpointPing,
    Failure,
    Getter,
    Login,
    Observations,
    Ping,
    Request,
    TcpPort,
)

TIMEOUT = 5.0
_LOSS = re.compile(r"(\d+(?:\.\d+)?)% packet loss")


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


class NornirConnections:
    """Drivers from Nornir's connection plugin (nornir_napalm): opened once, kept by the host."""

    def __init__(self, nr: Nornir) -> None:
        # A Nornir built without InitNornir has no connection plugins yet; registering twice is harmless.
        ConnectionPluginRegister.auto_register()
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


class LiveReach:
    """The real network. `endpoints` maps test host names to their management addresses (lab only)."""

    def __init__(self, connections: Connections, endpoints: Mapping[str, str] | None = None) -> None:
        self._connections = connections
        self._endpoints = dict(endpoints or {})

    def serves(self, request: Request) -> bool:
        return not isinstance(request, EndpointPing) or request.endpoint in self._endpoints

    def answer(self, target: str, requests: Sequence[Request]) -> list[Any]:
        pings = [request for request in requests if isinstance(request, EndpointPing)]
        if pings:
            # A target's requests are all of one kind: the pings of one endpoint, over one SSH login.
            return self._endpoint_pings(pings[0].endpoint, pings)
        return [self._one(request) for request in requests]

    def _one(self, request: Request) -> Any:
        try:
            match request:
                case Getter(device, getter):
                    return getattr(self._connections.driver(device), getter)()
                case Ping(device, destination, source):
                    driver = self._connections.driver(device)
                    return driver.ping(destination, source=source, count=1, timeout=1)
                case TcpPort(device, port):
                    return _tcp_open(self._connections.address(device), port)
                case Login(device, username, password):
                    return _login_accepted(self._connections.address(device), username, password)
                case EndpointPing():
                    raise TypeError("endpoint pings run over the endpoint's own login")
        except Exception as error:  # any driver or transport failure is an answer: the check reports it
            return Failure(f"{type(error).__name__}: {error}")

    def _endpoint_pings(self, endpoint: str, requests: Sequence[EndpointPing]) -> list[Any]:
        address = self._endpoints.get(endpoint)
        if address is None:
            return [Failure(f"no management address known for endpoint {endpoint}")] * len(requests)
        try:
            # Endpoints are the lab's test hosts: they take the lab login.
            client = open_ssh(address, TIMEOUT)
        except (OSError, paramiko.SSHException) as error:
            return [Failure(f"cannot log in to endpoint {endpoint} ({address}): {error}")] * len(requests)
        try:
            # All pings at once, one channel each: an unreachable target costs its timeout only once.
            started = [_start_ping(client, request) for request in requests]
            return [_loss(request, stdout) for request, stdout in zip(requests, started, strict=True)]
        finally:
            client.close()


def _start_ping(client: paramiko.SSHClient, request: EndpointPing) -> paramiko.ChannelFile | Failure:
    command = f"ping -n -c 2 -i 0.2 -W 1 {shlex.quote(request.destination)}"
    try:
        return client.exec_command(command, timeout=TIMEOUT)[1]
    except (OSError, paramiko.SSHException) as error:
        return Failure(f"ping on {request.endpoint} failed: {error}")


def _loss(request: EndpointPing, stdout: paramiko.ChannelFile | Failure) -> int | Failure:
    """The packet loss in percent from a started ping's output."""
    if isinstance(stdout, Failure):
        return stdout
    try:
        text = stdout.read().decode(errors="replace")
    except (OSError, paramiko.SSHException) as error:
        return Failure(f"ping on {request.endpoint} failed: {error}")
    found = _LOSS.search(text)
    if found is None:
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
        transport.start_client(timeout=TIMEOUT)
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
