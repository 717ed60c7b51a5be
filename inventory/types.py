"""Constrained types reused by every model (and by the domains that read the design), and their strict base
(fundament.model)."""

import ipaddress
from typing import Annotated

from pydantic import Field, StringConstraints

from fundament.model import Model as Model

VlanId = Annotated[int, Field(ge=1, le=4094, description="802.1Q VLAN id")]
Vni = Annotated[int, Field(ge=1, le=16_777_215, description="VXLAN network identifier")]
Asn = Annotated[int, Field(ge=1, le=4_294_967_295, description="BGP autonomous system number")]
Name = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,62}$"),
    Field(description="lower-case name: letters, digits and dashes, starting with a letter"),
]
InterfaceName = Annotated[
    str,
    StringConstraints(pattern=r"^eth[1-9][0-9]{0,2}$"),
    Field(description="design interface name (eth1..eth999); each platform maps it to its own naming"),
]
Mtu = Annotated[int, Field(ge=1280, le=9216)]
MacAddress = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$"),
    Field(description="MAC address, lower-case hex pairs separated by colons"),
]

IPv4Network = ipaddress.IPv4Network
IPv4Address = ipaddress.IPv4Address
IPv4Interface = ipaddress.IPv4Interface
