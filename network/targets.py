"""Where `fundament net` acts: the containerlab lab (every device as frr) or production (designed platforms).

The one place that turns a target into a rendering platform, a Nornir (one builder for both targets, and the
one registration of Nornir's connection plugins) and a way to observe the network.
Nornir, NAPALM and paramiko take seconds to import, so they load only when a command really connects.
"""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from fundament import secrets
from inventory.model import Design, Platform
from network.platforms import PLATFORMS

if TYPE_CHECKING:
    from nornir.core import Nornir
    from nornir.core.inventory import Inventory

    from network.verify.reach import LiveReach


class Target(StrEnum):
    LAB = "lab"
    """Every device runs the lab platform (frr); endpoints are the lab's test hosts."""
    PRODUCTION = "production"
    """Every device runs its designed platform; there are no test hosts."""


def platform_for(design: Design, target: Target, device: str) -> Platform:
    return Platform.FRR if target is Target.LAB else design.device_by_name[device].platform


class DesignInventory:
    """A Nornir inventory plugin (`load()`): one host per design device at its management address, with the
    NAPALM and netmiko platforms of what it runs on the target, grouped by role (`role-<role>`) and site
    (`site-<site>`). The lab is checked to run the design first; production logs in with
    FUNDAMENT_NET_USERNAME / FUNDAMENT_NET_PASSWORD (environment or vault), the lab with the lab login."""

    def __init__(self, design: Design, target: Target, clab_inventory: Path | None = None) -> None:
        self.design = design
        self.target = target
        self.clab_inventory = clab_inventory
        """containerlab's inventory of the running lab (default: the one `fundament lab up` produced)."""

    def load(self) -> "Inventory":
        from nornir.core.inventory import (
            ConnectionOptions,
            Defaults,
            Group,
            Groups,
            Host,
            Hosts,
            Inventory,
            ParentGroups,
        )

        options: dict[str, ConnectionOptions] = {}
        if self.target is Target.LAB:
            from network.lab.clab_inventory import LAB_COMMAND_TIMEOUT, LAB_LOGIN_TIMEOUT, check_deployed
            from network.lab.ready import lab_credentials

            check_deployed(self.design, self.clab_inventory)
            username, password = lab_credentials()
            extras = {"timeout": LAB_COMMAND_TIMEOUT, "optional_args": {"conn_timeout": LAB_LOGIN_TIMEOUT}}
            options["napalm"] = ConnectionOptions(extras=extras)
        else:
            username = secrets.resolve("FUNDAMENT_NET_USERNAME").get_secret_value()
            password = secrets.resolve("FUNDAMENT_NET_PASSWORD").get_secret_value()
        defaults = Defaults(username=username, password=password, connection_options=options)
        groups = Groups()
        hosts = Hosts()
        for device in self.design.devices:
            parents = []
            for name, data in (
                (f"role-{device.role.value}", {"role": device.role.value}),
                (f"site-{device.site}", {"site": device.site}),
            ):
                parents.append(groups.setdefault(name, Group(name, data=data, defaults=defaults)))
            spec = PLATFORMS[platform_for(self.design, self.target, device.name)]
            hosts[device.name] = Host(
                device.name,
                hostname=str(device.mgmt_ipv4.ip),
                platform=spec.driver,
                groups=ParentGroups(parents),
                data={"role": device.role.value, "site": device.site},
                connection_options={"netmiko": ConnectionOptions(platform=spec.netmiko)},
                defaults=defaults,
            )
        return Inventory(hosts=hosts, groups=groups, defaults=defaults)


def nornir_for(
    design: Design,
    target: Target,
    devices: list[str] | None = None,
    workers: int = 20,
    clab_inventory: Path | None = None,
) -> "Nornir":
    """The one Nornir of the target (over the selected `devices`; None: all), with the installed connection
    plugins registered (what InitNornir would do)."""
    from nornir.core import Nornir
    from nornir.core.plugins.connections import ConnectionPluginRegister
    from nornir.plugins.runners import ThreadedRunner

    # nornir_napalm's "napalm" and nornir_netmiko's "netmiko" connections, from their entry points
    ConnectionPluginRegister.auto_register()
    nr = Nornir(
        inventory=DesignInventory(design, target, clab_inventory).load(), runner=ThreadedRunner(workers)
    )
    if devices is None:
        return nr
    wanted = set(devices)
    return nr.filter(filter_func=lambda host: host.name in wanted)


@contextmanager
def closing(nr: "Nornir") -> Iterator["Nornir"]:
    """`nr`, with every connection it opened closed afterwards, whatever happened."""
    try:
        yield nr
    finally:
        nr.close_connections(on_failed=True)


def connected(
    design: Design, target: Target, devices: list[str], workers: int = 20
) -> AbstractContextManager["Nornir"]:
    """`nornir_for`, with every connection it opened closed afterwards, whatever happened."""
    return closing(nornir_for(design, target, devices, workers))


def reach_for(design: Design, target: Target) -> "LiveReach":
    """How checks observe the target: NAPALM getters on every device, plus the lab's test hosts."""
    from network.verify.reach import LiveReach, NornirConnections

    endpoints: dict[str, str] = {}
    if target is Target.LAB:
        from network.lab.topology import endpoint_mgmt_addresses

        endpoints = {name: str(address) for name, address in endpoint_mgmt_addresses(design).items()}
    return LiveReach(NornirConnections(nornir_for(design, target)), endpoints)
