"""Time `fundament lab up` (cold, to every node ready) against a bare `containerlab deploy` of the same file.

Goal: `lab up` within 1.2x the bare deploy, and under 90 s for the ~20-node sample lab on 2 cores.
Images are built first and not timed: both sides use the same local images. The bare deploy returns
before the nodes are usable, so the time until the same readiness check passes after it is printed too.
Destroys the lab between runs: it refuses to start while a lab runs, unless --force.
Prints figures; asserts nothing.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from inventory import load_design
from network.lab import control
from network.lab.ready import wait_until_ready
from network.lab.topology import lab_nodes


def timed(action: str, command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{action} failed: {result.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="destroy a running lab first")
    args = parser.parse_args()

    design = load_design()
    nodes = lab_nodes(design)
    if (
        any(entry.state is not control.NodeState.ABSENT for entry in control.status(design))
        and not args.force
    ):
        sys.exit("the lab is up (maybe another session uses it): run with --force to destroy it")
    fundament = str(Path(sys.executable).parent / "fundament")
    control.bootstrap()
    control.images()
    subprocess.run([fundament, "lab", "down"], capture_output=True, check=False)

    ups, noops, bares, bare_readies = [], [], [], []
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

    up, noop = statistics.median(ups), statistics.median(noops)
    bare, bare_ready = statistics.median(bares), statistics.median(bare_readies)
    print(f"lab of {len(nodes)} nodes, median of {args.rounds} rounds")
    print(f"{'fundament lab up (cold, to ready)':<44} {up:6.1f} s")
    print(f"{'fundament lab up (already up)':<44} {noop:6.1f} s")
    print(f"{'containerlab deploy (bare, same file)':<44} {bare:6.1f} s")
    print(f"{'containerlab deploy + same readiness check':<44} {bare_ready:6.1f} s")
    print(f"{'ratio lab up / bare deploy':<44} {up / bare:6.2f} x (goal <= 1.2)")
    print(f"{'ratio lab up / bare deploy + readiness':<44} {up / bare_ready:6.2f} x")


if __name__ == "__main__":
    main()
