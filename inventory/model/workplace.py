"""Workplace proof-of-concept profiles: consumed by workplace/ (Ansible + testinfra)."""

from pydantic import Field

from inventory.types import Model, Name


class WorkplaceProfile(Model):
    name: Name
    description: str
    segment: Name = Field(description="the segment pilot machines of this profile live in")
    software: list[str] = Field(description="Debian packages of the standard software set")
    accessibility: list[str] = Field(description="Debian packages for digital accessibility")
    locale: str = "nl_NL.UTF-8"
    timezone: str = "Europe/Amsterdam"


class Workplace(Model):
    base: str = Field(default="bookworm", description="Debian release the PoC image builds on")
    default_profile: Name
    profiles: list[WorkplaceProfile] = Field(min_length=1)
