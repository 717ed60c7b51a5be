"""What differs between stacks: the `fundament:*` keys of Pulumi.<stack>.yaml."""

from typing import Literal

import pulumi
from pydantic import Field

from inventory.model.datacenter import Disk, ResourcePool, Workload
from inventory.types import Model

LAB_LIMITS = {"cpus": 2, "memory_mb": 2048, "disk_gb": 16}
"""A nested or simulated vSphere lab holds every workload only when each is shrunk to this."""


class StackSettings(Model):
    sizing: Literal["full", "lab"] = Field(
        default="full", description="full: sizes from the inventory; lab: every VM shrunk to LAB_LIMITS"
    )
    backend: Literal["vsphere", "vcsim"] = Field(
        default="vsphere",
        description="vsphere: a vCenter through pulumi_vsphere; vcsim: the lab's simulator (infra sim up)",
    )

    @classmethod
    def from_config(cls) -> "StackSettings":
        config = pulumi.Config("fundament")
        values = {key: value for key in cls.model_fields if (value := config.get(key)) is not None}
        return cls.model_validate(values)

    def size(self, vm: Workload) -> tuple[int, int, list[Disk]]:
        """cpus, memory (MB) and disks of `vm` on this stack."""
        if self.sizing == "full":
            return vm.cpus, vm.memory_mb, list(vm.disks)
        disks = [
            disk.model_copy(update={"size_gb": min(disk.size_gb, LAB_LIMITS["disk_gb"])}) for disk in vm.disks
        ]
        return min(vm.cpus, LAB_LIMITS["cpus"]), min(vm.memory_mb, LAB_LIMITS["memory_mb"]), disks

    def reservations(self, pool: ResourcePool) -> tuple[int, int]:
        """cpu (MHz) and memory (MB) reserved for `pool` on this stack: a lab has nothing to spare."""
        if self.sizing == "full":
            return pool.cpu_reservation_mhz, pool.memory_reservation_mb
        return 0, 0
