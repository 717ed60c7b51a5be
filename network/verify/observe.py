"""What checks ask the network for, and what came back.

A check names its requests (a getter on a device, a ping from a device or an endpoint, a probe of a
management port); the runner collects every request once, grouped by the connection that serves it, and
hands the answers to the checks as `Observations`. Evaluating a check is then a pure function of recorded
data, which is what makes the checks testable on recorded device output.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

T = TypeVar("T")

GetterName = Literal[
    "get_lldp_neighbors", "get_bgp_neighbors", "get_interfaces", "get_config", "get_vlans", "get_route_to"
]
Need = Literal[
    GetterName, "cli", "ping", "endpoint-ping", "endpoint-probe", "endpoint-neighbor", "tcp", "login"
]
"""A kind of request, as a check class declares what it asks the network (`Check.needs`)."""
NEEDS: frozenset[str] = frozenset(get_args(Need))


@dataclass(frozen=True)
class OnDevice:
    """A request served by the device's own NAPALM session: one worker per device asks them in turn."""

    device: str

    @property
    def target(self) -> str:
        return self.device


@dataclass(frozen=True)
class Getter(OnDevice):
    """A NAPALM getter on a device."""

    getter: GetterName

    @property
    def kind(self) -> Need:
        return self.getter

    @property
    def key(self) -> str:
        return f"{self.device} {self.getter}"


@dataclass(frozen=True)
class Cli(OnDevice):
    """A command on the device's own CLI (NAPALM `cli`), for state no NAPALM getter models; the answer is
    its text."""

    command: str

    @property
    def kind(self) -> Need:
        return "cli"

    @property
    def key(self) -> str:
        return f"{self.device} cli {self.command}"


@dataclass(frozen=True)
class Ping(OnDevice):
    """NAPALM `ping` from a device, sourced from one of its addresses."""

    destination: str
    source: str

    @property
    def kind(self) -> Need:
        return "ping"

    @property
    def key(self) -> str:
        return f"{self.device} ping {self.destination} from {self.source}"


@dataclass(frozen=True)
class EndpointPing:
    """A ping run on an endpoint (a lab test host) over SSH; the answer is the packet loss in percent."""

    endpoint: str
    destination: str

    @property
    def target(self) -> str:
        return f"endpoint {self.endpoint}"

    @property
    def kind(self) -> Need:
        return "endpoint-ping"

    @property
    def key(self) -> str:
        return f"{self.endpoint} endpoint-ping {self.destination}"


@dataclass(frozen=True)
class EndpointProbe:
    """A connection attempt run on an endpoint over SSH to a service of another endpoint: TCP connects,
    UDP gets its datagram echoed (the lab's test hosts echo on their UDP services). The answer is a bool."""

    endpoint: str
    destination: str
    protocol: Literal["tcp", "udp"]
    port: int

    @property
    def target(self) -> str:
        return f"endpoint {self.endpoint}"

    @property
    def kind(self) -> Need:
        return "endpoint-probe"

    @property
    def key(self) -> str:
        return f"{self.endpoint} endpoint-{self.protocol} {self.destination}:{self.port}"


@dataclass(frozen=True)
class EndpointNeighbor:
    """The MAC address an endpoint resolved for an address after pinging it ("" when none answered)."""

    endpoint: str
    address: str

    @property
    def target(self) -> str:
        return f"endpoint {self.endpoint}"

    @property
    def kind(self) -> Need:
        return "endpoint-neighbor"

    @property
    def key(self) -> str:
        return f"{self.endpoint} endpoint-neighbor {self.address}"


@dataclass(frozen=True)
class TcpPort:
    """Whether a TCP port of a device's management address accepts connections (from where verify runs)."""

    device: str
    port: int

    @property
    def target(self) -> str:
        return f"probe {self.device}:{self.port}"

    @property
    def kind(self) -> Need:
        return "tcp"

    @property
    def key(self) -> str:
        return f"{self.device} tcp {self.port}"


