"""A readable summary of a design: what `fundament inventory show` prints (pure data, no printing)."""

from collections import Counter

from pydantic import BaseModel

from inventory.model import Design, Link


class SiteSummary(BaseModel):
    name: str
    kind: str
    location: str
    devices: dict[str, int]


class SegmentSummary(BaseModel):
    name: str
    vlan: int
    vni: int | None
    subnet: str
    devices: int


class DesignSummary(BaseModel):
    name: str
    version: str
    sites: list[SiteSummary]
    devices_per_role: dict[str, int]
    segments_per_zone: dict[str, list[SegmentSummary]]
    links: dict[str, int]
    endpoints: int
    workloads: int
    workplace_profiles: list[str]


def summarize(design: Design) -> DesignSummary:
    per_site: dict[str, Counter[str]] = {site.name: Counter() for site in design.sites}
    for device in design.devices:
        per_site[device.site][device.role.value] += 1
    zones: dict[str, list[SegmentSummary]] = {zone.name: [] for zone in design.security.zones}
    for segment in design.segments:
        zones[segment.zone].append(
            SegmentSummary(
                name=segment.name,
                vlan=segment.vlan,
                vni=segment.vni,
                subnet=str(segment.subnet),
                devices=len(segment.present_on),
            )
        )
    devices, routing = design.device_by_name, design.routing

    def shape(link: Link) -> str:
        if not all(routing.routes(devices[end.device].role) for end in link.ends):
            return "trunk"
        return "numbered" if link.numbered else "unnumbered"

    link_kinds = Counter(f"{link.kind.value} ({shape(link)})" for link in design.links)
    return DesignSummary(
        name=design.design.name,
        version=design.design.version,
        sites=[
            SiteSummary(
                name=site.name,
                kind=site.kind.value,
                location=site.location,
                devices=dict(per_site[site.name]),
            )
            for site in design.sites
        ],
        devices_per_role=dict(Counter(device.role.value for device in design.devices)),
        segments_per_zone=zones,
        links=dict(link_kinds),
        endpoints=len(design.endpoints),
        workloads=len(design.datacenter.workloads) if design.datacenter else 0,
        workplace_profiles=[profile.name for profile in design.workplace.profiles]
        if design.workplace
        else [],
    )
