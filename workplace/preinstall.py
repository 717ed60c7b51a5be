"""The machine image a profile's build boots: the base machine image with the profile's packages already in.

Under user-mode Linux every fork and syscall costs several times what it costs natively, and package
maintainer scripts are fork-heavy: installing the desktop software on the booted machine took most of a
build. So the playbook's own package tasks (tag `packages`: the package sources and every apt task,
including the purges) run first, through ansible-runner, in a container of the base machine image's root
file system, at native speed. That root file system, packages and all, becomes the disk the machine boots
(`/machine/disk.img` over the base machine image's layers), and converging the booted machine only
configures: its package tasks find everything in place.

The image is tagged by a hash of what decides its packages (the base machine image, the playbook without
its templates and files, the profile's variables) and kept in Docker's image store, machine-wide: it is
built once until one of those changes, and only the latest one per profile is kept.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from filelock import FileLock

from fundament.console import progress
from fundament.errors import FundamentError
from fundament.machines.images import image_exists
from workplace import container
from workplace.disk import DiskError, ext4_from_tree
from workplace.runner import content_digest, run_playbook

PACKAGES_TAG = "packages"
# Folders of the Ansible content the package tasks never read: changing a template keeps the image.
_CONFIGURATION_ONLY = ("templates", "files")
# The base machine image's boot disk; the container's own marker stays out of the guest's file system.
_BOOT_DISK = "/machine/disk.img"
_NOT_COPIED = ("/machine", "/.dockerenv")


class PreinstallError(FundamentError, RuntimeError):
    """The packages could not be installed or the image not made; the message says which step and why."""


def repository(profile: str) -> str:
    return f"fundament/workplace-{profile}-uml"


def reference(base: str, profile: str, variables: dict[str, Any]) -> str:
    """`fundament/workplace-<profile>-uml:<hash of what decides its packages>`."""
    digest = content_digest(base, json.dumps(variables, sort_keys=True), skip=_CONFIGURATION_ONLY)
    return f"{repository(profile)}:{digest[:16]}"


def ensure_preinstalled(
    base: str, profile: str, variables: dict[str, Any], release: str, workdir: Path
) -> str:
    """The machine image of `base` (a machine image) with `profile`'s packages, built when missing; its
    reference. The package run's artifacts go to `workdir`/runner/artifacts/packages."""
    wanted = reference(base, profile, variables)
    if image_exists(wanted):
        return wanted
    container.APT_CACHE.mkdir(parents=True, exist_ok=True)
    # Two builds of one profile (other clones, test sessions) make it once.
    with FileLock(str(container.APT_CACHE / f"workplace-{profile}-uml.lock")):
        if not image_exists(wanted):
            _build(base, wanted, variables, release, workdir)
            for tag in container.docker(
                "images", "--format", "{{.Repository}}:{{.Tag}}", repository(profile)
            ).split():
                if tag != wanted:
                    container.untag(tag)
    return wanted


def _build(base: str, wanted: str, variables: dict[str, Any], release: str, workdir: Path) -> None:
    name = f"fundament-workplace-packages-{os.getpid()}"
    container.start(base, name, release, command=("sleep", "infinity"))
    try:
        with progress(f"packages for {wanted}") as step:
            step.note("the playbook's package tasks in a container (native speed)")
            run = run_playbook(name, variables, workdir / "runner", "packages", step, tags=PACKAGES_TAG)
            if not run.succeeded:
                detail = "; ".join(run.failures) or f"ansible-runner ended {run.status} (rc {run.rc})"
                raise PreinstallError(
                    f"installing the packages failed: {detail} (artifacts: {run.artifacts})"
                )
            step.note(f"changed={run.changed} in {run.seconds} s")
        with tempfile.TemporaryDirectory(prefix="preinstall-", dir=workdir) as tmp:
            tree = Path(tmp) / "tree"
            disk = Path(tmp) / "disk.img"
            with progress("machine disk", total=3) as step:
                container.export_tree(name, tree, exclude=_NOT_COPIED)
                step.advance("root file system copied")
                ext4_from_tree(tree, disk, machine=True)
                shutil.rmtree(tree)
                step.advance("packed as ext4")
                _commit(base, disk, wanted)
                step.advance(f"tagged {wanted}")
    except DiskError as error:
        raise PreinstallError(f"packing the machine disk failed: {error}") from None
    finally:
        container.remove(name)


def _commit(base: str, disk: Path, wanted: str) -> None:
    """`disk` in place of the base machine image's boot disk, as the image `wanted` (entry point, command
    and the container side's files are the base's)."""
    holder = container.docker("create", base).strip()
    try:
        container.docker("cp", str(disk), f"{holder}:{_BOOT_DISK}", timeout=1800)
        container.docker("commit", holder, wanted, timeout=1800)
    finally:
        container.remove(holder)
