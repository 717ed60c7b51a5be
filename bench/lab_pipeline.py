"""The full-fidelity lab (every node a machine with its own kernel) beside the container lab, in one run:
`lab up` (cold, to every node ready), `net apply` from day 0, `net verify`, and the lab's total memory.

Goals on 2 cores for the sample design: lab up <= 120 s and <= 8 GB; apply + verify <= 90 s.
`--sites N` runs a generated design instead (`fundament inventory generate`; 6 sites is about 30 switches)
to show how the cost grows. Each lab runs on its own (FUNDAMENT_LAB_NAME=fundament-bench, a free management
subnet, its own state directory) and is destroyed afterwards; images are built first and not timed.
Prints figures; asserts nothing. An apply or verify that fails is reported with its exit status, not hidden.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from lab_up import BENCH_LAB, moved_design

from fundament.paths import inventory_dir

_UNITS = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "kB": 10**3, "MB": 10**6, "GB": 10**9}


@dataclass
class Figures:
    runtime: str
    nodes: int
    up: float
    apply: float
    apply_status: int
    verify: float
    verify_status: int
    memory: float
    """Bytes, summed over the lab's containers (a machine's guest memory lives in its container)."""


def run(command: list[str]) -> tuple[float, int, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, result.returncode, (result.stderr + result.stdout)[-1500:]


def lab_memory(prefix: str) -> float:
    """Memory Docker accounts to the lab's containers, in bytes."""
    stats = subprocess.run(
        ["docker", "stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = 0.0
    for line in stats.splitlines():
        name, usage = line.split(" ", 1)
        match = re.match(r"([\d.]+)\s*([A-Za-z]+)", usage)
        if name.startswith(prefix) and match:
            total += float(match[1]) * _UNITS[match[2]]
    return total


def bench_runtime(runtime: str, fundament: str) -> Figures:
    os.environ["FUNDAMENT_LAB_RUNTIME"] = runtime
    from inventory import load_design
    from network.lab import control
    from network.lab.topology import lab_nodes

    design = load_design()
    nodes = lab_nodes(design)
    control.images()
    control.containerlab("destroy", "--cleanup", "-t", str(control.write_topology(design)))
    try:
        up, status, output = run([fundament, "lab", "up"])
        if status != 0:
            sys.exit(f"{runtime}: lab up failed ({status}):\n{output}")
        memory = lab_memory(f"clab-{BENCH_LAB}-")
        apply, apply_status, output = run([fundament, "net", "apply"])
        if apply_status != 0:
            print(f"{runtime}: net apply exited {apply_status}:\n{output}", flush=True)
        verify, verify_status, output = run([fundament, "net", "verify", "--wait", "60"])
        if verify_status != 0:
            print(f"{runtime}: net verify exited {verify_status}:\n{output}", flush=True)
        # After apply and verify the guests have touched more of their memory than at boot.
        memory = max(memory, lab_memory(f"clab-{BENCH_LAB}-"))
    finally:
        control.containerlab("destroy", "--cleanup", "-t", str(control.write_topology(design)))
    figures = Figures(runtime, len(nodes), up, apply, apply_status, verify, verify_status, memory)
    print(
        f"{runtime}: lab up {up:.1f} s, apply {apply:.1f} s (exit {apply_status}), verify {verify:.1f} s "
        f"(exit {verify_status}), memory {memory / 2**30:.2f} GiB (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", choices=["machine", "container"], action="append")
    parser.add_argument("--sites", type=int, help="a generated design with this many regional sites")
    args = parser.parse_args()
    runtimes = args.runtime or ["machine", "container"]

    work = Path(tempfile.mkdtemp(prefix="fundament-bench-pipeline-"))
    os.environ["FUNDAMENT_LAB_NAME"] = BENCH_LAB
    os.environ["FUNDAMENT_STATE_DIR"] = str(work / "state")
    fundament = str(Path(sys.executable).parent / "fundament")
    from network.lab import control

    control.bootstrap()
    source = inventory_dir()
    if args.sites:
        source = work / "generated"
        generate = [fundament, "inventory", "generate", "-o", str(source), "--sites", str(args.sites)]
        subprocess.run(generate, check=True, capture_output=True)
    os.environ["FUNDAMENT_INVENTORY"] = str(moved_design(work / "design", control.docker_subnets(), source))
    try:
        results = [bench_runtime(runtime, fundament) for runtime in runtimes]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    header = ("design", "nodes", "runtime", "lab up", "apply", "verify", "memory")
    print("\n{:<10} {:>5}  {:<10} {:>8} {:>8} {:>8} {:>9}".format(*header))
    name = f"{args.sites} sites" if args.sites else "sample"
    for f in results:
        apply = f"{f.apply:.1f}" + ("" if f.apply_status == 0 else "!")
        verify = f"{f.verify:.1f}" + ("" if f.verify_status == 0 else "!")
        print(
            f"{name:<10} {f.nodes:>5}  {f.runtime:<10} {f.up:>7.1f}s {apply:>7}s {verify:>7}s "
            f"{f.memory / 2**30:>7.2f}GiB"
        )
    print(
        f"({os.cpu_count()} cores; ! = exited non-zero; goals: up <= 120 s, <= 8 GB, apply + verify <= 90 s)"
    )


if __name__ == "__main__":
    main()
