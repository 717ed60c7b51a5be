"""A migration: one reviewed change set, rolled out wave by wave, reversible (migrations/NNNN_name.yaml)."""

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from inventory.model.network import Role
from inventory.types import Model, Name


class Feature(StrEnum):
    """Parts of the design a migration switches on; a device runs what its applied migrations enable."""

    BASELINE = "baseline"
    """Management hardening: SSH policy, login banner, and the baseline services the platform supports."""
    UNDERLAY = "underlay"
    """Loopback, routed links and the underlay's routing (BGP sessions or OSPF)."""
    OVERLAY = "overlay"
    """The segments: EVPN address family, VXLAN tunnels, segment bridges and access ports; in a design
    without the overlay the VLANs, trunks, access ports and the cores' gateways."""
    ZONES = "zones"
    """One VRF per security zone (L3VNI, symmetric IRB), anycast gateways, a VLAN-aware bridge, LACP bonds
    with EVPN multihoming, and the border leaves' legs to the firewall."""


FEATURE_NEEDS: dict[Feature, tuple[Feature, ...]] = {
    Feature.OVERLAY: (Feature.UNDERLAY,),
    Feature.ZONES: (Feature.OVERLAY,),
}
"""A feature a device can only run when it runs these too (checked across the ordered migrations)."""


class Selector(Model):
    """Devices by name, or by site and/or role (both must match when both are given)."""

    devices: list[Name] = []
    sites: list[Name] = []
    roles: list[Role] = []

    @model_validator(mode="after")
    def _not_empty(self) -> "Selector":
        if not (self.devices or self.sites or self.roles):
            raise ValueError("select devices, sites or roles")
        if self.devices and (self.sites or self.roles):
            raise ValueError("select by devices, or by sites/roles, not both")
        return self


class Wave(Model):
    name: Name
    select: Selector
    pause: Literal["none", "approval"] | int = Field(
        default="none",
        description="after this wave: go on, wait for approval (--approve in CI), or wait this many seconds",
    )


class Checks(Model):
    """Checks of the verification catalog, by tag; empty means every check concerning the wave's devices."""

    tags: list[str] = []


class Migration(Model):
    description: str
    ticket: str = Field(
        pattern=r"^[A-Z]{2,10}-\d{4}-\d{1,6}$", description="change ticket, e.g. CHG-2026-0412"
    )
    enable: list[Feature] = Field(min_length=1)
    waves: list[Wave] = Field(min_length=1, description="the first wave is the canary")
    pre_checks: Checks = Checks()
    post_checks: Checks = Checks()
    rollback: Literal["previous-state"] = Field(
        default="previous-state",
        description="how to undo: re-render the wave's devices without this migration, replace their config",
    )
