"""The relocated datacenter as vSphere sees it: consumed by infra/ (Pulumi).

Only what the datacenter adds lives here. VLANs, subnets and zones come from the network's segments
(`Design.segments`), BIO classifications from the segment's zone (`Design.security.zones`); infra/ joins
them and checks that both halves agree before it declares anything.
"""

from typing import Literal

from pydantic import Field

from inventory.types import IPv4Interface, Model, Name

ShareLevel = Literal["low", "normal", "high"]


class Cluster(Model):
    """An existing vSphere cluster: referenced by name, not created (its hosts are racked and joined)."""

    name: Name
    hosts: list[str] = Field(min_length=1, description="ESXi host names as registered in vCenter")
    leaves: list[Name] = Field(
        min_length=1,
        description="fabric leaves the hosts' uplinks are cabled to: every port group must reach them",
    )


class Datastore(Model):
    """An existing datastore, mounted on the hosts of one cluster."""

    name: Name
    cluster: Name
    capacity_gb: int = Field(gt=0, description="usable capacity; the workloads' disks must fit in it")


class DistributedSwitch(Model):
    """A distributed switch over every host of its clusters."""

    name: Name
    clusters: list[Name] = Field(min_length=1)
    mtu: int = Field(default=9000, ge=1500, le=9000)
    uplinks: list[str] = Field(min_length=1, description="uplink port names of the switch")
    host_nics: list[str] = Field(
        min_length=1, description="physical NICs (vmnicN) of every host that back the uplinks, in order"
    )


class PortGroup(Model):
    """A distributed port group carrying one network segment; its VLAN and zone come from the segment."""

    segment: Name
    switch: Name
    description: str = ""


class ResourcePool(Model):
    """A resource pool under a cluster's root pool: how workloads share the cluster under contention."""

    name: Name
    cluster: Name
    cpu_shares: ShareLevel = "normal"
    memory_shares: ShareLevel = "normal"
    cpu_reservation_mhz: int = Field(default=0, ge=0)
    memory_reservation_mb: int = Field(default=0, ge=0)


class Owner(Model):
    """A team that answers for workloads (tagged on every VM it owns)."""

    name: Name
    description: str


class Disk(Model):
    size_gb: int = Field(gt=0, le=8192)
    thin: bool = True


class Workload(Model):
    """A VM that moves to the new datacenter, attached to one segment."""

    name: Name
    description: str = ""
    cluster: Name
    resource_pool: Name
    datastore: Name
    segment: Name
    ipv4: IPv4Interface = Field(description="address in the segment's subnet, with its prefix length")
    cpus: int = Field(ge=1, le=64)
    memory_mb: int = Field(ge=512, le=1_048_576)
    disks: list[Disk] = Field(min_length=1)
    guest_id: str = Field(default="debian12_64Guest", description="vSphere guest OS identifier")
    owner: Name
    migration_wave: int = Field(ge=1, le=20)


class Datacenter(Model):
    name: str = Field(description="vSphere datacenter object name")
    site: Name = Field(description="the design's site of kind datacenter that houses the hosts")
    vcenter: str = Field(description="vCenter server name; credentials come from Pulumi config or env")
    vm_folder: Name = Field(description="top VM folder; one sub-folder per zone below it")
    distributed_switches: list[DistributedSwitch] = Field(min_length=1)
    clusters: list[Cluster] = Field(min_length=1)
    datastores: list[Datastore] = Field(min_length=1)
    resource_pools: list[ResourcePool] = Field(min_length=1)
    port_groups: list[PortGroup] = Field(min_length=1)
    owners: list[Owner] = Field(min_length=1)
    workloads: list[Workload] = []
