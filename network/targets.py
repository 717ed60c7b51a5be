"""Where `fundament net` acts: the containerlab lab (every device as frr) or production (designed platforms).

The one place that turns a target into a rendering platform, a Nornir and a way to observe the network.
Nornir, NAPALM and paramiko take seconds to import, so they load only when a command really connects.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING

from fundament import secrets
from inventory.model import Design, Platform
from network.platforms import PLATFORMS

if TYPE_CHECKING:
    from nornir.core import Nornir

    from network.verify.reach import LiveReach


class Target(StrEnum):
    LAB = "lab"
    """Every device runs the lab platform (frr); endpoints are the lab's test hosts."""
    PRODUCTION = "production"
    """Every device runs its designed platform; there are no test hosts."""


def platform_for(design: Design, target: Target, device: str) -> Platform:
    return Platform.FRR if target is Target.LAB else design.device_by_name[device].platform


def _production_nornir(design: Design, workers: int) -> "Nornir":
    """Devices at their management address with their designed platform's NAPALM driver; credentials
    from FUNDAMENT_NET_USERNAME / FUNDAMENT_NET_PASSWORD (environment or vault)."""
    from nornir.core import Nornir
    from nornir.core.inventory import Defaults, Groups, Host, Hosts, Inventory
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.plugins.runners import ThreadedRunner

    ConnectionPluginRegister.auto_register()  # nornir_napalm's "napalm" connection, from its entry point
    defaults = Defaults(
        username=secrets.resolve("FUNDAMENT_NET_USERNAME").get_secret_value(),
        password=secrets.resolve("FUNDAMENT_NET_PASSWORD").get_secret_value(),
    )
    hosts = Hosts(
        {
            device.name: Host(
                device.name,
                hostname=str(device.mgmt_ipv4.ip),
                platform=PLATFORMS[device.platform].driver,
                data={"role": device.role.value, "site": device.site},
                defaults=defaults,
            )
            for device in design.devices
        }
    )
    return Nornir(
        inventory=Inventory(hosts=hosts, groups=Groups(), defaults=defaults), runner=ThreadedRunner(workers)
    )


def nornir_for(design: Design, target: Target, devices: list[str], workers: int = 20) -> "Nornir":
    """A Nornir over the selected devices of the target."""
    if target is Target.LAB:
        from network.lab.nornir_inventory import lab_nornir

        nr = lab_nornir(design, num_workers=workers)
    else:
        nr = _production_nornir(design, workers)
    wanted = set(devices)
    return nr.filter(filter_func=lambda host: host.name in wanted)


@contextmanager
def connected(design: Design, target: Target, devices: list[str], workers: int = 20) -> Iterator["Nornir"]:
    """`nornir_for`, with every connection it opened closed afterwards, whatever happened."""
    nr = nornir_for(design, target, devices, workers)
    try:
        yield nr
    finally:
        nr.close_connections(on_failed=True)


def reach_for(design: Design, target: Target) -> "LiveReach":
    """How checks observe the target: NAPALM getters on every device, plus the lab's test hosts."""
    from network.verify.reach import LiveReach, NornirConnections

    if target is Target.LAB:
        from network.lab.nornir_inventory import lab_nornir
        from network.lab.topology import endpoint_mgmt_addresses

        endpoints = {name: str(address) for name, address in endpoint_mgmt_addresses(design).items()}
        return LiveReach(NornirConnections(lab_nornir(design)), endpoints)
    return LiveReach(NornirConnections(_production_nornir(design, 20)), {})
