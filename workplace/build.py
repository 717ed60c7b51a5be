"""Build a PoC image: converge, prove idempotence, validate, then commit, export and describe it.

Molecule's sequence (converge -> idempotence -> verify) on a container of the cached base image. Only a
container that passed all three is committed and tagged; whatever fails, the container is removed and
the step, the changed tasks or the failing controls are named.
"""

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import testinfra
from filelock import FileLock

from fundament import __version__
from fundament.console import progress
from fundament.errors import FundamentError
from fundament.machines.images import ImageBuildError, ensure_image
from fundament.paths import build_dir, state_dir
from inventory.model import Design
from inventory.model.workplace import WorkplaceProfile
from workplace import container
from workplace.image import base_recipe
from workplace.manifest import Manifest, build_manifest
from workplace.profile import playbook_vars, select_profile
from workplace.runner import ANSIBLE_DIR, PlaybookRun, run_playbook
from workplace.validation.checks import installed_packages
from workplace.verify import VerifyError, VerifyReport, run_validation

# Marks every image a build commits, so that superseded ones can be found and dropped.
PROFILE_LABEL = "nl.provincie.fundament.workplace-profile"


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


def output_dir(profile: str) -> Path:
    return build_dir() / "workplace" / profile


def image_version(design_version: str, base_image: str, variables: dict[str, Any]) -> str:
    """`<design version>-<hash>`: the hash covers the Ansible content, the variables and the base image,
    so the same inputs give the same version."""
    digest = hashlib.sha256()
    digest.update(base_image.encode())
    digest.update(json.dumps(variables, sort_keys=True).encode())
    for path in sorted(ANSIBLE_DIR.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ANSIBLE_DIR)).encode())
            digest.update(path.read_bytes())
    return f"{design_version}-{digest.hexdigest()[:10]}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _converge(name: str, variables: dict[str, Any], runner_dir: Path) -> tuple[PlaybookRun, PlaybookRun]:
    with progress("converge") as step:
        converge = run_playbook(name, variables, runner_dir, "converge", step)
        step.note(f"ok={converge.ok} changed={converge.changed} failed={converge.failed}")
    if not converge.succeeded:
        detail = "; ".join(converge.failures) or f"ansible-runner ended {converge.status} (rc {converge.rc})"
        raise BuildError(f"the playbook failed: {detail} (artifacts: {converge.artifacts})")
    with progress("idempotence") as step:
        second = run_playbook(name, variables, runner_dir, "idempotence", step)
        step.note(f"ok={second.ok} changed={second.changed} failed={second.failed}")
    if not second.succeeded:
        detail = "; ".join(second.failures) or f"ansible-runner ended {second.status} (rc {second.rc})"
        raise BuildError(f"the second run of the playbook failed: {detail} (artifacts: {second.artifacts})")
    if second.changed:
        tasks = "; ".join(dict.fromkeys(second.changed_tasks)) or "see the artifacts"
        raise BuildError(f"not idempotent: {second.changed} change(s) on the second run: {tasks}")
    return converge, second


def _validate(name: str, variables: dict[str, Any], workdir: Path) -> VerifyReport:
    with progress("testinfra") as step:
        try:
            report = run_validation(
                f"docker://{name}",
                variables,
                workdir,
                on_result=lambda result: step.advance(f"{result.group} {result.outcome}"),
            )
        except VerifyError as error:
            raise BuildError(str(error)) from None
        step.note("all controls pass" if report.passed else f"failing: {', '.join(report.failed_groups)}")
    if not report.passed:
        raise BuildError(f"validation failed for {', '.join(report.failed_groups)}", report)
    return report


def build(design: Design, profile_name: str | None = None) -> BuildOutcome:
    """Build, prove and export the image of one profile (the default profile when None)."""
    profile = select_profile(design, profile_name)
    state_dir().mkdir(parents=True, exist_ok=True)
    # Two builds of one profile in this clone would share (and wipe) one output folder: the second waits.
    with FileLock(str(state_dir() / f"workplace-{profile.name}.lock")):
        return _build(design, profile)


def _build(design: Design, profile: WorkplaceProfile) -> BuildOutcome:
    release = design.workplace.base if design.workplace else "bookworm"
    variables = playbook_vars(design, profile)
    out = output_dir(profile.name)
    # The folder shows the latest attempt only: no manifest of an older build next to a failed one.
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    try:
        base_image = ensure_image(base_recipe(release))
    except ImageBuildError as error:
        raise BuildError(f"the base image could not be built: {error}") from None
    version = image_version(design.design.version, base_image, variables)
    repository = f"fundament/workplace-{profile.name}"
    tag = f"{repository}:{version}"
    name = f"fundament-workplace-{profile.name}-{os.getpid()}"
    try:
        container.start(base_image, name, release)
        converge, idempotence = _converge(name, variables, out / "runner")
        report = _validate(name, variables, out / "verify")
        with progress("export", total=3) as step:
            packages = installed_packages(testinfra.get_host(f"docker://{name}"))
            built_at = datetime.now(UTC)
            labels = {
                "org.opencontainers.image.title": f"fundament workplace PoC: {profile.name}",
                "org.opencontainers.image.version": version,
                "org.opencontainers.image.created": built_at.isoformat(),
                PROFILE_LABEL: profile.name,
            }
            image_id = container.commit(name, tag, labels)
            step.advance(f"committed {tag}")
            tarball = out / f"workplace-{profile.name}-{version}.tar"
            try:
                container.save(tag, tarball)
                step.advance(f"saved {tarball.name}")
                manifest = build_manifest(
                    design=design,
                    profile=profile,
                    version=version,
                    image=tag,
                    image_id=image_id,
                    tarball=tarball.name,
                    tarball_sha256=_sha256(tarball),
                    base_image=base_image,
                    built_at=built_at,
                    builder=f"fundament {__version__}",
                    packages=packages,
                    converge=converge,
                    idempotence=idempotence,
                    report=report,
                )
                manifest_path = out / "manifest.json"
                manifest_path.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
                step.advance("manifest written")
            except BaseException:
                container.untag(tag)
                tarball.unlink(missing_ok=True)
                raise
        container.retire_older_images(repository, keep=tag, label=f"{PROFILE_LABEL}={profile.name}")
    except container.ContainerError as error:
        raise BuildError(str(error)) from None
    finally:
        container.remove(name)
    return BuildOutcome(manifest=manifest, manifest_path=manifest_path, tarball=tarball, report=report)
