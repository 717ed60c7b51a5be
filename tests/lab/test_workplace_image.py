"""The workplace PoC image, built for real: the default profile converges, is idempotent, passes every
audit and is exported with its manifest; a broken control shows up as exactly that control failing;
a failing build leaves nothing behind."""

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundament.machines.images import ensure_image
from fundament.machines.uml import uml_missing
from fundament.paths import inventory_dir
from inventory import Design, load_design
from inventory.model.workplace import Control
from workplace import container, machine
from workplace.build import BuildError, BuildOutcome, Built, build, building
from workplace.disk import read_layout, structure_checks
from workplace.image import log_host_recipe
from workplace.manifest import Manifest

pytestmark = pytest.mark.docker

FUNDAMENT = str(Path(sys.executable).parent / "fundament")
# Audits of the running state say so when they find no booted machine: none may say it here.
NOT_BOOTED = "not a booted machine"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str, str]]:
    """A central log host on a network within the SSH management prefixes, and a copy of the sample
    design whose log server is that host: (design folder, network, log host container)."""
    design = load_design()
    name = f"fundament-wp-{uuid.uuid4().hex[:6]}"
    allowed_from = [str(prefix) for prefix in design.management.ssh.allowed_from]
    subnet = machine.create_network(name, allowed_from, avoid=[str(design.management.subnet)])
    log_host = f"{name}-loghost"
    address = str(list(subnet.hosts())[1])
    try:
        reference = ensure_image(log_host_recipe(design.workplace.base if design.workplace else "bookworm"))
        container.docker("run", "--detach", "--name", log_host, "--network", name, "--ip", address, reference)
        folder = tmp_path_factory.mktemp("design") / "design"
        shutil.copytree(inventory_dir(), folder)
        management = folder / "management.yaml"
        servers = [str(server.host) for server in design.management.syslog]
        text = management.read_text()
        for server in servers:
            text = text.replace(server, address)
        management.write_text(text)
        yield folder, name, log_host
    finally:
        container.remove(log_host)
        subprocess.run(["docker", "network", "rm", name], capture_output=True, check=False)


@pytest.fixture(scope="module")
def design(central: tuple[Path, str, str]) -> Design:
    return load_design(central[0])


@pytest.fixture(scope="module")
def session(design: Design, central: tuple[Path, str, str]) -> Iterator[Built]:
    """The default profile built on a booted machine, which keeps running for the audits below."""
    _, network, log_host = central
    with building(design, log_host=f"docker://{log_host}", network=network) as built:
        yield built


@pytest.fixture(scope="module")
def built(session: Built) -> BuildOutcome:
    return session.outcome


@pytest.fixture
def pilot(built: BuildOutcome) -> Iterator[str]:
    """A container started from the exported image, as a pilot team would start it."""
    name = f"fundament-workplace-pilot-{uuid.uuid4().hex[:8]}"
    container.docker("run", "--detach", "--name", name, "--cap-add", "NET_ADMIN", built.manifest.image)
    yield name
    container.remove(name)


