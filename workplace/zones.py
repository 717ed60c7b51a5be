"""The zone policy as a workplace sees it: which services of the design's hosts a machine on the profile's
segment opens, and which it cannot, by `security.allowed` (everything not allowed between zones is denied).

Probes are data: the validation suite runs each from the machine itself (`--zone-probes`). Only TCP
services are probed: a refused or dropped UDP datagram looks the same as an accepted one without an answer.
Hosts in the machine's own zone are left out: the policy governs traffic between zones.
"""

from typing import Literal

from pydantic import BaseModel

from inventory.model import Design
from inventory.model.workplace import WorkplaceProfile


class ZoneProbe(BaseModel):
    host: str
    address: str
    zone: str
    service: str
    port: int
    expect: Literal["open", "blocked"]
    reason: str


def zone_probes(design: Design, profile: WorkplaceProfile) -> list[ZoneProbe]:
    """One probe per TCP service of every host outside the profile's zone, in the design's order."""
    segment = design.segment_by_name.get(profile.segment)
    if segment is None:
        return []
    zone = segment.zone
    allowed = {
        (rule.destination, service)
        for rule in design.security.allowed
        if rule.source == zone
        for service in rule.services
    }
    probes = []
    for endpoint in design.endpoints:
        target = design.segment_of(endpoint)
        if target is None or target.zone == zone:
            continue
        for name in endpoint.services:
            service = design.service_by_name[name]
            if service.protocol != "tcp":
                continue
            permitted = (target.zone, name) in allowed
            probes.append(
                ZoneProbe(
                    host=endpoint.name,
                    address=str(endpoint.ipv4.ip),
                    zone=target.zone,
                    service=name,
                    port=service.port,
                    expect="open" if permitted else "blocked",
                    reason=f"security.allowed {'permits' if permitted else 'has no'} {name} "
                    f"from {zone} to {target.zone}",
                )
            )
    return probes
