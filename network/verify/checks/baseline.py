"""Baseline controls on every switch, each tagged with its BIO control (BIO 2020, ISO 27002 numbering)."""

import re
from collections.abc import Iterator
from typing import Self

from pydantic import Field

from inventory.model.migration import Feature
from inventory.types import Model
from network.platforms import Service
from network.verify.check import DeviceCheck, DeviceInput, Scope, Verdict, failed, passed
from network.verify.observe import CONFIG, FLAG, Getter, Login, Observations, Request, TcpPort

WELL_KNOWN_PORTS = {22: "ssh", 23: "telnet", 80: "http", 443: "https", 830: "netconf"}


class ManagementInput(DeviceInput):
    open: list[int] = Field(default=[22], description="TCP ports that must accept connections")
    closed: list[int] = Field(
        default=[23, 80], description="TCP ports that must refuse them (no telnet, no http)"
    )


def _port(number: int) -> str:
    return f"{WELL_KNOWN_PORTS[number]} ({number})" if number in WELL_KNOWN_PORTS else str(number)


class SshOnly(DeviceCheck[ManagementInput]):
    name = "ssh-only"
    description = "The management address accepts SSH and nothing of telnet or plain HTTP."
    Input = ManagementInput
    tags = ("baseline", "bio:13.1.1", "bio:9.4.2")
    needs = ("tcp",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        for device in scope.design.devices:
            if scope.live(device.name, Feature.BASELINE):
                yield cls(ManagementInput(device=device.name))

    @property
    def title(self) -> str:
        return f"SSH only on {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [TcpPort(self.inputs.device, port) for port in (*self.inputs.open, *self.inputs.closed)]

    def evaluate(self, seen: Observations) -> Verdict:
        device = self.inputs.device
        problems = [
            f"{_port(port)} does not answer"
            for port in self.inputs.open
            if not seen.parse(TcpPort(device, port), FLAG)
        ]
        problems += [
            f"{_port(port)} is listening"
            for port in self.inputs.closed
            if seen.parse(TcpPort(device, port), FLAG)
        ]
        if problems:
            return failed(f"{device}: " + "; ".join(problems))
        closed = ", ".join(_port(port) for port in self.inputs.closed)
        return passed(f"{device}: ssh answers, {closed} closed")


class Credential(Model):
    username: str
    password: str


DEFAULT_CREDENTIALS = [
    Credential(username="admin", password="admin"),
    Credential(username="root", password="root"),
    Credential(username="cisco", password="cisco"),
    Credential(username="admin", password=""),
]


class CredentialsInput(DeviceInput):
    credentials: list[Credential] = Field(
        default=DEFAULT_CREDENTIALS, description="well-known defaults to try"
    )


class NoDefaultCredentials(DeviceCheck[CredentialsInput]):
    name = "no-default-credentials"
    description = "SSH refuses every well-known default username and password."
    Input = CredentialsInput
    tags = ("baseline", "bio:9.4.3", "bio:9.2.4")
    needs = ("login",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        """Every device, hardened or not: a default login is never acceptable."""
        for device in scope.design.devices:
            yield cls(CredentialsInput(device=device.name))

    @property
    def title(self) -> str:
        return f"no default credentials on {self.inputs.device}"

    def _login(self, credential: Credential) -> Login:
        return Login(self.inputs.device, credential.username, credential.password)

    def requests(self) -> list[Request]:
        return [self._login(credential) for credential in self.inputs.credentials]

    def evaluate(self, seen: Observations) -> Verdict:
        accepted = [
            f"{c.username} with {'an empty password' if not c.password else 'its default password'}"
            for c in self.inputs.credentials
            if seen.parse(self._login(c), FLAG)
        ]
        if accepted:
            return failed(f"{self.inputs.device} accepts " + ", ".join(accepted))
        return passed(f"{self.inputs.device} refuses all {len(self.inputs.credentials)} default logins")


CONTROLS: dict[Service, tuple[str, ...]] = {
    "ntp": ("bio:12.4.4",),
    "dns": ("bio:13.1.2",),
    "syslog": ("bio:12.4.1",),
}


class ServiceInput(DeviceInput):
    service: Service
    lines: list[str] = Field(
        min_length=1, description="regular expressions each matching a running-config line"
    )


class ServiceConfigured(DeviceCheck[ServiceInput]):
    name = "service-configured"
    description = "The running config names the designed NTP, DNS or syslog servers."
    Input = ServiceInput
    tags = ("baseline",)
    needs = ("get_config",)

    @classmethod
    def from_design(cls, scope: Scope) -> Iterator[Self]:
        management = scope.design.management
        servers: dict[Service, list[str]] = {
            "ntp": [str(address) for address in management.ntp],
            "dns": [str(address) for address in management.dns],
            "syslog": [str(server.host) for server in management.syslog],
        }
        for device in scope.design.devices:
            if not scope.live(device.name, Feature.BASELINE):
                continue
            for service, pattern in scope.platform(device.name).service_lines.items():
                expected = [pattern.format(address=re.escape(address)) for address in servers[service]]
                yield cls(ServiceInput(device=device.name, service=service, lines=expected))

    @classmethod
    def notes(cls, scope: Scope) -> list[str]:
        lines = []
        for spec in scope.platforms:
            if not spec.service_lines:
                lines.append(f"{spec.name}: no NTP/DNS/syslog checks, its configuration does not carry them:")
                lines += [f"  - {reason}" for reason in spec.not_rendered]
        return lines

    @property
    def all_tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.tags, *CONTROLS[self.inputs.service], *self.extra_tags)))

    @property
    def title(self) -> str:
        return f"{self.inputs.service} servers on {self.inputs.device}"

    def requests(self) -> list[Request]:
        return [Getter(self.inputs.device, "get_config")]

    def evaluate(self, seen: Observations) -> Verdict:
        running = seen.parse(Getter(self.inputs.device, "get_config"), CONFIG).running
        missing = [line for line in self.inputs.lines if not re.search(line, running, re.MULTILINE)]
        if missing:
            return failed(f"{self.inputs.device}: no running-config line matches " + ", ".join(missing))
        return passed(
            f"{self.inputs.device}: all {len(self.inputs.lines)} {self.inputs.service} lines present"
        )
