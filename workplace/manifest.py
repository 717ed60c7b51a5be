"""The manifest that travels with an exported image: what it is, what is in it, and how it was proven."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from inventory.model import Design
from inventory.model.workplace import WorkplaceProfile
from workplace.controls import CATALOG
from workplace.disk import DiskImage
from workplace.runner import PlaybookRun
from workplace.verify import TestOutcome, VerifyReport


class ControlRecord(BaseModel):
    control: str
    reference: str
    title: str
    applied: bool
    exception: str | None = None
    audit: Literal["pass", "fail", "exception", "not audited"]


class RunRecord(BaseModel):
    ok: int
    changed: int
    failed: int
    seconds: float
    changed_tasks: list[str] = []


class TestRecord(BaseModel):
    __test__ = False  # a manifest section, not a pytest test class

    passed: int
    failed: int
    skipped: int
    seconds: float
    results: list[TestOutcome]


class Manifest(BaseModel):
    profile: str
    description: str
    version: str
    image: str
    image_id: str
    tarball: str
    tarball_sha256: str
    base_image: str
    built_on: Literal["machine", "container"]
    boot_seconds: float | None
    disk: DiskImage
    design: str
    built_at: datetime
    builder: str
    software: dict[str, list[str]]
    accessibility: list[str]
    packages: dict[str, str]
    controls: list[ControlRecord]
    converge: RunRecord
    idempotence: RunRecord
    tests: TestRecord


def _run_record(run: PlaybookRun) -> RunRecord:
    return RunRecord(
        ok=run.ok,
        changed=run.changed,
        failed=run.failed,
        seconds=run.seconds,
        changed_tasks=run.changed_tasks,
    )


def build_manifest(
    *,
    design: Design,
    profile: WorkplaceProfile,
    version: str,
    image: str,
    image_id: str,
    tarball: str,
    tarball_sha256: str,
    base_image: str,
    built_on: Literal["machine", "container"],
    boot_seconds: float | None,
    disk: DiskImage,
    built_at: datetime,
    builder: str,
    packages: dict[str, str],
    converge: PlaybookRun,
    idempotence: PlaybookRun,
    report: VerifyReport,
) -> Manifest:
    """Every control of the catalog, applied or excepted, with its audit result from `report`."""
    exceptions = {item.control: item.reason for item in profile.baseline_exceptions}
    audits = {group.group: group.status for group in report.groups}
    controls = [
        ControlRecord(
            control=spec.control.value,
            reference=spec.reference,
            title=spec.title,
            applied=spec.control not in exceptions,
            exception=exceptions.get(spec.control),
            audit=audits.get(spec.control.value, "not audited"),
        )
        for spec in CATALOG
    ]
    outcomes = [result.outcome for result in report.tests]
    software = profile.software.model_dump(exclude_defaults=False)
    return Manifest(
        profile=profile.name,
        description=profile.description,
        version=version,
        image=image,
        image_id=image_id,
        tarball=tarball,
        tarball_sha256=tarball_sha256,
        base_image=base_image,
        built_on=built_on,
        boot_seconds=boot_seconds,
        disk=disk,
        design=f"{design.design.name} {design.design.version}",
        built_at=built_at,
        builder=builder,
        software={purpose: packages_ for purpose, packages_ in software.items() if packages_},
        accessibility=profile.accessibility.packages,
        packages=dict(sorted(packages.items())),
        controls=controls,
        converge=_run_record(converge),
        idempotence=_run_record(idempotence),
        tests=TestRecord(
            passed=outcomes.count("passed"),
            failed=outcomes.count("failed"),
            skipped=outcomes.count("skipped"),
            seconds=report.seconds,
            results=report.tests,
        ),
    )
