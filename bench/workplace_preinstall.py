"""Time the playbook's package tasks (tag `packages`) where a workplace build can run them: on the booted
machine under user-mode Linux (how a machine build installed them before they were preinstalled) and in a
container of the same root file system at native speed (how `workplace.preinstall` installs them now).

Both start from the base machine image with an empty apt cache inside and the machine-level apt cache
warm (the container mounts it; the machine downloads, as it cannot mount it), so the difference is the
install itself. Prints figures; asserts nothing. The base machine image is built first and not timed.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from fundament.console import progress
from fundament.machines.images import ensure_image
from fundament.machines.uml import machine_recipe, uml_missing
from inventory import load_design
from workplace import container, machine
from workplace.image import base_recipe
from workplace.preinstall import PACKAGES_TAG
from workplace.profile import playbook_vars, select_profile
from workplace.runner import PlaybookRun, SshTarget, run_playbook


def packages(target: str | SshTarget, variables: dict[str, object], workdir: Path, where: str) -> PlaybookRun:
    with progress(f"packages {where}") as step:
        run = run_playbook(target, variables, workdir, where, step, tags=PACKAGES_TAG)
    if not run.succeeded:
        sys.exit(f"the package tasks failed {where}: {'; '.join(run.failures)} (artifacts {run.artifacts})")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", help="a workplace profile [default: the design's default]")
    parser.add_argument("--skip-machine", action="store_true", help="time the container only")
    args = parser.parse_args()
    missing = uml_missing()
    if missing is not None:
        sys.exit(missing)
    design = load_design()
    profile = select_profile(design, args.profile)
    release = design.workplace.base if design.workplace else "bookworm"
    variables = playbook_vars(design, profile)
    base = ensure_image(machine_recipe(base_recipe(release)))
    allowed_from = [str(prefix) for prefix in design.management.ssh.allowed_from]
    print(f"profile {profile.name}, base machine image {base}")
    print(f"{'where':>24} {'seconds':>10} {'changed':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-preinstall-") as tmp:
        work = Path(tmp)
        name = f"fundament-bench-packages-{os.getpid()}"
        container.start(base, name, release, command=("sleep", "infinity"))
        try:
            run = packages(name, variables, work / "runner", "container")
        finally:
            container.remove(name)
        print(f"{'container (native)':>24} {run.seconds:>10.1f} {run.changed:>8}")
        if args.skip_machine:
            return
        with machine.booted(
            base, name, allowed_from, work / "ssh", avoid=[str(design.management.subnet)]
        ) as booted:
            print(f"{'machine: boot to SSH':>24} {booted.boot_seconds:>10.1f}")
            run = packages(booted.ssh, variables, work / "runner", "machine")
        print(f"{'machine (user-mode Linux)':>24} {run.seconds:>10.1f} {run.changed:>8}")


if __name__ == "__main__":
    main()
