"""An existing cluster, referenced by name, and the resource pools infra/ creates under its root pool."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend
from inventory.model.datacenter import ResourcePool


@dataclass(frozen=True)
class ClusterArgs:
    backend: Backend
    datacenter_id: pulumi.Input[str]
    name: str
    hosts: Sequence[str]
    datastores: Sequence[str]
    resource_pools: Sequence[ResourcePool]
    reservations: Mapping[str, tuple[int, int]]
    """pool name -> (cpu MHz, memory MB) reserved on this stack"""


class Cluster(pulumi.ComponentResource):
    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:Cluster", name, None, opts)
        backend = args.backend
        self.cluster_id, root_pool_id = backend.cluster(args.name, args.datacenter_id, self)
        self.host_ids: list[pulumi.Output[str]] = [
            backend.host_id(host, args.datacenter_id, self) for host in args.hosts
        ]
        self.datastore_ids: dict[str, pulumi.Output[str]] = {
            store: backend.datastore_id(store, args.datacenter_id, self) for store in args.datastores
        }
        self.pool_ids: dict[str, pulumi.Output[str]] = {}
        for pool in args.resource_pools:
            self.pool_ids[pool.name] = backend.resource(
                "ResourcePool",
                pool.name,
                {
                    "name": pool.name,
                    "parent_resource_pool_id": root_pool_id,
                    "cpu_share_level": pool.cpu_shares,
                    "memory_share_level": pool.memory_shares,
                    "cpu_reservation": args.reservations[pool.name][0],
                    "memory_reservation": args.reservations[pool.name][1],
                    # Reservations are floors, not ceilings: pools may borrow from the cluster.
                    "cpu_expandable": True,
                    "memory_expandable": True,
                },
                self,
            ).id
        self.register_outputs({"cluster_id": self.cluster_id, "resource_pools": self.pool_ids})