@dataclass(frozen=True)
class Login:
    """Whether the device's SSH server accepts a username and password (the answer is a bool)."""

    device: str
    username: str
    password: str

    @property
    def target(self) -> str:
        # Every attempt on its own connection: a refused login costs seconds of the server's delay.
        return self.key

    @property
    def kind(self) -> Need:
        return "login"

    @property
    def key(self) -> str:
        # The key lands in recordings and reports: name the account and a digest, never the password.
        digest = hashlib.sha256(self.password.encode()).hexdigest()[:8]
        return f"{self.device} login {self.username} #{digest}"


EndpointRequest = EndpointPing | EndpointProbe | EndpointNeighbor
"""Requests run on an endpoint, all over one SSH login to it."""
Request = Getter | Cli | Ping | EndpointPing | EndpointProbe | EndpointNeighbor | TcpPort | Login


@dataclass(frozen=True)
class Failure:
    """A request that got no answer: the device's or the connection's own words."""

    message: str


class UnobservedError(Exception):
    """A check needed an answer that is missing or failed; the check ends in status error."""


class Observations:
    """Answers by request key. Later answers (a retry) replace earlier ones."""

    def __init__(self, answers: Mapping[str, Any] | None = None) -> None:
        self._answers: dict[str, Any] = dict(answers or {})

    def record(self, request: Request, answer: Any) -> None:
        self._answers[request.key] = answer

    def stored(self, request: Request) -> Any:
        """The answer as recorded, a Failure included."""
        return self._answers.get(request.key, Failure(f"no answer recorded for '{request.key}'"))

    def raw(self, request: Request) -> Any:
        if request.key not in self._answers:
            raise UnobservedError(f"no answer recorded for '{request.key}'")
        answer = self._answers[request.key]
        if isinstance(answer, Failure):
            raise UnobservedError(f"'{request.key}' failed: {answer.message}")
        return answer

    def parse(self, request: Request, shape: TypeAdapter[T]) -> T:
        """The answer validated into `shape`; an answer of another shape is an error, not a crash."""
        try:
            return shape.validate_python(self.raw(request))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise UnobservedError(
                f"'{request.key}' has an unexpected shape at {where}: {first['msg']}"
            ) from None

    def as_json(self) -> dict[str, Any]:
        """For `--record`: failures become {"failure": message}."""
        return {
            key: {"failure": answer.message} if isinstance(answer, Failure) else answer
            for key, answer in sorted(self._answers.items())
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Observations":
        return cls(
            {
                key: Failure(value["failure"])
                if isinstance(value, dict) and set(value) == {"failure"}
                else value
                for key, value in data.items()
            }
        )


class View(BaseModel):
    """The part of a device answer a check reads (NAPALM model shapes); other keys are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class LldpNeighbor(View):
    hostname: str
    port: str


class AddressFamily(View):
    received_prefixes: int
    accepted_prefixes: int = -1
    sent_prefixes: int = -1


class BgpPeer(View):
    local_as: int
    remote_as: int
    is_up: bool
    is_enabled: bool = True
    address_family: dict[str, AddressFamily] = {}


class BgpVrf(View):
    router_id: str = ""
    peers: dict[str, BgpPeer]


class Interface(View):
    is_up: bool
    is_enabled: bool
    description: str = ""
    mac_address: str = ""


class Vlan(View):
    interfaces: list[str]


class Route(View):
    protocol: str
    current_active: bool
    routing_table: str


class PingSuccess(View):
    probes_sent: int
    packet_loss: int


class PingResult(View):
    success: PingSuccess | None = None
    error: str | None = None


class Config(View):
    running: str


LLDP = TypeAdapter(dict[str, list[LldpNeighbor]])
BGP = TypeAdapter(dict[str, BgpVrf])
INTERFACES = TypeAdapter(dict[str, Interface])
PING = TypeAdapter(PingResult)
CONFIG = TypeAdapter(Config)
VLANS = TypeAdapter(dict[int, Vlan])
ROUTES = TypeAdapter(dict[str, list[Route]])
LOSS = TypeAdapter(int)
FLAG = TypeAdapter(bool)
MAC = TypeAdapter(str)
TEXT = TypeAdapter(str)
