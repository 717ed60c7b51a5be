"""The workplace PoC image, built for real: the default profile converges, is idempotent, passes every
audit and is exported with its manifest; a broken control shows up as exactly that control failing;
a failing build leaves nothing behind."""

import hashlib
import json
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from inventory import Design, load_design
from inventory.model.workplace import Control
from workplace import container
from workplace.build import BuildError, BuildOutcome, Built, build, building
from workplace.disk import read_layout, structure_checks
from workplace.manifest import Manifest

pytestmark = pytest.mark.docker

FUNDAMENT = str(Path(sys.executable).parent / "fundament")
# Audits of the running state say so when they find no booted machine: none may say it here.
NOT_BOOTED = "not a booted machine"


@pytest.fixture(scope="module")
def design() -> Design:
    return load_design()


@pytest.fixture(scope="module")
def session(design: Design) -> Iterator[Built]:
    """The default profile built in a container of the base image."""
    with building(design) as built:
        yield built


@pytest.fixture(scope="module")
def built(session: Built) -> BuildOutcome:
    return session.outcome


@contextmanager
def _started(built: BuildOutcome) -> Iterator[str]:
    """A container started from the exported image, as a pilot team would start it."""
    name = f"fundament-workplace-pilot-{uuid.uuid4().hex[:8]}"
    container.docker("run", "--detach", "--name", name, "--cap-add", "NET_ADMIN", built.manifest.image)
    try:
        # The image holds no host keys (no two machines may share them): a first boot makes them, and
        # `sshd -T` refuses to report settings without any.
        container.docker("exec", name, "ssh-keygen", "-A")
        yield name
    finally:
        container.remove(name)


@pytest.fixture
def pilot(built: BuildOutcome) -> Iterator[str]:
    with _started(built) as name:
        yield name


@pytest.fixture(scope="module")
def verified_pilot(built: BuildOutcome) -> Iterator[str]:
    """A pilot container that verify found in order: each test below breaks one control, then restores it."""
    with _started(built) as name:
        status, groups = _verify(f"docker://{name}")
        assert status == 0, groups
        assert set(groups.values()) == {"pass", "exception"}
        yield name


