"""Time `fundament workplace build` and `fundament workplace verify` for each profile (goal: a build within a
few minutes on 2 cores, a verify within seconds).

Runs the real commands in fresh processes. The base image is built first and not timed (it is cached by
recipe hash); the apt cache is warm after the first round, as in CI. The build's stages come from its
manifest (the disk image's own time included). Verify runs against a container started from the exported
image. Prints figures; asserts nothing.
"""

import argparse
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from fundament.machines.images import ensure_image
from inventory import load_design
from workplace import container
from workplace.build import output_dir
from workplace.image import base_recipe
from workplace.profile import select_profile


def timed(action: str, command: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{action} failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="append", help="a workplace profile [default: every profile]")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()

    design = load_design()
    if design.workplace is None:
        sys.exit("the design has no workplace section")
    profiles = args.profile or [profile.name for profile in design.workplace.profiles]
    ensure_image(base_recipe(design.workplace.base))
    columns = ("round", "build s", "converge s", "idempotence s", "testinfra s", "disk s", "verify s")
    for profile in profiles:
        bench_profile(select_profile(design, profile).name, args.rounds, columns)


def bench_profile(profile: str, rounds: int, columns: tuple[str, ...]) -> None:
    fundament = str(Path(sys.executable).parent / "fundament")
    print(f"profile {profile}")
    print(" ".join(f"{column:>14}" for column in columns))
    for round_ in range(1, rounds + 1):
        build_s = timed("build", [fundament, "workplace", "build", "--profile", profile])
        manifest = json.loads((output_dir(profile) / "manifest.json").read_text())
        name = f"fundament-workplace-bench-{uuid.uuid4().hex[:8]}"
        container.docker("run", "--detach", "--name", name, "--cap-add", "NET_ADMIN", manifest["image"])
        try:
            target = f"docker://{name}"
            verify_s = timed("verify", [fundament, "workplace", "verify", "-p", profile, "--machine", target])
        finally:
            container.remove(name)
        figures = (
            build_s,
            manifest["converge"]["seconds"],
            manifest["idempotence"]["seconds"],
            manifest["tests"]["seconds"],
            manifest["disk"]["seconds"],
            verify_s,
        )
        print(f"{round_:>14} " + " ".join(f"{figure:>14.1f}" for figure in figures))
    tarball = output_dir(profile) / manifest["tarball"]
    size = tarball.stat().st_size / 1e9
    disk = ", ".join(f"{file['format']} {file['bytes'] / 1e9:.2f} GB" for file in manifest["disk"]["files"])
    print(
        f"image {manifest['image']}: {len(manifest['packages'])} packages, tarball {size:.2f} GB; disk {disk}"
    )


if __name__ == "__main__":
    main()
