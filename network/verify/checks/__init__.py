"""Every check class by its catalog name."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from network.verify.check import Check
from network.verify.checks.baseline import NoDefaultCredentials, ServiceConfigured, SshOnly
from network.verify.checks.cabling import InterfacesUp, LldpNeighbors
from network.verify.checks.overlay import EndpointReachability, EvpnVnis
from network.verify.checks.routing import BgpSession, LoopbackReachability

REGISTRY: Mapping[str, type[Check[Any]]] = MappingProxyType(
    {
        check.name: check
        for check in (
            LldpNeighbors,
            InterfacesUp,
            BgpSession,
            LoopbackReachability,
            EvpnVnis,
            EndpointReachability,
            SshOnly,
            NoDefaultCredentials,
            ServiceConfigured,
        )
    }
)

__all__ = [
    "REGISTRY",
    "BgpSession",
    "EndpointReachability",
    "EvpnVnis",
    "InterfacesUp",
    "LldpNeighbors",
    "LoopbackReachability",
    "NoDefaultCredentials",
    "ServiceConfigured",
    "SshOnly",
]
