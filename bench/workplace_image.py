"""Time `fundament workplace build` and `fundament workplace verify` for each profile (goal: a build within a
few minutes on 2 cores, a verify within seconds).

Builds in process with the build's own code (`workplace.build.building`), which keeps the proven machine
running; then times `fundament workplace verify` against that machine as a fresh process. On a machine
(`--on machine`) the build boots the machine image with the profile's packages preinstalled: its time is
printed first (0 when it is cached; `bench/workplace_preinstall.py` compares
installing them natively with installing them on the machine). The base images are built first and not
timed (cached by recipe hash). The build's stages come from its manifest: boot to SSH, converge,
idempotence, testinfra, the disk image. Prints figures; asserts nothing.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fundament.machines.images import ensure_image
from fundament.machines.uml import machine_recipe, uml_missing
from inventory import load_design
from workplace.build import BuiltOn, building
from workplace.image import base_recipe
from workplace.preinstall import ensure_preinstalled
from workplace.profile import playbook_vars, select_profile

COLUMNS = ("round", "build s", "boot s", "converge s", "idempotence s", "testinfra s", "disk s", "verify s")


def timed(action: str, command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{action} failed (exit {result.returncode}): {(result.stderr or result.stdout)[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="append", help="a workplace profile [default: every profile]")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--on",
        choices=["container", "machine"],
        default="container",
        help="where to build (machine: the design's profiles must except the firewall control, which the "
        "machine's kernel cannot load; see workplace/README.md)",
    )
    parser.add_argument("--inventory", "-i", type=Path, help="design folder [default: the sample]")
    args = parser.parse_args()

    design = load_design(args.inventory)
    if design.workplace is None:
        sys.exit("the design has no workplace section")
    release = design.workplace.base
    on: BuiltOn = "machine" if args.on == "machine" else "container"
    if on == "machine" and uml_missing() is not None:
        sys.exit(uml_missing())
    base = ensure_image(machine_recipe(base_recipe(release)) if on == "machine" else base_recipe(release))
    print(f"built on: {'a machine (user-mode Linux)' if on == 'machine' else 'a container'}")
    fundament = str(Path(sys.executable).parent / "fundament")
    for name in args.profile or [profile.name for profile in design.workplace.profiles]:
        profile = select_profile(design, name)
        print(f"profile {profile.name}")
        if on == "machine":
            # The machine image with the profile's packages: built once per change of what decides them.
            with tempfile.TemporaryDirectory(prefix="bench-workplace-") as tmp:
                started = time.perf_counter()
                variables = playbook_vars(design, profile)
                image = ensure_preinstalled(base, profile.name, variables, release, Path(tmp))
                print(f"machine image {image}: {time.perf_counter() - started:.1f} s (0 when cached)")
        print(" ".join(f"{column:>14}" for column in COLUMNS))
        for round_ in range(1, args.rounds + 1):
            started = time.perf_counter()
            with building(design, profile.name, on=on) as built:
                build_s = time.perf_counter() - started
                sudo = ["--sudo"] if built.sudo else []
                verify = [
                    fundament,
                    "workplace",
                    "verify",
                    "-p",
                    profile.name,
                    "--machine",
                    built.target,
                    *sudo,
                ]
                verify_s = timed("verify", verify)
            manifest = built.outcome.manifest
            figures = (
                build_s,
                manifest.boot_seconds or 0.0,
                manifest.converge.seconds,
                manifest.idempotence.seconds,
                manifest.tests.seconds,
                manifest.disk.seconds,
                verify_s,
            )
            print(f"{round_:>14} " + " ".join(f"{figure:>14.1f}" for figure in figures))
        disk = ", ".join(f"{file.format} {file.bytes / 1e9:.2f} GB" for file in manifest.disk.files)
        size = built.outcome.tarball.stat().st_size / 1e9
        print(
            f"image {manifest.image}: {len(manifest.packages)} packages, tarball {size:.2f} GB; disk {disk}"
        )


if __name__ == "__main__":
    main()
