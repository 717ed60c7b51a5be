"""The lab's vCenter: vcsim (govmomi's simulator) on 127.0.0.1, seeded with what the design says exists.

The datacenter program only reads the datacenter, its clusters, hosts and datastores; in a real vCenter
they are racked and joined by hand. `up` starts the simulator with an empty inventory and creates exactly
those objects from `datacenter.yaml`, so the program runs against the same names as in production.
State (pid, URL, log, the datastores' directories, and the lab stack's engine state, which describes objects
that live only as long as this simulator) lives in one directory: `infra/sim/` of fundament's state
directory (`fundament.paths.state_dir()`), or `$FUNDAMENT_INFRA_SIM_DIR` (tests run their own simulator
side by side with the lab's).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pyVmomi import vim

from fundament import paths
from fundament.errors import FundamentError
from infra.vcenter import Endpoint, Session
from inventory.model import Datacenter

SIM_USER = "user"
SIM_PASSWORD = "pass"
BOOTSTRAP_HINT = "run ci/bootstrap-infra.sh (it builds the Pulumi CLI and vcsim from the Go module proxy)"
START_TIMEOUT_S = 30.0
ENGINE_DIR = "engine"
"""in the simulator's state directory: the default backend and workspace of stacks on the simulator"""


class SimError(FundamentError, RuntimeError):
    """The simulator cannot be started, reached or seeded."""


def state_dir() -> Path:
    override = os.environ.get("FUNDAMENT_INFRA_SIM_DIR")
    return Path(override) if override else paths.state_dir() / "infra" / "sim"


def tools_dir() -> Path:
    """Where ci/bootstrap-infra.sh puts pulumi, vcsim and the provider launcher: beside the interpreter."""
    override = os.environ.get("FUNDAMENT_INFRA_TOOLS")
    return Path(override) if override else Path(sys.executable).parent


def tool(name: str) -> Path:
    found = tools_dir() / name
    if not (found.is_file() and os.access(found, os.X_OK)):
        raise SimError(f"{name} is not installed in {found.parent}: {BOOTSTRAP_HINT}")
    return found


@dataclass(frozen=True)
class SimStatus:
    running: bool
    url: str | None
    pid: int | None
    state_dir: str

    def endpoint(self) -> Endpoint:
        if not self.running or self.url is None:
            raise SimError(
                f"the vSphere simulator is not running (state in {self.state_dir}): "
                "start it with `fundament infra sim up`"
            )
        return Endpoint(self.url, SIM_USER, SIM_PASSWORD)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by a parent that is still us) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.is_file() and stat.read_text().split(") ", 1)[-1].startswith("Z"))


def status() -> SimStatus:
    directory = state_dir()
    pid_file, url_file = directory / "pid", directory / "url"
    pid = int(pid_file.read_text()) if pid_file.is_file() else None
    url = url_file.read_text().strip() if url_file.is_file() else None
    return SimStatus(pid is not None and _pid_alive(pid), url, pid, str(directory))


def endpoint() -> Endpoint:
    """The running simulator's endpoint; SimError when none runs."""
    return status().endpoint()


def start() -> SimStatus:
    """Start vcsim unless it already runs; returns once it answers."""
    current = status()
    if current.running:
        return current
    binary = tool("vcsim")
    directory = state_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # Whatever a simulator that is gone left behind (it crashed, the machine restarted) describes objects
    # the new, empty one does not have: the engine state above all, or `infra up` would see nothing to do.
    for stale in ("pid", "url", "datastores", ENGINE_DIR):
        path = directory / stale
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    with (directory / "vcsim.log").open("ab") as log:
        process = subprocess.Popen(
            [str(binary), "-listen", "127.0.0.1:0", "-url-file", str(directory / "url")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives this command; `down` stops it
        )
    (directory / "pid").write_text(str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (directory / "url").is_file():
        if process.poll() is not None:
            raise SimError(f"vcsim exited with {process.returncode}: see {directory / 'vcsim.log'}")
        if time.monotonic() > deadline:
            process.terminate()
            raise SimError(
                f"vcsim did not answer within {START_TIMEOUT_S:.0f} s: see {directory / 'vcsim.log'}"
            )
        time.sleep(0.1)
    return status()


def stop() -> bool:
    """Stop the simulator and remove its state; False when none was running."""
    current = status()
    if current.running and current.pid is not None:
        os.kill(current.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _pid_alive(current.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _pid_alive(current.pid):
            os.kill(current.pid, signal.SIGKILL)
    shutil.rmtree(current.state_dir, ignore_errors=True)
    return current.running


def seed_steps(dc: Datacenter) -> list[str]:
    """What `seed` creates, in order: one progress step each."""
    return [
        f"datacenter {dc.name}",
        *(f"cluster {cluster.name} ({len(cluster.hosts)} hosts)" for cluster in dc.clusters),
        *(f"datastore {store.name}" for store in dc.datastores),
    ]


def seed(session: Session, dc: Datacenter, on_step: Callable[[str], None]) -> None:
    """Create what the design says already exists; objects already there are left as they are."""
    steps = iter(seed_steps(dc))
    datacenter = session.find(vim.Datacenter, dc.name) or session.content.rootFolder.CreateDatacenter(dc.name)
    on_step(next(steps))
    hosts: dict[str, list[vim.HostSystem]] = {}
    for cluster in dc.clusters:
        compute = session.find(vim.ClusterComputeResource, cluster.name)
        if compute is None:
            compute = datacenter.hostFolder.CreateClusterEx(cluster.name, vim.cluster.ConfigSpecEx())
        present = {host.name for host in compute.host}
        for name in cluster.hosts:
            if name not in present:
                spec = vim.host.ConnectSpec(hostName=name, userName="root", password="", force=True)
                session.wait(compute.AddHost_Task(spec=spec, asConnected=True), f"adding host {name}")
        hosts[cluster.name] = list(compute.host)
        on_step(next(steps))
    for store in dc.datastores:
        # vcsim backs a local datastore with a directory; every host of the cluster mounts the same one.
        path = state_dir() / "datastores" / store.name
        path.mkdir(parents=True, exist_ok=True)
        for host in hosts[store.cluster]:
            if any(mounted.name == store.name for mounted in host.datastore):
                continue
            # vcsim mounts an existing datastore on a further host but answers with an empty
            # reference, which pyVmomi cannot parse (KeyError); the check below says whether it worked.
            with contextlib.suppress(KeyError):
                host.configManager.datastoreSystem.CreateLocalDatastore(store.name, str(path))
            if not any(mounted.name == store.name for mounted in host.datastore):
                raise SimError(f"datastore {store.name} is not mounted on {host.name}")
        on_step(next(steps))
