"""Nornir for the lab, from the design plus containerlab's generated inventory: no inventory files to write.

containerlab's `nornir-simple-inventory.yml` says where each node really is (its management address);
the design says what each device is (role, site). Credentials come from fundament.secrets, never from a file.
"""

from ipaddress import IPv4Address
from pathlib import Path

import yaml
from nornir.core import Nornir
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
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.plugins.runners import ThreadedRunner
from pydantic import ValidationError

from fundament.errors import FundamentError
from inventory.model import Design, Platform
from inventory.types import Model
from network.lab.control import clab_dir
from network.lab.ready import lab_credentials
from network.platforms import PLATFORMS

# Netmiko has no FRR type; its Linux type runs vtysh.
NETMIKO_PLATFORM = "linux"


class LabInventoryError(FundamentError, RuntimeError):
    """containerlab's inventory is missing or does not match the design."""


class ClabNornirHost(Model):
    """One entry of containerlab's nornir-simple-inventory.yml (credentials there are empty for our nodes)."""

    hostname: IPv4Address
    username: str | None = None
    password: str | None = None
    platform: str | None = None
    groups: list[str] = []


def read_clab_inventory(path: Path) -> dict[str, ClabNornirHost]:
    if not path.is_file():
        raise LabInventoryError(f"{path} does not exist: bring the lab up first (fundament lab up)")
    raw = yaml.safe_load(path.read_text()) or {}
    try:
        return {str(name): ClabNornirHost.model_validate(entry) for name, entry in raw.items()}
    except (ValidationError, AttributeError) as error:
        raise LabInventoryError(f"{path} is not a containerlab Nornir inventory: {error}") from error


def role_group(role: str) -> str:
    return f"role-{role}"


def site_group(site: str) -> str:
    return f"site-{site}"


def build_inventory(design: Design, clab_inventory: Path) -> Inventory:
    """One host per design device (test hosts are not devices), grouped by role and by site."""
    found = read_clab_inventory(clab_inventory)
    user, password = lab_credentials()
    defaults = Defaults(
        username=user,
        password=password,
        platform=PLATFORMS[Platform.FRR].driver,
        connection_options={"netmiko": ConnectionOptions(platform=NETMIKO_PLATFORM)},
    )
    groups = Groups()
    for device in design.devices:
        for name, data in (
            (role_group(device.role.value), {"role": device.role.value}),
            (site_group(device.site), {"site": device.site}),
        ):
            groups.setdefault(name, Group(name, data=data, defaults=defaults))
    hosts = Hosts()
    problems = []
    for device in design.devices:
        entry = found.get(device.name)
        if entry is None:
            problems.append(f"{device.name} is not in the lab")
            continue
        if entry.hostname != device.mgmt_ipv4.ip:
            problems.append(f"{device.name} runs at {entry.hostname}, the design says {device.mgmt_ipv4.ip}")
            continue
        hosts[device.name] = Host(
            device.name,
            hostname=str(entry.hostname),
            groups=ParentGroups([groups[role_group(device.role.value)], groups[site_group(device.site)]]),
            data={"role": device.role.value, "site": device.site},
            defaults=defaults,
        )
    if problems:
        raise LabInventoryError(
            f"{clab_inventory} does not match the design (redeploy with fundament lab up): "
            + "; ".join(problems)
        )
    return Inventory(hosts=hosts, groups=groups, defaults=defaults)


def lab_nornir(design: Design, clab_inventory: Path | None = None, num_workers: int = 20) -> Nornir:
    """A Nornir for the running lab; `clab_inventory` defaults to the one `fundament lab up` produced."""
    path = clab_inventory or clab_dir(design) / "nornir-simple-inventory.yml"
    # What InitNornir would do: make the installed connection plugins (napalm, netmiko) available.
    ConnectionPluginRegister.auto_register()
    return Nornir(inventory=build_inventory(design, path), runner=ThreadedRunner(num_workers))
