"""The datacenter must agree with the network before anything is declared in vSphere.

The inventory's own cross-check already rejects unknown names; these rules catch what only the datacenter
knows: which leaves its hosts are cabled to, which VLAN each port group carries, where workloads land.
Each problem names the key path of the offending value, so `LoadedDesign.fail_on` points at file and line.
"""

import ipaddress
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from infra.naming import PREFIXES, WORKLOAD_NAME, port_group_name
from inventory import Design, Problem
from inventory.errors import KeyPath, format_key_path
from inventory.model import Datacenter, Role, SiteKind

DC = "datacenter"
FABRIC_ROLES = (Role.LEAF, Role.BORDER_LEAF)


def check(design: Design) -> list[Problem]:
    """Every inconsistency between the datacenter section and the rest of the design."""
    dc = design.datacenter
    if dc is None:
        return [Problem((DC,), "the design has no datacenter section")]
    return [
        *_names(dc),
        *_placement(design, dc),
        *_switches(dc),
        *_port_groups(design, dc),
        *_workloads(design, dc),
        *_capacity(dc),
    ]


def _duplicates(items: Iterable[tuple[KeyPath, Any]], what: str) -> Iterator[Problem]:
    first: dict[Any, KeyPath] = {}
    for path, value in items:
        if value in first:
            yield Problem(path, f"{what} {value} is already used at {format_key_path(first[value])}")
        else:
            first[value] = path


def _names(dc: Datacenter) -> Iterator[Problem]:
    for section, prefix in PREFIXES.items():
        named = [((DC, section, i, "name"), item.name) for i, item in enumerate(getattr(dc, section))]
        yield from _duplicates(named, "name")
        for path, name in named:
            if not name.startswith(prefix):
                yield Problem(path, f"{name!r} breaks the naming convention: {section} start with {prefix!r}")
    workloads = [((DC, "workloads", i, "name"), vm.name) for i, vm in enumerate(dc.workloads)]
    yield from _duplicates(workloads, "name")
    for path, name in workloads:
        if not WORKLOAD_NAME.match(name):
            yield Problem(
                path, f"{name!r} breaks the naming convention: a workload is <service>-<NN>, e.g. gis-01"
            )


def _placement(design: Design, dc: Datacenter) -> Iterator[Problem]:
    site = design.site_by_name.get(dc.site)
    if site is not None and site.kind != SiteKind.DATACENTER:
        yield Problem((DC, "site"), f"site {site.name} is a {site.kind} site, not a datacenter")
    for i, cluster in enumerate(dc.clusters):
        for j, leaf in enumerate(cluster.leaves):
            device = design.device_by_name.get(leaf)
            path: KeyPath = (DC, "clusters", i, "leaves", j)
            if device is None:
                yield Problem(path, f"unknown device {leaf!r}")
            elif device.site != dc.site or device.role not in FABRIC_ROLES:
                yield Problem(path, f"{leaf} is a {device.role} at {device.site}, not a leaf of {dc.site}")
    clusters = {cluster.name for cluster in dc.clusters}
    for i, pool in enumerate(dc.resource_pools):
        if pool.cluster not in clusters:
            yield Problem((DC, "resource_pools", i, "cluster"), f"unknown cluster {pool.cluster!r}")


def _switches(dc: Datacenter) -> Iterator[Problem]:
    clusters = {cluster.name for cluster in dc.clusters}
    memberships: list[tuple[KeyPath, str]] = []
    for i, switch in enumerate(dc.distributed_switches):
        if len(switch.host_nics) != len(switch.uplinks):
            yield Problem(
                (DC, "distributed_switches", i, "host_nics"),
                f"{len(switch.host_nics)} host NICs for {len(switch.uplinks)} uplinks: one NIC per uplink",
            )
        for j, name in enumerate(switch.clusters):
            path: KeyPath = (DC, "distributed_switches", i, "clusters", j)
            if name not in clusters:
                yield Problem(path, f"unknown cluster {name!r}")
            memberships.append((path, name))
    # A host's NICs can back one distributed switch only.
    yield from _duplicates(memberships, "cluster")


def _clusters_on(dc: Datacenter, switch: str) -> list[str]:
    return next((s.clusters for s in dc.distributed_switches if s.name == switch), [])


def _leaves_of_switch(dc: Datacenter, switch: str) -> list[str]:
    members = _clusters_on(dc, switch)
    return [leaf for c in dc.clusters if c.name in members for leaf in c.leaves]


def _port_groups(design: Design, dc: Datacenter) -> Iterator[Problem]:
    switches = {switch.name for switch in dc.distributed_switches}
    carried: list[tuple[KeyPath, int]] = []
    for i, group in enumerate(dc.port_groups):
        if group.switch not in switches:
            yield Problem((DC, "port_groups", i, "switch"), f"unknown distributed switch {group.switch!r}")
        segment = design.segment_by_name.get(group.segment)
        if segment is None:
            continue  # the inventory's cross-check reports unknown segments
        path: KeyPath = (DC, "port_groups", i, "segment")
        carried.append((path, segment.vlan))
        missing = [leaf for leaf in _leaves_of_switch(dc, group.switch) if leaf not in segment.present_on]
        if missing:
            yield Problem(
                path,
                f"segment {segment.name} (VLAN {segment.vlan}) is not present on {', '.join(missing)}, "
                f"where the hosts of {group.switch} are cabled: add them to the segment's present_on",
            )
    yield from _duplicates(carried, "VLAN")


