"""A distributed switch over every host of its clusters, each host backing the uplinks with its NICs."""

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from infra.backends import Backend


@dataclass(frozen=True)
class SwitchArgs:
    backend: Backend
    datacenter_id: pulumi.Input[str]
    name: str
    mtu: int
    uplinks: Sequence[str]
    host_nics: Sequence[str]
    host_ids: Sequence[pulumi.Input[str]]


class Switch(pulumi.ComponentResource):
    def __init__(self, name: str, args: SwitchArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("fundament:infra:Switch", name, None, opts)
        switch = args.backend.resource(
            "DistributedVirtualSwitch",
            args.name,
            {
                "name": args.name,
                "datacenter_id": args.datacenter_id,
                "max_mtu": args.mtu,
                "uplinks": list(args.uplinks),
                "active_uplinks": list(args.uplinks),
                "hosts": [
                    {"host_system_id": host, "devices": list(args.host_nics)} for host in args.host_ids
                ],
                # The leaves speak LLDP; CDP would leave them blind to the hosts.
                "link_discovery_protocol": "lldp",
                "link_discovery_operation": "both",
            },
            self,
        )
        self.switch_id: pulumi.Output[str] = switch.id
        self.register_outputs({"switch_id": self.switch_id})
