"""The datacenter program: the inventory's datacenter section declared as vSphere resources.

`declare` is the whole program for one design and stack, whichever backend receives it (a real vCenter
through `pulumi_vsphere`, or vcsim through the project's dynamic resources: `infra/backends.py`). The
Pulumi engine runs it inline (`infra/engine.py`); `fundament infra plan` and the unit tests run it under
Pulumi's mock runtime.
"""

from typing import Any

import pulumi

from infra import consistency
from infra.backends import Backend, VsphereBackend
from infra.components import (
    Cluster,
    ClusterArgs,
    Segment,
    SegmentArgs,
    Switch,
    SwitchArgs,
    TagCategorySpec,
    Taxonomy,
    TaxonomyArgs,
    Workload,
    WorkloadArgs,
    ZoneFolders,
    ZoneFoldersArgs,
)
from infra.naming import BIO, OWNER, WAVE, ZONE, port_group_name, wave_tag
from infra.settings import StackSettings
from inventory import Design, LoadedDesign, load
from inventory.model import Datacenter

PROJECT = "fundament-datacenter"
"""The Pulumi project name (infra/Pulumi.yaml)."""


def main() -> None:
    """The program as the engine runs it: load and check the design, declare it, export the outputs."""
    loaded = load()
    verify(loaded)
    export(loaded.design)


def export(design: Design) -> None:
    """Declare `design` with the stack's settings and backend and export the outputs."""
    for key, value in declare(design, StackSettings.from_config()).items():
        pulumi.export(key, value)


def verify(loaded: LoadedDesign) -> None:
    """Refuse a design whose datacenter disagrees with its network (raises `inventory.DesignError`)."""
    loaded.fail_on(consistency.check(loaded.design))


def backend_for(dc: Datacenter, settings: StackSettings) -> Backend:
    if settings.backend == "vcsim":
        # Imported here: pyVmomi is needed only when the simulator is the target.
        from infra.simulated import SimBackend

        return SimBackend()
    return VsphereBackend(dc)


def declare(design: Design, settings: StackSettings, backend: Backend | None = None) -> dict[str, Any]:
    """Declare every resource of the datacenter; returns the stack outputs other domains read."""
    dc = design.datacenter
    if dc is None:
        raise ValueError("the design has no datacenter section")
    backend = backend or backend_for(dc, settings)
    with_provider = backend.options()
    datacenter_id = backend.datacenter_id(dc.name)

    segments = {group.segment: design.segment_by_name[group.segment] for group in dc.port_groups}
    zones = {zone.name: zone for zone in design.security.zones}
    used_zones = sorted({segment.zone for segment in segments.values()})
    taxonomy = Taxonomy(
        "tags",
        TaxonomyArgs(
            backend=backend,
            categories=[
                TagCategorySpec(
                    ZONE,
                    "Security zone of the network segment",
                    ["VirtualMachine", "DistributedVirtualPortgroup", "Folder"],
                    {zone: zones[zone].description for zone in used_zones},
                ),
                TagCategorySpec(
                    BIO,
                    "BIO basic security level (BBN) of the zone",
                    ["VirtualMachine", "DistributedVirtualPortgroup", "Folder"],
                    {
                        level: f"BIO {level}"
                        for level in sorted({zones[z].bio_classification for z in used_zones})
                    },
                ),
                TagCategorySpec(
                    OWNER,
                    "Team that answers for the workload",
                    ["VirtualMachine"],
                    {o.name: o.description for o in dc.owners},
                ),
                TagCategorySpec(
                    WAVE,
                    "Migration wave that moved the workload",
                    ["VirtualMachine"],
                    {
                        wave_tag(w): f"Migration wave {w}"
                        for w in sorted({vm.migration_wave for vm in dc.workloads})
                    },
                ),
            ],
        ),
        with_provider,
    )

    def zone_tags(zone: str) -> list[pulumi.Output[str]]:
        return [taxonomy.tag_id(ZONE, zone), taxonomy.tag_id(BIO, zones[zone].bio_classification)]

    folders = ZoneFolders(
        "folders",
        ZoneFoldersArgs(backend, datacenter_id, dc.vm_folder, {zone: zone_tags(zone) for zone in used_zones}),
        with_provider,
    )
    clusters = {
        cluster.name: Cluster(
            cluster.name,
            ClusterArgs(
                backend=backend,
                datacenter_id=datacenter_id,
                name=cluster.name,
                hosts=cluster.hosts,
                datastores=[store.name for store in dc.datastores if store.cluster == cluster.name],
                resource_pools=[pool for pool in dc.resource_pools if pool.cluster == cluster.name],
                reservations={pool.name: settings.reservations(pool) for pool in dc.resource_pools},
            ),
            with_provider,
        )
        for cluster in dc.clusters
    }
    switches = {
        switch.name: Switch(
            switch.name,
            SwitchArgs(
                backend=backend,
                datacenter_id=datacenter_id,
                name=switch.name,
                mtu=switch.mtu,
                uplinks=switch.uplinks,
                host_nics=switch.host_nics,
                host_ids=[host for name in switch.clusters for host in clusters[name].host_ids],
            ),
            with_provider,
        )
        for switch in dc.distributed_switches
    }
    port_groups = {
        group.segment: Segment(
            group.segment,
            SegmentArgs(
                backend=backend,
                switch_id=switches[group.switch].switch_id,
                port_group=port_group_name(segments[group.segment]),
                vlan=segments[group.segment].vlan,
                description=group.description or segments[group.segment].description,
                tag_ids=zone_tags(segments[group.segment].zone),
            ),
            pulumi.ResourceOptions(parent=switches[group.switch]),
        )
        for group in dc.port_groups
    }
    workloads = {}
    for vm in dc.workloads:
        zone = segments[vm.segment].zone
        cpus, memory_mb, disks = settings.size(vm)
        workloads[vm.name] = Workload(
            vm.name,
            WorkloadArgs(
                backend=backend,
                name=vm.name,
                annotation=f"{vm.description}\nOwner: {vm.owner}. Migration wave {vm.migration_wave}. "
                "Managed by fundament (infra/): change the inventory, not vCenter.",
                resource_pool_id=clusters[vm.cluster].pool_ids[vm.resource_pool],
                datastore_id=clusters[vm.cluster].datastore_ids[vm.datastore],
                folder=folders.paths[zone],
                network_id=port_groups[vm.segment].port_group_id,
                cpus=cpus,
                memory_mb=memory_mb,
                disks=disks,
                guest_id=vm.guest_id,
                tag_ids=[
                    *zone_tags(zone),
                    taxonomy.tag_id(OWNER, vm.owner),
                    taxonomy.tag_id(WAVE, wave_tag(vm.migration_wave)),
                ],
            ),
            with_provider,
        )
    return {
        "port_groups": {
            name: {
                "name": port_group_name(segments[name]),
                "vlan": segments[name].vlan,
                "id": group.port_group_id,
            }
            for name, group in port_groups.items()
        },
        "workloads": {
            vm.name: {
                "id": workloads[vm.name].vm_id,
                "ipv4": str(vm.ipv4),
                "segment": vm.segment,
                "zone": segments[vm.segment].zone,
                "cluster": vm.cluster,
            }
            for vm in dc.workloads
        },
        "folders": folders.paths,
    }
