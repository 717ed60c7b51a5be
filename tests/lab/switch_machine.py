"""One device's rendered frr files on a real kernel without the lab: the lab switch image booted as a machine
(user-mode Linux, with the 802.1Q, VLAN filtering, VRFs and bonds this machine's own kernel lacks), a veth
per cabled port named like it, every rendered file in place; the guest runs a list of shell steps and ends.

A test reads every step's exit status and output (stdout and stderr) from one boot: a boot costs about
10 s, most steps a second or two.
"""

import os
import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from fundament.machines.images import ensure_image
from fundament.machines.uml import CAPABILITIES, machine_env, machine_recipe, uml_missing
from inventory.model import Platform
from network.facts import DeviceFacts
from network.lab.images import SWITCH
from network.lab.topology import SYSCTLS
from network.platforms import FILE_MARKER
from network.render import render_device

# Each step's exit status and output go to files in a folder of the host (hostfs, through the container's
# bind mount), not to the console, which FRR's daemons write to as well (syslog without a syslog daemon).
# Unmounting writes them back before the guest ends.
_PRELUDE = """exec 2>&1
for port in {ports}; do ip link add $port type veth peer name peer-$port && ip link set peer-$port up; done
mkdir -p /steps && mount -t hostfs -o {steps} hostfs /steps
step() {{
  sh -c "$2" >/steps/$1.out 2>&1
  echo $? >/steps/$1.status
}}
"""
_STEPS = "/machine/steps"

APPLY_THEN_TEST = (
    "python3 /usr/lib/frr/frr-reload.py --reload /etc/frr/frr.conf >/dev/null 2>&1 && "
    "python3 /usr/lib/frr/frr-reload.py --test /etc/frr/frr.conf 2>/dev/null"
)
"""A step: one reload, as the driver applies a config, then what `frr-reload.py --test` would still change:
what `plan` after `apply` sees. (Right after boot, before any reload, `--test` lists `ipv6 forwarding` to
delete, a line frr.conf leaves out on purpose; the reload settles it.) Read it with `reload_changes`."""


@dataclass(frozen=True)
class Step:
    status: int
    output: str


def switch_image() -> str:
    """The switch image as a machine, built on first use; fails (not skips) where machines cannot run."""
    missing = uml_missing()
    if missing:
        pytest.fail(f"rendered frr configs need a real kernel (802.1Q, VLAN filtering, VRFs): {missing}")
    return ensure_image(machine_recipe(SWITCH))


def rendered_files(facts: DeviceFacts) -> dict[str, str]:
    """The device's frr-platform files by path, in the order the platform renders them."""
    parts = render_device(facts, Platform.FRR).split(FILE_MARKER)[1:]
    return dict(part.split("\n", 1) for part in parts)


def cabled_ports(facts: DeviceFacts) -> list[str]:
    return [
        *(interface.name for interface in facts.interfaces),
        *(trunk.name for trunk in facts.trunks),
        *(port.name for port in facts.access_ports),
        *facts.firewall_ports,
    ]


def reload_changes(output: str) -> list[str]:
    """The lines `frr-reload.py --test` would delete or add (its sections, without the headers)."""
    changes = []
    for section in re.split(r"^Lines To (?:Delete|Add)\n=+\n", output, flags=re.M)[1:]:
        changes += [line for line in section.splitlines() if line.strip()]
    return changes


def run_steps(image: str, facts: DeviceFacts, steps: dict[str, str], folder: Path) -> dict[str, Step]:
    """Boot the device's machine with its rendered files and the lab's sysctls, run `steps` (name: shell
    command) in order; each step's exit status and output, by name."""
    files = rendered_files(facts)
    script = _PRELUDE.format(ports=" ".join(cabled_ports(facts)), steps=_STEPS)
    script += "".join(f"step {name} {shlex.quote(command)}\n" for name, command in steps.items())
    script += "umount /steps\n"
    files["/root/steps.sh"] = script
    results = folder / "steps"
    results.mkdir()
    volumes = []
    for number, (target, text) in enumerate(files.items()):
        source = folder / f"file{number}"
        source.write_text(text, encoding="utf-8")
        volumes += ["-v", f"{source}:/machine/inject{target}:ro"]
    container = f"fundament-render-{facts.hostname}-{os.getpid()}"
    env = machine_env("512M", SYSCTLS)
    environment = [arg for key, value in env.items() for arg in ("-e", f"{key}={value}")]
    command = ["docker", "run", "--rm", "--name", container, "--hostname", facts.hostname, *environment]
    command += [arg for cap in CAPABILITIES for arg in ("--cap-add", cap)]
    volumes += ["-v", f"{results}:{_STEPS}"]
    try:
        done = subprocess.run(
            [*command, *volumes, image, "sh", "/root/steps.sh"], capture_output=True, text=True, timeout=600
        )
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True, check=False)
    seen = {
        name: Step(int(status.read_text()), (results / f"{name}.out").read_text())
        for name in steps
        if (status := results / f"{name}.status").exists()
    }
    assert list(seen) == list(steps), (
        f"the guest ended early; its console:\n{done.stdout[-3000:]}{done.stderr}"
    )
    return seen
