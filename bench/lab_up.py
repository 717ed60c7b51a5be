"""Time `fundament lab up` (cold, to every node ready) against a bare `containerlab deploy` of the same file.

Goal: `lab up` within 1.2x the bare deploy, and under 90 s for the ~20-node sample lab on 2 cores.
The bench runs a lab of its own (FUNDAMENT_LAB_NAME=fundament-bench, the sample design moved to a free
management subnet, its own state directory), so a lab others use stays up. Images are built first and
not timed: both sides use the same local images. The bare deploy returns before the nodes are usable, so
the time until the same readiness check passes after it is printed too. Prints figures; asserts nothing.
"""

import argparse
import ipaddress
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fundament.paths import inventory_dir

BENCH_LAB = "fundament-bench"


def timed(action: str, command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{action} failed: {result.stderr[-2000:]}")
    if "deploying again" in result.stderr:
        print(f"note: {action} had to deploy twice (containerlab failed the first time)", flush=True)
    return seconds


def moved_design(target: Path, used: list[ipaddress.IPv4Network], source: Path | None = None) -> Path:
    """The design (`source`, else the configured one) in `target`, its management /24 moved to one no
    Docker network uses."""
    source = source or inventory_dir()
    old = next(line for line in (source / "management.yaml").read_text().splitlines() if "subnet:" in line)
    old_prefix = old.split("subnet:")[1].strip().rsplit(".", 1)[0] + "."
    for third in range(21, 255):
        candidate = ipaddress.IPv4Network(f"172.20.{third}.0/24")
        if not any(candidate.overlaps(subnet) for subnet in used):
            break
    new_prefix = f"172.20.{third}."
    shutil.copytree(source, target)
    for file in target.glob("*.yaml"):
        file.write_text(file.read_text().replace(old_prefix, new_prefix))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fundament-bench-lab-"))
    os.environ["FUNDAMENT_LAB_NAME"] = BENCH_LAB
    os.environ["FUNDAMENT_STATE_DIR"] = str(work / "state")
    # Imported only now: the lab modules read the environment set above.
    from inventory import load_design
    from network.lab import control
    from network.lab.ready import wait_until_ready
    from network.lab.topology import lab_nodes

    control.bootstrap()
    os.environ["FUNDAMENT_INVENTORY"] = str(moved_design(work / "design", control.docker_subnets()))
    design = load_design()
    nodes = lab_nodes(design)
    fundament = str(Path(sys.executable).parent / "fundament")
    control.images()
    path = control.write_topology(design)
    control.containerlab("destroy", "--cleanup", "-t", str(path))

    ups, noops, bares, bare_readies = [], [], [], []
    try:
        for _ in range(args.rounds):
            ups.append(timed("fundament lab up", [fundament, "lab", "up"]))
            noops.append(timed("fundament lab up (again)", [fundament, "lab", "up"]))
            timed("fundament lab down", [fundament, "lab", "down"])

            path = control.write_topology(design)
            started = time.perf_counter()
            result = control.containerlab("deploy", "-t", str(path))
            bare = time.perf_counter() - started
            if result.returncode != 0:
                sys.exit(f"containerlab deploy failed: {result.stderr[-2000:]}")
            not_ready = wait_until_ready(nodes, timeout=180)
            bare_ready = time.perf_counter() - started
            if not_ready:
                sys.exit(f"not ready after the bare deploy: {not_ready}")
            bares.append(bare)
            bare_readies.append(bare_ready)
            control.containerlab("destroy", "--cleanup", "-t", str(path))
            print(
                f"round: lab up {ups[-1]:.1f} s, again {noops[-1]:.1f} s, bare deploy {bare:.1f} s, "
                f"bare + ready {bare_ready:.1f} s (load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    finally:
        control.containerlab("destroy", "--cleanup", "-t", str(control.write_topology(design)))
        shutil.rmtree(work, ignore_errors=True)

    up, noop = statistics.median(ups), statistics.median(noops)
    bare, bare_ready = statistics.median(bares), statistics.median(bare_readies)
    print(f"lab of {len(nodes)} nodes ({os.cpu_count()} cores), median of {args.rounds} rounds")
    print(f"{'fundament lab up (cold, to ready)':<44} {up:6.1f} s")
    print(f"{'fundament lab up (already up)':<44} {noop:6.1f} s")
    print(f"{'containerlab deploy (bare, same file)':<44} {bare:6.1f} s")
    print(f"{'containerlab deploy + same readiness check':<44} {bare_ready:6.1f} s")
    print(f"{'ratio lab up / bare deploy':<44} {up / bare:6.2f} x (goal <= 1.2)")
    print(f"{'ratio lab up / bare deploy + readiness':<44} {up / bare_ready:6.2f} x")


if __name__ == "__main__":
    main()
