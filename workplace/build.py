"""Build a PoC image: converge, prove idempotence, validate, then export and describe it.

Molecule's sequence (converge -> idempotence -> verify), run the way real machines are provisioned: the
base root file system boots as a machine under user-mode Linux (systemd as PID 1, `workplace.machine`),
Ansible reaches it over SSH, testinfra audits its running state over SSH. Where user-mode Linux is not
installed the same sequence runs in a container of the base image (no services run there; the manifest
says which way it was built). Only a root file system that passed all three is exported: as a Docker
image (imported, saved as a tarball) and as a bootable disk image. Whatever fails, the machine or
container is removed, nothing is tagged, and the step, the changed tasks or the failing controls are named.
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import testinfra
from filelock import FileLock

from fundament import __version__
from fundament.console import progress
from fundament.errors import FundamentError
from fundament.machines.images import ImageBuildError, ensure_image
from fundament.machines.uml import machine_recipe, uml_missing
from fundament.paths import build_dir, state_dir
from inventory.model import Design
from inventory.model.workplace import WorkplaceProfile
from workplace import container, machine
from workplace.disk import DiskError, build_disk, ext4_from_tree
from workplace.image import CONTAINER_CMD, MACHINE_SPECIFIC, base_recipe
from workplace.manifest import Manifest, build_manifest
from workplace.preinstall import PreinstallError, ensure_preinstalled
from workplace.profile import playbook_vars, select_profile
from workplace.runner import PlaybookRun, SshTarget, content_digest, run_playbook
from workplace.validation.checks import installed_packages
from workplace.verify import VerifyError, VerifyReport, run_validation

# Marks every image a build exports, so that superseded ones can be found and dropped.
PROFILE_LABEL = "nl.provincie.fundament.workplace-profile"

BuiltOn = Literal["machine", "container"]


class BuildError(FundamentError, RuntimeError):
    """The build stopped; `report` holds the validation results when validation was what failed."""

    def __init__(self, message: str, report: VerifyReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class BuildOutcome:
    manifest: Manifest
    manifest_path: Path
    tarball: Path
    report: VerifyReport


@dataclass(frozen=True)
class _Subject:
    """What the build works on: how Ansible and testinfra reach it, and how its file system is copied."""

    built_on: BuiltOn
    ansible: str | SshTarget
    testinfra: str
    sudo: bool
    boot_seconds: float | None
    copy_tree: Callable[[Path], None]


def output_dir(profile: str) -> Path:
    return build_dir() / "workplace" / profile


def image_version(design_version: str, base_image: str, variables: dict[str, Any]) -> str:
    """`<design version>-<hash>`: the hash covers the Ansible content, the variables and the base image,
    so the same inputs give the same version."""
    digest = content_digest(base_image, json.dumps(variables, sort_keys=True))
    return f"{design_version}-{digest[:10]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _converge(
    target: str | SshTarget, variables: dict[str, Any], runner_dir: Path
) -> tuple[PlaybookRun, PlaybookRun]:
    with progress("converge") as step:
        converge = run_playbook(target, variables, runner_dir, "converge", step)
        step.note(f"ok={converge.ok} changed={converge.changed} failed={converge.failed}")
    if not converge.succeeded:
        detail = "; ".join(converge.failures) or f"ansible-runner ended {converge.status} (rc {converge.rc})"
        raise BuildError(f"the playbook failed: {detail} (artifacts: {converge.artifacts})")
    with progress("idempotence") as step:
        second = run_playbook(target, variables, runner_dir, "idempotence", step)
        step.note(f"ok={second.ok} changed={second.changed} failed={second.failed}")
    if not second.succeeded:
        detail = "; ".join(second.failures) or f"ansible-runner ended {second.status} (rc {second.rc})"
        raise BuildError(f"the second run of the playbook failed: {detail} (artifacts: {second.artifacts})")
    if second.changed:
        tasks = "; ".join(dict.fromkeys(second.changed_tasks)) or "see the artifacts"
        raise BuildError(f"not idempotent: {second.changed} change(s) on the second run: {tasks}")
    return converge, second


def _validate(
    target: str, variables: dict[str, Any], workdir: Path, sudo: bool, log_host: str | None
) -> VerifyReport:
    with progress("testinfra") as step:
        try:
            report = run_validation(
                target,
                variables,
                workdir,
                sudo=sudo,
                log_host=log_host,
                on_result=lambda result: step.advance(f"{result.group} {result.outcome}"),
            )
        except VerifyError as error:
            raise BuildError(str(error)) from None
        step.note("all controls pass" if report.passed else f"failing: {', '.join(report.failed_groups)}")
    if not report.passed:
        raise BuildError(f"validation failed for {', '.join(report.failed_groups)}", report)
    return report


def build(
    design: Design,
    profile_name: str | None = None,
    log_host: str | None = None,
    network: str | None = None,
    on: BuiltOn = "container",
) -> BuildOutcome:
    """Build, prove and export the image of one profile (the default profile when None), in a container
    or on a booted machine (`on`; on `network`, see `building`). With `log_host` (a testinfra target)
    forwarded log messages must arrive there."""
    with building(design, profile_name, log_host, network, on=on) as built:
        return built.outcome


@dataclass(frozen=True)
class Built:
    """A finished build and the machine (or container) it was proven on, still running."""

    outcome: BuildOutcome
    target: str
    sudo: bool


@contextmanager
def building(
    design: Design,
    profile_name: str | None = None,
    log_host: str | None = None,
    network: str | None = None,
    on: BuiltOn = "container",
) -> Iterator[Built]:
    """`build`, keeping the proven machine running until the block ends (to audit it again). `network`:
    a Docker network (its subnet within the SSH management prefixes) to boot the machine on, e.g. one that
    a central log host sits on; by default the machine gets a network of its own."""
    profile = select_profile(design, profile_name)
    state_dir().mkdir(parents=True, exist_ok=True)
    # Two builds of one profile in this clone would share (and wipe) one output folder: the second waits.
    with FileLock(str(state_dir() / f"workplace-{profile.name}.lock")):
        yield from _build(design, profile, log_host, network, on)


def strip_tree(tree: Path, patterns: tuple[str, ...]) -> None:
    """Remove what a machine made from the image must not share or keep (absolute glob patterns)."""
    for pattern in patterns:
        for path in tree.glob(pattern.lstrip("/")):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


@contextmanager
def _subject(
    design: Design,
    profile: WorkplaceProfile,
    variables: dict[str, Any],
    release: str,
    out: Path,
    network: str | None,
    on: BuiltOn,
) -> Iterator[_Subject]:
    """A booted machine of the base image with the profile's packages in, or a container of the base image."""
    name = f"fundament-workplace-{profile.name}-{os.getpid()}"
    missing = uml_missing()
    if on == "machine" and missing is not None:
        raise BuildError(f"cannot boot the machine: {missing}")
    try:
        if on == "machine":
            base = ensure_image(machine_recipe(base_recipe(release)))
            reference = ensure_preinstalled(base, profile.name, variables, release, out)
            with _machine(design, name, reference, out, network) as subject:
                yield subject
        else:
            with _container(name, release) as subject:
                yield subject
    except ImageBuildError as error:
        raise BuildError(f"the base image could not be built: {error}") from None
    except PreinstallError as error:
        raise BuildError(f"the machine image with the profile's packages: {error}") from None
    except (machine.MachineError, container.ContainerError) as error:
        raise BuildError(str(error)) from None