def _verify(folder: Path, target: str, *options: str) -> tuple[int, dict[str, str]]:
    """`fundament workplace verify --json`: exit code and status per control."""
    result = subprocess.run(
        [FUNDAMENT, "workplace", "verify", "-i", str(folder), "--machine", target, "--json", *options],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
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
    assert uml_missing() is None, "CI builds on a booted machine: user-mode Linux must be installed"
    assert manifest.built_on == "machine" and manifest.boot_seconds is not None
    skipped = [result for result in manifest.tests.results if result.outcome == "skipped"]
    assert [result.test for result in skipped if not result.message.startswith("exception:")] == []
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


def test_running_state_is_proven_on_the_machine(built: BuildOutcome) -> None:
    """Services up and rules loaded, a log line arrived at the central log host, the PAM policies refused a
    short password and locked an account after failed log-ins: each under its control."""
    results = {result.test.split("[", 1)[0]: (result.group, result.outcome) for result in built.report.tests}
    for test, control in (
        ("test_auditd_runs_with_the_baseline_rules_loaded", Control.AUDITD),
        ("test_default_deny_ruleset_is_active", Control.FIREWALL),
        ("test_chronyd_runs_against_the_central_servers", Control.TIME_SYNC),
        ("test_forwarded_message_arrives_at_the_central_log_host", Control.LOG_FORWARDING),
        ("test_sshd_runs_with_the_audited_settings", Control.SSHD_ROOT_LOGIN),
        ("test_unattended_upgrade_timers_are_active", Control.SECURITY_UPDATES),
        ("test_a_too_short_password_is_refused", Control.PASSWORD_QUALITY),
        ("test_failed_logins_lock_the_account", Control.LOCKOUT),
    ):
        assert results[test] == (control.value, "passed"), test
    assert results["test_accessibility_defaults_apply"] == ("accessibility", "passed")


def test_verify_names_each_broken_control_on_the_machine(
    session: Built, central: tuple[Path, str, str]
) -> None:
    """Stop auditd, flush the firewall, stop log forwarding: verify fails exactly those controls."""
    folder, _, log_host = central
    options = ["--log-host", f"docker://{log_host}", *(["--sudo"] if session.sudo else [])]
    status, groups = _verify(folder, session.target, *options)
    assert (status, sorted(name for name, result in groups.items() if result == "fail")) == (0, [])
    ssh = session.target  # ssh://user@host:port?ssh_config=FILE
    login, _, query = ssh.removeprefix("ssh://").partition("?ssh_config=")
    user_host, _, port = login.rpartition(":")
    for command in (
        "kill $(pidof auditd)",
        "nft flush ruleset",
        "systemctl stop rsyslog.service syslog.socket",
    ):
        subprocess.run(["ssh", "-F", query, "-p", port, user_host, f"sudo sh -c '{command}'"], check=True)
    status, groups = _verify(folder, session.target, *options)
    assert status == 1
    assert sorted(name for name, result in groups.items() if result == "fail") == sorted(
        [Control.FIREWALL.value, Control.LOG_FORWARDING.value, Control.AUDITD.value]
    )


@pytest.mark.parametrize(
    ("setting", "control"),
    [
        ("PermitRootLogin yes", Control.SSHD_ROOT_LOGIN),
        ("PasswordAuthentication yes", Control.SSHD_KEYS_ONLY),
    ],
)
def test_verify_reports_exactly_the_broken_control(
    pilot: str, central: tuple[Path, str, str], setting: str, control: Control
) -> None:
    status, groups = _verify(central[0], f"docker://{pilot}")
    assert status == 0
    assert set(groups.values()) == {"pass", "exception"}
    # An earlier drop-in wins in sshd: the way a local "fix" would quietly re-enable it.
    container.docker("exec", pilot, "sh", "-c", f"echo '{setting}' > /etc/ssh/sshd_config.d/00-local.conf")
    status, groups = _verify(central[0], f"docker://{pilot}")
    assert status == 1
    assert [name for name, result in groups.items() if result == "fail"] == [control.value]


def test_verify_over_ssh_with_sudo(pilot: str, central: tuple[Path, str, str], tmp_path: Path) -> None:
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
    status, groups = _verify(central[0], f"ssh://pilot@{address}?ssh_config={config}", "--sudo")
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


def test_a_second_profile_builds_too(
    design: Design, central: tuple[Path, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """balie applies every control (no exceptions): all of them pass on its machine too."""
    monkeypatch.setenv("FUNDAMENT_BUILD_DIR", str(tmp_path))
    _, network, log_host = central
    with building(design, "balie", log_host=f"docker://{log_host}", network=network) as built:
        manifest = built.outcome.manifest
    assert (manifest.profile, manifest.built_on, manifest.idempotence.changed) == ("balie", "machine", 0)
    assert {record.control: record.audit for record in manifest.controls} == {
        c.value: "pass" for c in Control
    }
    assert [file.format for file in manifest.disk.files] == ["raw", "qcow2", "vmdk"]
