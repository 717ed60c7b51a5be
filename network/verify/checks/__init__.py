"""Every check class by its catalog name."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from network.verify.check import Check
from network.verify.checks.baseline import NoDefaultCredentials, ServiceConfigured, SshOnly
from network.verify.checks.cabling import InterfacesUp, LldpNeighbors
from network.verify.checks.overlay import EndpointReachability, EvpnVnis
from network.verify.checks.routing import BgpSession, LoopbackReachability
from network.verify.checks.zones import AnycastGateway, ZoneInterfaces, ZoneService

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
            ZoneInterfaces,
            AnycastGateway,
            ZoneService,
            SshOnly,
            NoDefaultCredentials,
            ServiceConfigured,
        )
    }
)

__all__ = [
    "REGISTRY",
    "AnycastGateway",
    "BgpSession",
    "EndpointReachability",
    "EvpnVnis",
    "InterfacesUp",
    "LldpNeighbors",
    "LoopbackReachability",
    "NoDefaultCredentials",
    "ServiceConfigured",
    "SshOnly",
    "ZoneInterfaces",
    "ZoneService",
]