@contextmanager
def _machine(design: Design, name: str, reference: str, out: Path, network: str | None) -> Iterator[_Subject]:
    allowed_from = [str(prefix) for prefix in design.management.ssh.allowed_from]
    with ExitStack() as stack:
        with progress("boot") as step:
            step.note("user-mode Linux, systemd as PID 1")
            booted = stack.enter_context(
                machine.booted(
                    reference, name, allowed_from, out / "ssh", network, avoid=[str(design.management.subnet)]
                )
            )
            step.note(f"{booted.address} answers SSH after {booted.boot_seconds} s")
        yield _Subject(
            built_on="machine",
            ansible=booted.ssh,
            testinfra=booted.ssh.uri,
            sudo=True,
            boot_seconds=booted.boot_seconds,
            copy_tree=lambda tree: machine.export_tree(booted, tree, MACHINE_SPECIFIC),
        )


@contextmanager
def _container(name: str, release: str) -> Iterator[_Subject]:
    container.start(ensure_image(base_recipe(release)), name, release)
    try:
        yield _Subject(
            built_on="container",
            ansible=name,
            testinfra=f"docker://{name}",
            sudo=False,
            boot_seconds=None,
            copy_tree=lambda tree: container.export_tree(name, tree),
        )
    finally:
        container.remove(name)


