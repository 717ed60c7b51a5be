"""Manifest generation from a build's parts (no Docker: the parts are built here)."""

import json
from datetime import UTC, datetime

from inventory.model.workplace import Control
from workplace.build import image_version
from workplace.disk import DiskCheck, DiskFile, DiskImage
from workplace.manifest import Manifest, build_manifest
from workplace.profile import playbook_vars, select_profile
from workplace.runner import PlaybookRun
from workplace.verify import TestOutcome, VerifyReport, summarize

BUILT_AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _run(changed: int, seconds: float) -> PlaybookRun:
    return PlaybookRun(
        status="successful", rc=0, ok=42, changed=changed, failed=0, seconds=seconds, artifacts="/tmp/a"
    )


def _report(outcomes: list[TestOutcome]) -> VerifyReport:
    groups = summarize(outcomes)
    return VerifyReport(
        target="docker://x",
        passed=all(g.status != "fail" for g in groups),
        seconds=4.2,
        groups=groups,
        tests=outcomes,
    )


DISK = DiskImage(
    root_uuid="8d3f0c55-3a4e-5b7e-9f1c-0a1b2c3d4e5f",
    esp_uuid="1A2B-3C4D",
    kernel="vmlinuz-6.1.0-28-amd64",
    initrd="initrd.img-6.1.0-28-amd64",
    files=[
        DiskFile(file="p.raw", format="raw", bytes=2 << 30, virtual_bytes=2 << 30, sha256="cd" * 32),
        DiskFile(file="p.qcow2", format="qcow2", bytes=1 << 30, virtual_bytes=2 << 30, sha256="ef" * 32),
    ],
    checks=[DiskCheck(check="partition table", passed=True, detail="gpt label, 2 partition(s)")],
    seconds=12.5,
)


def _manifest(design, profile_name: str, outcomes: list[TestOutcome]) -> Manifest:
    profile = select_profile(design, profile_name)
    return build_manifest(
        design=design,
        profile=profile,
        version="2026.11-abc",
        image="fundament/workplace-kantoor:2026.11-abc",
        image_id="sha256:1234",
        tarball="workplace-kantoor-2026.11-abc.tar",
        tarball_sha256="ab" * 32,
        base_image="fundament/workplace-base:0123",
        built_on="machine",
        boot_seconds=21.5,
        disk=DISK,
        built_at=BUILT_AT,
        builder="fundament 0.1.0",
        packages={"zsh": "5.9-4", "bash": "5.2.15-2+b7"},
        converge=_run(38, 200.0),
        idempotence=_run(0, 45.0),
        report=_report(outcomes),
    )


KANTOOR_OUTCOMES = [
    TestOutcome(
        test="test_usb", group=Control.USB_STORAGE.value, outcome="skipped", message="exception: usb"
    ),
    TestOutcome(test="test_root", group=Control.SSHD_ROOT_LOGIN.value, outcome="passed"),
    TestOutcome(
        test="test_keys", group=Control.SSHD_KEYS_ONLY.value, outcome="failed", message="assert 'yes'"
    ),
    TestOutcome(test="test_locale", group="base", outcome="passed"),
]


def test_every_control_is_listed_with_applied_exception_and_audit(design):
    manifest = _manifest(design, "kantoor", KANTOOR_OUTCOMES)
    controls = {record.control: record for record in manifest.controls}
    assert list(controls) == [control.value for control in Control]
    usb = controls[Control.USB_STORAGE.value]
    assert (usb.applied, usb.audit) == (False, "exception")
    assert usb.exception is not None and usb.exception.startswith("Pilotgebruikers")
    assert controls[Control.SSHD_ROOT_LOGIN.value].audit == "pass"
    assert controls[Control.SSHD_KEYS_ONLY.value].audit == "fail"
    assert controls[Control.AUDITD.value].audit == "not audited"
    assert all(record.applied for name, record in controls.items() if name != Control.USB_STORAGE.value)


def test_profile_without_exceptions_applies_all(design):
    manifest = _manifest(design, "balie", [])
    assert all(record.applied and record.exception is None for record in manifest.controls)


def test_packages_software_runs_and_tests_are_recorded(design):
    manifest = _manifest(design, "kantoor", KANTOOR_OUTCOMES)
    assert list(manifest.packages) == ["bash", "zsh"]
    assert manifest.software == {
        "browser": ["firefox-esr"],
        "office": ["abiword"],
        "pdf_reader": ["evince"],
        "vpn": ["openconnect"],
        "printing": ["cups-client"],
    }
    assert manifest.accessibility == ["orca", "magnus"]
    assert (manifest.converge.changed, manifest.idempotence.changed) == (38, 0)
    assert (manifest.tests.passed, manifest.tests.failed, manifest.tests.skipped) == (2, 1, 1)
    assert manifest.design == "provincie-fundament 2026.11"
    assert (manifest.built_on, manifest.boot_seconds) == ("machine", 21.5)
    assert [(file.format, file.sha256) for file in manifest.disk.files] == [
        ("raw", "cd" * 32),
        ("qcow2", "ef" * 32),
    ]


def test_balie_lists_only_the_purposes_it_fills(design):
    assert set(_manifest(design, "balie", []).software) == {"browser", "pdf_reader", "printing"}


def test_manifest_round_trips_through_json(design):
    manifest = _manifest(design, "kantoor", KANTOOR_OUTCOMES)
    text = manifest.model_dump_json(indent=2)
    assert json.loads(text)["built_at"] == "2026-11-30T09:00:00Z"
    assert Manifest.model_validate_json(text) == manifest


def test_image_version_is_a_function_of_its_inputs(design):
    variables = playbook_vars(design, select_profile(design))
    first = image_version("2026.11", "base:1", variables)
    assert first == image_version("2026.11", "base:1", dict(variables))
    assert first.startswith("2026.11-")
    assert image_version("2026.11", "base:2", variables) != first
    assert image_version("2026.11", "base:1", {**variables, "baseline_banner": "anders"}) != first
