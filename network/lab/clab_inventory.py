"""Whether the lab runs the design: containerlab's generated Nornir inventory, checked against it.

containerlab writes `nornir-simple-inventory.yml` on every deploy; only its addresses are read. The design
says what each device is and where it answers (network.targets builds the one Nornir from it).
"""

from ipaddress import IPv4Address
from pathlib import Path

import yaml
from pydantic import ValidationError

from fundament.errors import FundamentError
from inventory.model import Design
from inventory.types import Model
from network.lab.control import clab_dir

# A lab node may be a user-mode Linux guest on a loaded machine: logging in and a restore (ifreload, FRR
# restart) can take minutes there. Waiting longer costs nothing when it is fast.
LAB_COMMAND_TIMEOUT = 300
LAB_LOGIN_TIMEOUT = 60


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


def check_deployed(design: Design, clab_inventory: Path | None = None) -> None:
    """Every design device (test hosts are not devices) runs in the lab at its designed management address;
    `clab_inventory` defaults to the one `fundament lab up` produced."""
    path = clab_inventory or clab_dir(design) / "nornir-simple-inventory.yml"
    found = read_clab_inventory(path)
    problems = []
    for device in design.devices:
        entry = found.get(device.name)
        if entry is None:
            problems.append(f"{device.name} is not in the lab")
        elif entry.hostname != device.mgmt_ipv4.ip:
            problems.append(f"{device.name} runs at {entry.hostname}, the design says {device.mgmt_ipv4.ip}")
    if problems:
        raise LabInventoryError(
            f"{path} does not match the design (redeploy with fundament lab up): " + "; ".join(problems)
        )