def _build(
    design: Design, profile: WorkplaceProfile, log_host: str | None, network: str | None, on: BuiltOn
) -> Iterator[Built]:
    release = design.workplace.base if design.workplace else "bookworm"
    variables = playbook_vars(design, profile)
    out = output_dir(profile.name)
    # The folder shows the latest attempt only: no manifest of an older build next to a failed one.
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    base_image = base_recipe(release).reference
    version = image_version(design.design.version, base_image, variables)
    repository = f"fundament/workplace-{profile.name}"
    tag = f"{repository}:{version}"
    stem = f"workplace-{profile.name}-{version}"
    with _subject(design, profile, variables, release, out, network, on) as subject:
        converge, idempotence = _converge(subject.ansible, variables, out / "runner")
        report = _validate(subject.testinfra, variables, out / "verify", subject.sudo, log_host)
        packages = installed_packages(testinfra.get_host(subject.testinfra, sudo=subject.sudo))
        with tempfile.TemporaryDirectory(prefix="rootfs-", dir=out) as tmp:
            tree = Path(tmp) / "tree"
            with progress("root file system") as step:
                try:
                    subject.copy_tree(tree)
                except (machine.MachineError, container.ContainerError) as error:
                    raise BuildError(str(error)) from None
                strip_tree(tree, MACHINE_SPECIFIC)
                step.note(f"copied off the {subject.built_on}")
            try:
                outcome = _export(
                    design, profile, tree, out, tag, stem, version, base_image, packages,
                    converge, idempotence, report, subject,
                )  # fmt: skip
            except BaseException:
                container.untag(tag)
                for partial in out.glob(f"{stem}.*"):
                    partial.unlink()
                raise
        yield Built(outcome=outcome, target=subject.testinfra, sudo=subject.sudo)


def _export(
    design: Design,
    profile: WorkplaceProfile,
    tree: Path,
    out: Path,
    tag: str,
    stem: str,
    version: str,
    base_image: str,
    packages: dict[str, str],
    converge: PlaybookRun,
    idempotence: PlaybookRun,
    report: VerifyReport,
    subject: _Subject,
) -> BuildOutcome:
    """The proven root file system as a Docker image (tarball) and a disk image, and the manifest."""
    built_at = datetime.now(UTC)
    labels = {
        "org.opencontainers.image.title": f"fundament workplace PoC: {profile.name}",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.created": built_at.isoformat(),
        PROFILE_LABEL: profile.name,
    }
    tarball = out / f"{stem}.tar"
    try:
        with progress("export", total=2) as step:
            image_id = container.import_tree(tree, tag, labels, cmd=CONTAINER_CMD)
            step.advance(f"imported {tag}")
            container.save(tag, tarball)
            step.advance(f"saved {tarball.name}")
        with progress("disk image", total=4) as step:
            root = tree.parent / "root.ext4"
            ext4_from_tree(tree, root)
            shutil.rmtree(tree)
            disk = build_disk(
                root, out, stem, seed=version, title=f"fundament workplace {profile.name} {version}",
                on_step=step.advance,
            )  # fmt: skip
    except container.ContainerError as error:
        raise BuildError(str(error)) from None
    except DiskError as error:
        raise BuildError(f"the disk image: {error}") from None
    manifest = build_manifest(
        design=design,
        profile=profile,
        version=version,
        image=tag,
        image_id=image_id,
        tarball=tarball.name,
        tarball_sha256=_sha256(tarball),
        base_image=base_image,
        built_on=subject.built_on,
        boot_seconds=subject.boot_seconds,
        disk=disk,
        built_at=built_at,
        builder=f"fundament {__version__}",
        packages=packages,
        converge=converge,
        idempotence=idempotence,
        report=report,
    )
    manifest_path = out / "manifest.json"
    manifest_path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    container.retire_older_images(tag.rsplit(":", 1)[0], keep=tag, label=f"{PROFILE_LABEL}={profile.name}")
    return BuildOutcome(manifest=manifest, manifest_path=manifest_path, tarball=tarball, report=report)
