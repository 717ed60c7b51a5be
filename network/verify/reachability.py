"""Which loopbacks each device must reach: a reachability plan that grows linearly with the design.

A full mesh (every device pings every other loopback) proves the most but costs N x (N - 1) pings:
995,004 targets at 1,000 devices, a 58 s catalog of 857 MB. Instead every device that runs the underlay
pings, from its own loopback,
  - every other device of its own site (a site is small, and where most of its traffic stays),
  - one device of the next site (sites in design order, as a ring: the last one reaches the first),
  - one device of the hub site (the first site of the design: the datacenter in the sample),
so a device has at most (devices of its site - 1) + 2 targets, and the catalog grows with the number
of devices times the size of a site, not with the square of the design.

Why this still catches a broken device: a ping between loopbacks needs a route both ways (the reply
goes back to the source loopback). A device that lost its sessions, does not announce its loopback or
has the wrong address fails its own check (it reaches neither the hub nor the next site) and is a
failed target in the check of every device of its own site. What the plan leaves out is a route
missing between two sites that are neither neighbours in the ring nor the hub while both reach the
hub; the bgp-session checks bound the prefixes each session carries, which such a filter would change.

In an eBGP underlay, devices sharing an ASN (RFC 7938 spines, campus cores) drop each other's routes, as
eBGP does when the AS path holds the receiver's own ASN: unless they are linked (an iBGP session between
them) they are listed as not expected, and a site's stand-in for the ring and the hub is its first device
in another AS. An iBGP or OSPF underlay is one routing domain: every loopback is expected.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address

from inventory.model import Design, Device
from inventory.model.network import UnderlayProtocol

STRATEGY = (
    "Loopback reachability: each device pings every device of its own site, one device of the next site "
    "(sites in design order, as a ring) and one of the first site (the hub), so the catalog grows "
    "linearly; a broken device fails its own check and its site neighbours' (network/verify/reachability.py)."
)


@dataclass(frozen=True)
class LoopbackPlan:
    device: Device
    targets: dict[str, IPv4Address]
    not_expected: dict[str, str]
    """Devices of the plan that share the device's ASN, with the reason they are not reached."""


def loopback_plans(design: Design, underlay: set[str]) -> Iterator[LoopbackPlan]:
    """A plan for every device in `underlay` (the devices running it), in design order."""
    ebgp = design.routing.underlay.protocol is UnderlayProtocol.EBGP
    by_site: dict[str, list[Device]] = {}
    loopbacks: dict[str, IPv4Address] = {}
    for device in design.devices:
        if device.name in underlay and device.loopback is not None:
            by_site.setdefault(device.site, []).append(device)
            loopbacks[device.name] = device.loopback
    sites = [site.name for site in design.sites if site.name in by_site]
    following = {site: sites[(index + 1) % len(sites)] for index, site in enumerate(sites)}
    for device in design.devices:
        if device.name not in loopbacks:
            continue
        linked = {remote.device for _, remote, _ in design.links_of(device.name)}
        dropped = {other.name for other in by_site[device.site] if ebgp and other.asn == device.asn}
        chosen = {other.name: other for other in by_site[device.site] if other.name != device.name}
        for site in (following[device.site], sites[0]):
            stand_in = next(
                (o for o in by_site[site] if not (ebgp and o.asn == device.asn) and o.name != device.name),
                None,
            )
            if stand_in is not None:
                chosen.setdefault(stand_in.name, stand_in)
        same_as = {
            name: f"same AS {other.asn}, eBGP drops its routes"
            for name, other in chosen.items()
            if name in dropped and name not in linked
        }
        targets = {name: loopbacks[name] for name in chosen if name not in same_as}
        yield LoopbackPlan(device, targets, same_as)
