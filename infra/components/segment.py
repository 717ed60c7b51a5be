"""A network segment of the design as a distributed port group: same VLAN, same zone."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend


@dataclass(frozen=True)
class SegmentArgs:
    backend: Backend
    switch_id: pulumi.Input[str]
    port_group: str
    vlan: int
    description: str
    tag_ids: Sequence[pulumi.Input[str]]


class Segment(pulumi.ComponentResource):
    def __init__(self, name: str, args: SegmentArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:Segment", name, None, opts)
        group = args.backend.resource(
            "DistributedPortGroup",
            args.port_group,
            {
                "name": args.port_group,
                "distributed_virtual_switch_uuid": args.switch_id,
                "vlan_id": args.vlan,
                "description": args.description,
                "tags": list(args.tag_ids),
                # A VM sees only its own traffic and keeps the MAC vCenter gave it.
                "allow_promiscuous": False,
                "allow_forged_transmits": False,
                "allow_mac_changes": False,
            },
            self,
        )
        self.port_group_id: pulumi.Output[str] = group.id
        self.register_outputs(
            {"port_group_id": self.port_group_id, "name": args.port_group, "vlan": args.vlan}
        )
