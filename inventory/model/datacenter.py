"""The relocated datacenter as vSphere sees it: consumed by infra/ (Pulumi)."""

from pydantic import Field

from inventory.types import Model, Name


class Cluster(Model):
    name: Name
    hosts: list[str] = Field(min_length=1, description="ESXi host names as registered in vCenter")
    ha: bool = True
    drs: bool = True


class Datastore(Model):
    name: Name
    cluster: Name
    capacity_gb: int = Field(gt=0)


class DistributedSwitch(Model):
    name: Name
    mtu: int = Field(default=9000, ge=1500, le=9000)
    uplinks: list[str] = Field(min_length=1)


class PortGroup(Model):
    """A distributed port group carrying one network segment (its VLAN comes from the segment)."""

    segment: Name


class Disk(Model):
    size_gb: int = Field(gt=0, le=8192)
    thin: bool = True


class Workload(Model):
    """A VM that moves to the new datacenter, attached to one segment."""

    name: Name
    description: str = ""
    cluster: Name
    datastore: Name
    segment: Name
    cpus: int = Field(ge=1, le=64)
    memory_mb: int = Field(ge=512, le=1_048_576)
    disks: list[Disk] = Field(min_length=1)
    guest_id: str = "debian12_64Guest"
    owner: Name
    migration_wave: int = Field(ge=1, le=20)


class Datacenter(Model):
    name: str = Field(description="vSphere datacenter object name")
    site: Name
    vcenter: str = Field(description="vCenter server name; credentials come from Pulumi config or env")
    distributed_switch: DistributedSwitch
    clusters: list[Cluster] = Field(min_length=1)
    datastores: list[Datastore] = Field(min_length=1)
    port_groups: list[PortGroup] = Field(min_length=1)
    workloads: list[Workload] = []
