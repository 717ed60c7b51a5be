"""Bringing the lab up and down with containerlab, and asking Docker what runs. The only module that talks
to containerlab and Docker about the lab."""

import functools
import hashlib
import ipaddress
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from filelock import FileLock

from fundament.console import progress
from fundament.errors import FundamentError
from fundament.machines.images import ImageBuildError, ImageRecipe, ensure_image
from fundament.machines.uml import machine_recipe, uml_missing
from fundament.paths import state_dir
from inventory.model import Design
from network.lab.images import HOST, SWITCH
from network.lab.ready import wait_until_ready
from network.lab.topology import (
    LabImages,
    LabNode,
    Runtime,
    day_zero_files,
    day_zero_path,
    lab_name,
    lab_nodes,
    mgmt_network,
    render,
)

# ci/bootstrap-lab.sh builds containerlab here; a shell that did not source the script lacks it on PATH.
_GO_BIN = Path.home() / "go" / "bin"
# The set-up scripts ship with this package (network/lab/setup/ links to ci/ in the repository); the
# containerlab patches they apply sit beside them in network/lab/containerlab/.
_HERE = Path(__file__).parent
_BOOTSTRAP = _HERE / "setup" / "bootstrap-lab.sh"


class LabError(FundamentError, RuntimeError):
    """The lab could not be brought up, inspected or destroyed; the message says why and what to do."""


def lab_dir() -> Path:
    return state_dir() / "lab"


def topology_file(design: Design) -> Path:
    return lab_dir() / f"{lab_name(design)}.clab.yml"


def clab_dir(design: Design) -> Path:
    """containerlab's own output for the lab (generated inventories, topology data), next to the file."""
    return lab_dir() / f"clab-{lab_name(design)}"


def lab_lock(design: Design) -> FileLock:
    """One deploy or destroy of the lab at a time on this machine: its name, containers and addresses
    are machine-wide. Re-entrant, so a caller may hold it around `up` or `down`."""
    return _lock(lab_name(design))


@functools.cache
def _lock(name: str) -> FileLock:
    return FileLock(str(Path(tempfile.gettempdir()) / f"fundament-lab-{name}.lock"))


def _deployed_stamp(design: Design) -> Path:
    return lab_dir() / f"{lab_name(design)}.deployed.sha256"


def _environment() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{_GO_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CLAB_VERSION_CHECK": "disable",
        "FUNDAMENT_CLAB_PATCHES": str(_HERE / "containerlab"),
    }


def containerlab(*args: str) -> subprocess.CompletedProcess[str]:
    """Run containerlab in the lab directory, where it puts its own lab directory next to the file."""
    binary = shutil.which("containerlab", path=_environment()["PATH"])
    if binary is None:
        raise LabError("containerlab is not installed: run ci/bootstrap-lab.sh")
    lab_dir().mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [binary, *args], cwd=lab_dir(), env=_environment(), capture_output=True, text=True, check=False
    )


def _last_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stderr + result.stdout).strip().splitlines()
    return lines[-1].strip() if lines else f"exit {result.returncode}"


def _fail(action: str, result: subprocess.CompletedProcess[str]) -> LabError:
    tail = "\n".join((result.stderr + result.stdout).strip().splitlines()[-15:])
    return LabError(f"{action} failed (exit {result.returncode}):\n{tail}")


