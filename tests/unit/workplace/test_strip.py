"""What a machine made from the image must not share or keep is left out of the exported file system."""

from pathlib import Path

from workplace.build import strip_tree
from workplace.image import MACHINE_SPECIFIC


def test_host_keys_build_key_machine_id_and_build_markers_are_removed(tmp_path: Path) -> None:
    for path in (
        "etc/ssh/ssh_host_ed25519_key",
        "etc/ssh/ssh_host_ed25519_key.pub",
        "etc/ssh/sshd_config",
        "etc/ssh/authorized_keys/fundament",
        "etc/machine-id",
        "usr/sbin/policy-rc.d",
        ".dockerenv",
        "home/pilot/.ssh/authorized_keys",
    ):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("x")
    strip_tree(tmp_path, MACHINE_SPECIFIC)
    left = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*") if path.is_file())
    assert left == ["etc/ssh/sshd_config", "home/pilot/.ssh/authorized_keys"]
    assert (tmp_path / "etc/ssh/authorized_keys").is_dir(), "the folder stays for the next machine's keys"
