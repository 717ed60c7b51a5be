"""The one naming convention of everything infra/ declares in vSphere.

Names the inventory writes carry a prefix per kind; names infra/ derives (port groups, folders, tags)
are built here and nowhere else, so the program, the consistency checks and the policies agree.
"""

import re

from inventory.model import Segment

PREFIXES: dict[str, str] = {
    "clusters": "cl-",
    "distributed_switches": "dvs-",
    "datastores": "ds-",
    "resource_pools": "rp-",
    "owners": "team-",
}
"""Inventory section of the datacenter -> prefix every name in it starts with."""

WORKLOAD_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-[0-9]{2}$")
"""A VM is named after its service plus a two-digit instance number: `zaaksysteem-01`."""

ZONE = "zone"
BIO = "bio-classification"
OWNER = "owner"
WAVE = "migration-wave"


def port_group_name(segment: Segment) -> str:
    """`dpg-0210-server`: the VLAN first, zero-padded, so port groups sort by VLAN in vCenter."""
    return f"dpg-{segment.vlan:04d}-{segment.name}"


def zone_folder(vm_folder: str, zone: str) -> str:
    return f"{vm_folder}/{zone}"


def wave_tag(wave: int) -> str:
    return f"wave-{wave:02d}"