def bootstrap() -> None:
    """Install and start what the lab needs (fast when all is there); ci/bootstrap-lab.sh does the work."""
    result = subprocess.run(
        ["bash", str(_BOOTSTRAP)], env=_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise _fail("ci/bootstrap-lab.sh", result)


@dataclass(frozen=True)
class RuntimeChoice:
    runtime: Runtime
    fallback_reason: str | None
    """Why the nodes run as containers rather than machines; None when they run as machines."""


def runtime_choice() -> RuntimeChoice:
    """How this machine can run the lab's nodes: as machines with their own kernel (user-mode Linux) when
    it has the package, else as containers. FUNDAMENT_LAB_RUNTIME=container chooses containers."""
    chosen = os.environ.get("FUNDAMENT_LAB_RUNTIME", "")
    if chosen == Runtime.CONTAINER:
        return RuntimeChoice(Runtime.CONTAINER, "FUNDAMENT_LAB_RUNTIME=container")
    missing = uml_missing()
    return (
        RuntimeChoice(Runtime.MACHINE, None) if missing is None else RuntimeChoice(Runtime.CONTAINER, missing)
    )


def runtime() -> RuntimeChoice:
    """`runtime_choice()` for running the lab: never a silent fallback to containers in CI (which always
    runs the full-fidelity lab) or when FUNDAMENT_LAB_RUNTIME=machine asks for machines."""
    chosen = os.environ.get("FUNDAMENT_LAB_RUNTIME", "")
    if chosen not in ("", Runtime.MACHINE, Runtime.CONTAINER):
        raise LabError(f"FUNDAMENT_LAB_RUNTIME={chosen!r}: use machine or container")
    choice = runtime_choice()
    wants_machines = chosen == Runtime.MACHINE or (not chosen and os.environ.get("CI") == "true")
    if wants_machines and choice.runtime is Runtime.CONTAINER:
        raise LabError(f"the full-fidelity lab cannot run: {choice.fallback_reason}")
    return choice


def _recipes(choice: Runtime) -> tuple[ImageRecipe, ImageRecipe]:
    """(switch, host) recipes for the runtime."""
    if choice is Runtime.MACHINE:
        return machine_recipe(SWITCH), machine_recipe(HOST)
    return SWITCH, HOST


def images() -> LabImages:
    """The lab's images for this machine's runtime, built first when this machine does not have them."""
    chosen = runtime().runtime
    switch, host = _recipes(chosen)
    try:
        return LabImages(switch=ensure_image(switch), host=ensure_image(host), runtime=chosen)
    except ImageBuildError as error:
        raise LabError(f"building the lab images failed: {error}") from error


def write_topology(design: Design, output: Path | None = None) -> Path:
    """Write the topology file (image tags from the recipes; nothing is built), and beside it the files
    it hands to machine nodes; return its path."""
    path = output or topology_file(design)
    path.parent.mkdir(parents=True, exist_ok=True)
    chosen = runtime().runtime
    switch, host = _recipes(chosen)
    if chosen is Runtime.MACHINE:
        for node, files in day_zero_files(design).items():
            for file, text in files.items():
                target = path.parent / day_zero_path(node, file)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    path.write_text(render(design, LabImages(switch.reference, host.reference, chosen)))
    return path


class NodeState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    ABSENT = "absent"


@dataclass(frozen=True)
class NodeStatus:
    node: LabNode
    state: NodeState
    detail: str
    """Docker's own state text (e.g. "exited (137)"), empty when the container does not exist."""


def status(design: Design) -> list[NodeStatus]:
    """Every lab node of the design with the state of its container."""
    nodes = lab_nodes(design)
    result = subprocess.run(
        ["docker", "inspect", *(node.container for node in nodes)],
        capture_output=True,
        text=True,
        check=False,
    )
    # docker inspect prints what exists and fails for the rest; no engine at all shows on stderr alone.
    if result.returncode != 0 and not result.stdout.strip() and "No such object" not in result.stderr:
        raise LabError(f"docker does not answer: {result.stderr.strip()} (run ci/bootstrap-lab.sh)")
    found = {item["Name"].lstrip("/"): item["State"] for item in json.loads(result.stdout or "[]")}
    statuses = []
    for node in nodes:
        state = found.get(node.container)
        if state is None:
            statuses.append(NodeStatus(node, NodeState.ABSENT, ""))
            continue
        running = bool(state.get("Running"))
        detail = str(state.get("Status", "")) + ("" if running else f" ({state.get('ExitCode')})")
        statuses.append(NodeStatus(node, NodeState.RUNNING if running else NodeState.STOPPED, detail))
    return statuses


@dataclass(frozen=True)
class UpResult:
    topology: Path
    deployed: bool
    """False when the same topology was already running and `up` only confirmed it is ready."""
    nodes: list[LabNode]


def docker_subnets() -> list[ipaddress.IPv4Network]:
    """The IPv4 subnets of this machine's Docker networks (a lab's management subnet must be free)."""
    ids = subprocess.run(["docker", "network", "ls", "-q"], capture_output=True, text=True, check=True).stdout
    result = subprocess.run(
        [
            "docker",
            "network",
            "inspect",
            "--format",
            "{{range .IPAM.Config}}{{.Subnet}} {{end}}",
            *ids.split(),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    subnets = []
    for text in result.stdout.split():
        network = ipaddress.ip_network(text, strict=False)
        if isinstance(network, ipaddress.IPv4Network):
            subnets.append(network)
    return subnets


def _mgmt_network_exists(network: str) -> bool:
    result = subprocess.run(["docker", "network", "inspect", network], capture_output=True, check=False)
    return result.returncode == 0


def _ready_once_cabled(
    network: str,
    nodes: list[LabNode],
    timeout: float,
    on_ready: Callable[[LabNode], None],
    stop: threading.Event,
) -> dict[str, str]:
    """Readiness checks that may start while containerlab still deploys.

    They wait for the management network first: until its bridge exists, the nodes' addresses would be
    routed off this machine.
    """
    deadline = time.monotonic() + timeout
    while not _mgmt_network_exists(network):
        if stop.wait(0.2) or time.monotonic() > deadline:
            return {node.name: "management network not created" for node in nodes}
    return wait_until_ready(nodes, deadline - time.monotonic(), on_ready, stop=stop)


# Seconds until every node must answer. Machines boot a kernel each, several times slower than a container
# starts when the machine is loaded.
_READY_TIMEOUT = {Runtime.CONTAINER: 180.0, Runtime.MACHINE: 420.0}
_DEPLOY_ATTEMPTS = 3


def up(design: Design, timeout: float | None = None) -> UpResult:
    """Bootstrap, build images if needed, deploy (unless this topology already runs), wait until ready
    (`timeout` seconds, by default what the runtime needs)."""
    with lab_lock(design):
        bootstrap()
        built = images()
        timeout = timeout or _READY_TIMEOUT[built.runtime]
        path = write_topology(design)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        nodes = lab_nodes(design)
        states = {entry.state for entry in status(design)}
        stamp = _deployed_stamp(design)
        already_up = states == {NodeState.RUNNING} and stamp.exists() and stamp.read_text() == digest
        # With no container of the lab left, whatever answers at a node's address is the new node, so the
        # readiness checks run while containerlab deploys; otherwise they would find the old containers.
        overlap = states == {NodeState.ABSENT}
        stop = threading.Event()
        with (
            progress(f"lab up ({len(nodes)} nodes ready)", total=len(nodes)) as step,
            ThreadPoolExecutor(max_workers=1) as background,
        ):

            def ready(node: LabNode) -> None:
                step.advance(node.name)

            checks = (
                background.submit(_ready_once_cabled, mgmt_network(design), nodes, timeout, ready, stop)
                if overlap
                else None
            )
            try:
                if not already_up:
                    stamp.unlink(missing_ok=True)
                    step.note(f"containerlab deploy {path}")
                    # --reconfigure replaces whatever remains of an earlier, different deployment.
                    # containerlab now and then fails to wire a link on a busy machine ("Link not found"),
                    # twice in a row while a Go build ran beside it; a new deploy replaces the half-built
                    # lab. The early checks may have seen containers of a failed attempt, so they start
                    # over afterwards.
                    for attempt in range(1, _DEPLOY_ATTEMPTS + 1):
                        result = containerlab("deploy", "--reconfigure", "-t", str(path))
                        if result.returncode == 0:
                            break
                        if attempt == _DEPLOY_ATTEMPTS:
                            raise _fail(f"containerlab deploy ({attempt} attempts)", result)
                        stop.set()
                        checks = None
                        step.note(f"containerlab deploy failed ({_last_line(result)}); deploying again")
                    step.note("deployed; waiting for the nodes")
            except BaseException:
                stop.set()
                raise
            not_ready = checks.result() if checks else wait_until_ready(nodes, timeout, ready)
        if not_ready:
            details = "; ".join(f"{name}: {reason}" for name, reason in sorted(not_ready.items()))
            raise LabError(
                f"{len(not_ready)} of {len(nodes)} nodes not ready after {timeout:.0f} s: {details}"
            )
        stamp.write_text(digest)
        return UpResult(path, deployed=not already_up, nodes=nodes)


def down(design: Design) -> None:
    """Destroy the lab, its management network and containerlab's lab directory."""
    path = write_topology(design)
    with lab_lock(design), progress("containerlab destroy") as step:
        result = containerlab("destroy", "--cleanup", "-t", str(path))
        if result.returncode != 0:
            raise _fail("containerlab destroy", result)
        step.note("destroyed")
    _deployed_stamp(design).unlink(missing_ok=True)