def _workloads(design: Design, dc: Datacenter) -> Iterator[Problem]:
    clusters = {cluster.name: cluster for cluster in dc.clusters}
    pools = {pool.name: pool.cluster for pool in dc.resource_pools}
    stores = {store.name: store.cluster for store in dc.datastores}
    owners = {owner.name for owner in dc.owners}
    groups = {group.segment: group for group in dc.port_groups}
    taken: list[tuple[KeyPath, ipaddress.IPv4Address]] = [
        (("endpoints", i, "ipv4"), endpoint.ipv4.ip) for i, endpoint in enumerate(design.endpoints)
    ]
    for i, vm in enumerate(dc.workloads):
        at: KeyPath = (DC, "workloads", i)
        cluster = clusters.get(vm.cluster)
        if vm.owner not in owners:
            yield Problem((*at, "owner"), f"unknown owner {vm.owner!r} (see datacenter.owners)")
        if vm.resource_pool not in pools:
            yield Problem((*at, "resource_pool"), f"unknown resource pool {vm.resource_pool!r}")
        elif pools[vm.resource_pool] != vm.cluster:
            yield Problem(
                (*at, "resource_pool"),
                f"{vm.resource_pool} belongs to {pools[vm.resource_pool]}, not {vm.cluster}",
            )
        if vm.datastore in stores and stores[vm.datastore] != vm.cluster:
            yield Problem(
                (*at, "datastore"), f"{vm.datastore} is mounted on {stores[vm.datastore]}, not {vm.cluster}"
            )
        segment = design.segment_by_name.get(vm.segment)
        if segment is None or cluster is None:
            continue  # unknown names: reported by the inventory's cross-check
        missing = [leaf for leaf in cluster.leaves if leaf not in segment.present_on]
        group = groups.get(vm.segment)
        if missing:
            yield Problem(
                (*at, "segment"),
                f"segment {vm.segment} is not in the fabric where {vm.cluster} is cabled: "
                f"not present on {', '.join(missing)}",
            )
        elif group is None:
            yield Problem(
                (*at, "segment"), f"no port group carries segment {vm.segment} (datacenter.port_groups)"
            )
        elif vm.cluster not in _clusters_on(dc, group.switch):
            yield Problem(
                (*at, "segment"),
                f"port group {port_group_name(segment)} is on {group.switch}, which {vm.cluster} is not on",
            )
        address = vm.ipv4
        if address.network != segment.subnet:
            yield Problem(
                (*at, "ipv4"), f"{address} is not in segment {segment.name}'s subnet {segment.subnet}"
            )
        elif address.ip in (
            segment.gateway,
            address.network.network_address,
            address.network.broadcast_address,
        ):
            yield Problem(
                (*at, "ipv4"), f"{address.ip} is the segment's gateway, network or broadcast address"
            )
        taken.append(((*at, "ipv4"), address.ip))
    yield from _duplicates(taken, "address")


def _capacity(dc: Datacenter) -> Iterator[Problem]:
    for i, store in enumerate(dc.datastores):
        needed = sum(disk.size_gb for vm in dc.workloads if vm.datastore == store.name for disk in vm.disks)
        if needed > store.capacity_gb:
            yield Problem(
                (DC, "datastores", i, "capacity_gb"),
                f"the disks of its workloads need {needed} GB, more than its {store.capacity_gb} GB",
            )


def check_live(
    design: Design, port_groups: Mapping[str, int], vm_port_groups: Mapping[str, list[str]]
) -> list[Problem]:
    """The same agreement, against what vCenter reports after `up`.

    `port_groups`: port group name -> VLAN id as vCenter has it; `vm_port_groups`: VM name -> names of the
    port groups its NICs are on. Every declared port group must carry its segment's VLAN, every workload
    must sit on its segment's port group (and only there).
    """
    dc = design.datacenter
    if dc is None:
        return [Problem((DC,), "the design has no datacenter section")]
    problems: list[Problem] = []
    for index, group in enumerate(dc.port_groups):
        segment = design.segment_by_name[group.segment]
        name = port_group_name(segment)
        live = port_groups.get(name)
        if live is None:
            problems.append(Problem((DC, "port_groups", index), f"port group {name} is missing in vCenter"))
        elif live != segment.vlan:
            problems.append(
                Problem(
                    (DC, "port_groups", index, "segment"),
                    f"port group {name} carries VLAN {live} in vCenter, "
                    f"segment {segment.name} has VLAN {segment.vlan}",
                )
            )
    for index, vm in enumerate(dc.workloads):
        wanted = port_group_name(design.segment_by_name[vm.segment])
        live_groups = vm_port_groups.get(vm.name)
        if live_groups is None:
            problems.append(Problem((DC, "workloads", index), f"VM {vm.name} is missing in vCenter"))
        elif live_groups != [wanted]:
            problems.append(
                Problem(
                    (DC, "workloads", index, "segment"),
                    f"VM {vm.name} is on {', '.join(live_groups) or 'no port group'} in vCenter, "
                    f"its segment {vm.segment} is on {wanted}",
                )
            )
    return problems
