"""The design: one typed object built from every YAML file of the source of truth."""

from functools import cached_property

from pydantic import Field

from inventory.model.datacenter import Datacenter
from inventory.model.network import (
    AccessPort,
    Device,
    Endpoint,
    EndpointBond,
    Link,
    LinkEnd,
    LinkKind,
    Platform,
    Role,
    Routing,
    Segment,
    Site,
    SiteKind,
)
from inventory.model.services import (
    Firewall,
    FirewallLeg,
    FirewallUplink,
    Management,
    Security,
    Service,
    Zone,
    ZoneRule,
    ZoneVrf,
)
from inventory.model.workplace import Workplace, WorkplaceProfile
from inventory.types import Model

__all__ = [
    "AccessPort",
    "Datacenter",
    "Design",
    "DesignInfo",
    "Device",
    "Endpoint",
    "EndpointBond",
    "Firewall",
    "FirewallLeg",
    "FirewallUplink",
    "Link",
    "LinkEnd",
    "LinkKind",
    "Management",
    "Platform",
    "Role",
    "Routing",
    "Security",
    "Segment",
    "Service",
    "Site",
    "SiteKind",
    "Workplace",
    "WorkplaceProfile",
    "Zone",
    "ZoneRule",
    "ZoneVrf",
]


class DesignInfo(Model):
    name: str
    description: str
    version: str


class Design(Model):
    """Everything the source of truth says. Build it with `inventory.load_design`, which also cross-checks."""

    design: DesignInfo
    sites: list[Site] = Field(min_length=1)
    devices: list[Device] = Field(min_length=1)
    links: list[Link] = []
    segments: list[Segment] = []
    endpoints: list[Endpoint] = []
    routing: Routing
    management: Management
    security: Security
    datacenter: Datacenter | None = None
    workplace: Workplace | None = None

    @cached_property
    def device_by_name(self) -> dict[str, Device]:
        return {device.name: device for device in self.devices}

    @cached_property
    def segment_by_name(self) -> dict[str, Segment]:
        return {segment.name: segment for segment in self.segments}

    @cached_property
    def site_by_name(self) -> dict[str, Site]:
        return {site.name: site for site in self.sites}

    @cached_property
    def zone_by_name(self) -> dict[str, Zone]:
        return {zone.name: zone for zone in self.security.zones}

    @cached_property
    def service_by_name(self) -> dict[str, Service]:
        return {service.name: service for service in self.security.services}

    def segment_of(self, endpoint: Endpoint) -> Segment | None:
        """The segment of the access port the endpoint is attached to (None when the design is broken)."""
        device = self.device_by_name.get(endpoint.attach.device)
        ports = {port.interface: port.segment for port in device.access_ports} if device else {}
        return self.segment_by_name.get(ports.get(endpoint.attach.interface, ""))

    def segments_on(self, device: str) -> list[Segment]:
        return self._segments_by_device.get(device, [])

    def links_of(self, device: str) -> list[tuple[LinkEnd, LinkEnd, Link]]:
        """(local end, remote end, link) for every link of `device`."""
        return self._links_by_device.get(device, [])

    # Indexes built once, so that per-device lookups cost the device's own links and segments: scanning
    # every link for every device made render quadratic in the size of the design.
    @cached_property
    def _links_by_device(self) -> dict[str, list[tuple[LinkEnd, LinkEnd, Link]]]:
        index: dict[str, list[tuple[LinkEnd, LinkEnd, Link]]] = {}
        for link in self.links:
            index.setdefault(link.a.device, []).append((link.a, link.b, link))
            if link.b.device != link.a.device:
                index.setdefault(link.b.device, []).append((link.b, link.a, link))
        return index

    @cached_property
    def _segments_by_device(self) -> dict[str, list[Segment]]:
        index: dict[str, list[Segment]] = {}
        for segment in self.segments:
            for device in dict.fromkeys(segment.present_on):
                index.setdefault(device, []).append(segment)
        return index