def _verify(target: str, *options: str) -> tuple[int, dict[str, str]]:
    """`fundament workplace verify --json`: exit code and status per control."""
    result = subprocess.run(
        [FUNDAMENT, "workplace", "verify", "--machine", target, "--json", *options],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # verify reports on stdout; when it could not audit at all it says why on stderr only.
    assert result.stdout.strip(), (
        f"verify printed no report (exit {result.returncode}): {result.stderr[-2000:]}"
    )
    report = json.loads(result.stdout)
    return result.returncode, {group["group"]: group["status"] for group in report["groups"]}


def _balie_leftovers() -> tuple[set[str], set[str], set[str]]:
    """Build machines or containers, their networks and images of the balie profile on this machine."""
    names = container.docker("ps", "--all", "--format", "{{.Names}}").split()
    networks = container.docker("network", "ls", "--format", "{{.Name}}").split()
    tags = container.docker(
        "images", "--format", "{{.Repository}}:{{.Tag}}", "fundament/workplace-balie"
    ).split()
    prefix = "fundament-workplace-balie-"
    return (
        {n for n in names if n.startswith(prefix)},
        {n for n in networks if n.startswith(prefix)},
        set(tags),
    )


def test_default_profile_is_built_idempotent_and_passes_every_audit(built: BuildOutcome) -> None:
    manifest = built.manifest
    assert manifest.profile == "kantoor"
    assert manifest.built_on == "container" and manifest.boot_seconds is None
    skipped = {
        result.message.split(":", 1)[0] for result in manifest.tests.results if result.outcome == "skipped"
    }
    # No services run in a container: only the running-state audits are skipped, and they say why.
    assert skipped == {"exception", "running state", "no central log host given (--log-host)"}
    assert manifest.converge.changed > 0
    assert manifest.idempotence.changed == 0
    assert manifest.tests.failed == 0
    audits = {record.control: record.audit for record in manifest.controls}
    assert audits == {
        control.value: "exception" if control == Control.USB_STORAGE else "pass" for control in Control
    }


def test_image_tarball_and_manifest_are_written(built: BuildOutcome) -> None:
    manifest = built.manifest
    assert Manifest.model_validate_json(built.manifest_path.read_text()) == manifest
    digest = hashlib.sha256()
    with built.tarball.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    assert digest.hexdigest() == manifest.tarball_sha256
    with tarfile.open(built.tarball) as archive:
        saved = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert saved[0]["RepoTags"] == [manifest.image]
    assert (
        container.docker("image", "inspect", "--format", "{{.Id}}", manifest.image).strip()
        == manifest.image_id
    )


def test_manifest_lists_the_software_and_no_server_services(built: BuildOutcome) -> None:
    packages = built.manifest.packages
    for wanted in (
        "firefox-esr",
        "abiword",
        "evince",
        "openconnect",
        "cups-client",
        "orca",
        "magnus",
        "auditd",
    ):
        assert wanted in packages, wanted
    assert not {"avahi-daemon", "cups-daemon", "telnet", "rpcbind"} & packages.keys()


def test_pam_policies_hold_when_exercised(built: BuildOutcome) -> None:
    """The password length and lockout audits change a real password and fail real log-ins."""
    results = {result.test.split("[", 1)[0]: (result.group, result.outcome) for result in built.report.tests}
    assert results["test_a_too_short_password_is_refused"] == (Control.PASSWORD_QUALITY.value, "passed")
    assert results["test_failed_logins_lock_the_account"] == (Control.LOCKOUT.value, "passed")
    assert results["test_accessibility_defaults_apply"] == ("accessibility", "passed")


def test_disk_image_boots_by_uuid_in_three_formats(built: BuildOutcome) -> None:
    """The disk image beside the tarball: its files match their digests and its structure, read back from the
    raw disk, holds the image's own kernel and initrd."""
    image = built.manifest.disk
    assert [file.format for file in image.files] == ["raw", "qcow2", "vmdk"]
    for file in image.files:
        path = built.manifest_path.parent / file.file
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
        assert digest.hexdigest() == file.sha256, file.file
    layout = read_layout(built.manifest_path.parent / image.files[0].file)
    assert [check.check for check in structure_checks(layout) if not check.passed] == []
    assert image.kernel.startswith("vmlinuz-") and image.kernel.endswith("-amd64")
    assert f"/boot/{image.kernel}" in {file.path for file in layout.boot_files}
    packages = built.manifest.packages
    assert image.kernel.removeprefix("vmlinuz-") in {name.removeprefix("linux-image-") for name in packages}


@pytest.mark.parametrize(
    ("setting", "control"),
    [
        ("PermitRootLogin yes", Control.SSHD_ROOT_LOGIN),
        ("PasswordAuthentication yes", Control.SSHD_KEYS_ONLY),
    ],
)
def test_verify_reports_exactly_the_broken_control(
    verified_pilot: str, setting: str, control: Control
) -> None:
    # An earlier drop-in wins in sshd: the way a local "fix" would quietly re-enable it.
    local = "/etc/ssh/sshd_config.d/00-local.conf"
    container.docker("exec", verified_pilot, "sh", "-c", f"echo '{setting}' > {local}")
    try:
        status, groups = _verify(f"docker://{verified_pilot}")
    finally:
        container.docker("exec", verified_pilot, "rm", local)
    assert status == 1
    assert [name for name, result in groups.items() if result == "fail"] == [control.value]


def test_verify_over_ssh_with_sudo(pilot: str, tmp_path: Path) -> None:
    """A real PoC machine is audited over SSH as an ordinary user with sudo; the started image stands in."""
    key = tmp_path / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    setup = (
        "useradd --create-home --shell /bin/bash pilot"
        " && install -d -m 700 -o pilot -g pilot /home/pilot/.ssh"
        f" && echo '{key.with_suffix('.pub').read_text().strip()}' > /home/pilot/.ssh/authorized_keys"
        " && chown pilot:pilot /home/pilot/.ssh/authorized_keys"
        " && echo 'pilot ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/pilot"
        # The image holds no host keys: every machine makes its own at its first start.
        " && ssh-keygen -A && /usr/sbin/sshd"
    )
    container.docker("exec", pilot, "sh", "-c", setup)
    address = container.docker(
        "inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", pilot
    ).strip()
    config = tmp_path / "ssh_config"
    config.write_text(
        f"Host {address}\n  IdentityFile {key}\n  IdentitiesOnly yes\n"
        "  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n"
    )
    status, groups = _verify(f"ssh://pilot@{address}?ssh_config={config}", "--sudo")
    assert status == 0, groups
    assert groups[Control.SSHD_ROOT_LOGIN.value] == "pass"
    assert set(groups.values()) == {"pass", "exception"}


def test_a_failing_build_leaves_nothing_behind(
    design: Design, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAMENT_BUILD_DIR", str(tmp_path))
    assert design.workplace is not None
    profile = design.workplace.profile("balie").model_copy(update={"locale": "xx_XX.UTF-8"})
    broken = design.model_copy(
        update={
            "workplace": design.workplace.model_copy(
                update={"profiles": [profile], "default_profile": "balie"}
            )
        }
    )
    before = _balie_leftovers()
    with pytest.raises(BuildError, match=r"the playbook failed: Base \| Generate the locale"):
        build(broken)
    assert _balie_leftovers() == before
    out = tmp_path / "workplace" / "balie"
    assert not (out / "manifest.json").exists()
    assert list(out.glob("*.tar")) == []
    assert (out / "runner" / "artifacts" / "converge" / "stdout").is_file()
