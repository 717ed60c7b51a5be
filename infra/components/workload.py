"""A relocated workload as a VM: sized, placed, tagged and attached to its segment's port group."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend
from inventory.model.datacenter import Disk


@dataclass(frozen=True)
class WorkloadArgs:
    backend: Backend
    name: str
    annotation: str
    resource_pool_id: pulumi.Input[str]
    datastore_id: pulumi.Input[str]
    folder: pulumi.Input[str]
    network_id: pulumi.Input[str]
    cpus: int
    memory_mb: int
    disks: Sequence[Disk]
    guest_id: str
    tag_ids: Sequence[pulumi.Input[str]]


class Workload(pulumi.ComponentResource):
    def __init__(self, name: str, args: WorkloadArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:Workload", name, None, opts)
        vm = args.backend.resource(
            "VirtualMachine",
            args.name,
            {
                "name": args.name,
                "annotation": args.annotation,
                "resource_pool_id": args.resource_pool_id,
                "datastore_id": args.datastore_id,
                "folder": args.folder,
                "num_cpus": args.cpus,
                "memory": args.memory_mb,
                "guest_id": args.guest_id,
                "firmware": "efi",
                "efi_secure_boot_enabled": True,
                "scsi_type": "pvscsi",
                "enable_disk_uuid": True,
                "network_interfaces": [{"network_id": args.network_id, "adapter_type": "vmxnet3"}],
                "disks": [
                    {
                        "label": f"disk{unit}",
                        "size": disk.size_gb,
                        "thin_provisioned": disk.thin,
                        "unit_number": unit,
                    }
                    for unit, disk in enumerate(args.disks)
                ],
                "tags": list(args.tag_ids),
                # The OS arrives with the migrated disks, not from Pulumi: there is no guest to wait for.
                "wait_for_guest_net_timeout": 0,
            },
            self,
        )
        self.vm_id: pulumi.Output[str] = vm.id
        self.register_outputs({"vm_id": self.vm_id})
