"""The live lab for every lab test: one session-scoped `lab` fixture.

The fixture brings the sample lab up with `fundament lab up`'s own code (a quick readiness check when it
already runs) and destroys it when the session ends, unless FUNDAMENT_KEEP_LAB=1, or another test session
on this machine still uses it: every session holds a locked lease file, and the last one out tears the
lab down (a crashed session's lock vanishes with its process).
"""

import fcntl
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from nornir.core import Nornir

from inventory import Design, load_design
from network.lab import control
from network.lab.ready import run_over_ssh
from network.lab.topology import LabNode, NodeKind, Runtime, lab_name, lab_nodes
from network.lifecycle.outcome import CheckVerdict
from network.targets import Target, nornir_for

# The order the lab modules run in within a session. Modules that bring up their own containers or
# machines come first, before the 26 lab machines boot (ci/test.sh runs the datacenter and workplace ones
# in a session of their own beside the lab); then the lab's state flows: day-0 checks, the migrations take
# it to the whole design, the applied-state tests, and down to zero last.
MODULE_ORDER = (
    "test_machine_kernel.py",
    "test_render_frr.py",
    "test_render_campus.py",
    "test_underlay_routing.py",
    "test_infra_engine.py",
    "test_workplace_image.py",
    "test_workplace_machine.py",
    "test_lab.py",
    "test_napalm_frr_live.py",
    "test_migrate_lab.py",
    "test_lifecycle_lab.py",
    "test_verify_lab.py",
    "test_zones_lab.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    unplaced = {i.path.name for i in items if i.path.parent == here and i.path.name not in MODULE_ORDER}
    if unplaced:
        raise pytest.UsageError(f"tests/lab/conftest.py: place {sorted(unplaced)} in MODULE_ORDER")

    def rank(item: pytest.Item) -> int:
        return MODULE_ORDER.index(item.path.name) + 1 if item.path.parent == here else 0

    items.sort(key=rank)


def _leases(design: Design) -> Path:
    return Path(tempfile.gettempdir()) / f"{lab_name(design)}-lab-sessions"


@dataclass(frozen=True)
class Lab:
    """The running lab as tests see it."""

    design: Design
    nodes: dict[str, LabNode]
    """The switches (one per design device), by name; `mgmt_ipv4` is where to connect."""
    hosts: dict[str, LabNode]
    """The test hosts (design endpoints), by name."""
    firewalls: dict[str, LabNode]
    """The design's policy point between zones, when it names one."""
    runtime: Runtime
    """Whether the nodes run as machines (own kernel) or containers."""

    def node(self, name: str) -> LabNode:
        return self.nodes.get(name) or self.firewalls.get(name) or self.hosts[name]

    def ssh(self, name: str, command: str, timeout: float = 10.0) -> tuple[int, str]:
        """Run `command` on a switch or test host as the lab user: (exit status, stdout)."""
        return run_over_ssh(self.node(name), command, timeout)

    def nornir(self) -> Nornir:
        """Nornir over the lab's switches (platform frr, credentials from the environment)."""
        return nornir_for(self.design, Target.LAB)


def unjudged(devices: list[str]) -> dict[str, CheckVerdict]:
    """Post-checks that pass every device unjudged: for a commit made past fundament's checks."""
    return {name: CheckVerdict(device=name, passed=True, summary="not judged") for name in devices}


def _held_by_another_session(lease: Path) -> bool:
    """A session holds an flock on its lease while it runs; the kernel drops it when the process ends."""
    with lease.open("a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    design = load_design()
    leases = _leases(design)
    leases.mkdir(exist_ok=True)
    # The lease exists before the lab is brought up, so no other session's teardown can take it away.
    with tempfile.NamedTemporaryFile(dir=leases, prefix="session-", suffix=".lease") as lease:
        fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
        try:
            control.up(design)
        except control.LabError as error:
            pytest.fail(f"the lab did not come up: {error}", pytrace=False)
        nodes = lab_nodes(design)
        yield Lab(
            design=design,
            nodes={node.name: node for node in nodes if node.kind is NodeKind.SWITCH},
            hosts={node.name: node for node in nodes if node.kind is NodeKind.HOST},
            firewalls={node.name: node for node in nodes if node.kind is NodeKind.FIREWALL},
            runtime=control.runtime().runtime,
        )
    with control.lab_lock(design):
        in_use = False
        for other in leases.glob("session-*.lease"):
            if _held_by_another_session(other):
                in_use = True
            else:
                other.unlink(missing_ok=True)
        if os.environ.get("FUNDAMENT_KEEP_LAB") != "1" and not in_use:
            control.down(design)
