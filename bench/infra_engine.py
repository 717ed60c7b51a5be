"""The datacenter's lifecycle through the real Pulumi engine against vcsim: sim up, the first `up`, a no-op
`up`, refresh and destroy, for the sample design (about 38 resources) and a generated one about 10x larger
(the sample's workloads cloned). Each design gets a simulator and a state of its own in a temporary
directory, stopped at the end. Needs ci/bootstrap-infra.sh. Prints figures; asserts nothing.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from fundament.paths import inventory_dir
from inventory import load_design

FUNDAMENT = Path(sys.executable).parent / "fundament"
CLONES = 43
"""copies of each sample workload in the large design: 8 workloads x 44 ~ 350 VMs, ~380 resources"""


def large_design(folder: Path) -> Path:
    """The sample with every workload cloned CLONES times (small disks, addresses from .30 up)."""
    target = folder / "design"
    shutil.copytree(inventory_dir(), target)
    path = target / "datacenter.yaml"
    data = yaml.safe_load(path.read_text())
    workloads = data["datacenter"]["workloads"]
    sample = load_design(inventory_dir())
    # Addresses the sample already gives out (workloads, lab endpoints) stay theirs.
    used = {vm["ipv4"].split("/")[0] for vm in workloads} | {
        str(endpoint.ipv4.ip) for endpoint in sample.endpoints if endpoint.ipv4 is not None
    }
    clones = []
    next_host: dict[str, int] = {}
    for vm in workloads:
        service = vm["name"].rsplit("-", 1)[0]
        network = vm["ipv4"].rsplit(".", 1)[0]
        for number in range(2, CLONES + 2):
            host = next_host.get(network, 30)
            while f"{network}.{host}" in used:
                host += 1
            next_host[network] = host + 1
            clones.append(
                {
                    **vm,
                    "name": f"{service}-{number:02d}",
                    "ipv4": f"{network}.{host}/24",
                    "disks": [{"size_gb": 10}],
                }
            )
    data["datacenter"]["workloads"] = workloads + clones
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return target


def timed(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [str(FUNDAMENT), "infra", *args], capture_output=True, text=True, env=env, check=False, timeout=3600
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(
            f"fundament infra {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return seconds, done.stdout


def lifecycle(label: str, design: Path | None, root: Path) -> None:
    env = {
        **{key: value for key, value in os.environ.items() if key != "PULUMI_BACKEND_URL"},
        "CI": "true",
        # The stack's state goes with the simulator's (the default): both in this run's folder.
        "FUNDAMENT_STATE_DIR": str(root / "state"),
        "FUNDAMENT_INFRA_SIM_DIR": str(root / "sim"),
        "PULUMI_CONFIG_PASSPHRASE": "bench",
    }
    inventory = ["-i", str(design)] if design else []
    figures: list[tuple[str, float]] = []
    try:
        figures.append(("sim up", timed(env, "sim", "up", *inventory)[0]))
        seconds, first = timed(env, "up", "--stack", "lab", "--json", *inventory)
        figures.append(("first up", seconds))
        figures.append(("no-op up", timed(env, "up", "--stack", "lab", *inventory)[0]))
        figures.append(("refresh", timed(env, "refresh", "--stack", "lab")[0]))
        figures.append(("destroy", timed(env, "destroy", "--stack", "lab")[0]))
    finally:
        subprocess.run([str(FUNDAMENT), "infra", "sim", "down"], env=env, capture_output=True, check=False)
    created = json.loads(first)["changes"].get("create", 0)
    print(f"{label}: {created} resources created (components included)")
    for step, seconds in figures:
        print(f"  {step:<10} {seconds:7.1f} s")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-infra-") as folder:
        root = Path(folder)
        lifecycle("sample design", None, root / "sample")
        lifecycle(f"generated design (sample workloads x{CLONES + 1})", large_design(root), root / "large")


if __name__ == "__main__":
    main()
