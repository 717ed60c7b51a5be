"""Management plane and baseline services every device gets, and the security zones."""

from typing import Literal

from pydantic import Field

from inventory.types import IPv4Address, IPv4Network, Model, Name


class SecretRef(Model):
    """A secret by reference: the name of an environment variable or vault entry, never the value."""

    secret: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", description="environment variable / vault key name")


class SyslogServer(Model):
    host: IPv4Address
    port: int = Field(default=514, ge=1, le=65535)
    protocol: Literal["udp", "tcp"] = "udp"


class Ssh(Model):
    """SSH is the only management protocol: no telnet, no plain HTTP."""

    version: Literal[2] = 2
    allowed_from: list[IPv4Network] = Field(min_length=1)
    idle_timeout_minutes: int = Field(default=10, ge=1, le=60)


class User(Model):
    name: Name
    role: Literal["network-admin", "network-operator"]
    password: SecretRef


class AaaServer(Model):
    host: IPv4Address
    key: SecretRef


class Aaa(Model):
    users: list[User] = Field(min_length=1)
    tacacs: list[AaaServer] = []


class Management(Model):
    subnet: IPv4Network = Field(description="out-of-band management network (containerlab's mgmt network)")
    gateway: IPv4Address
    domain: str = Field(pattern=r"^[a-z0-9.-]+$")
    ntp: list[IPv4Address] = Field(min_length=1)
    dns: list[IPv4Address] = Field(min_length=1)
    syslog: list[SyslogServer] = Field(min_length=1)
    ssh: Ssh
    aaa: Aaa
    banner: str
    timezone: str = "Europe/Amsterdam"


class Zone(Model):
    name: Name
    description: str
    bio_classification: Literal["BBN1", "BBN2", "BBN3"] = Field(
        description="BIO basic security level of what lives in this zone"
    )


class ZoneRule(Model):
    """Traffic the design allows between two zones (everything else is denied)."""

    source: Name = Field(alias="from")
    destination: Name = Field(alias="to")
    services: list[str] = Field(min_length=1)


class Security(Model):
    zones: list[Zone] = Field(min_length=1)
    allowed: list[ZoneRule] = []
