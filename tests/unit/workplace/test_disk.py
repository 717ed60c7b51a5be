"""The disk image, written for real with the system tools from a small root file system, then read back:
the structure checks pass on what was written and name what a broken disk lacks."""

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from workplace import disk

pytestmark = pytest.mark.skipif(
    bool(disk.missing_tools()), reason=f"ci/bootstrap-docker.sh installs {', '.join(disk.missing_tools())}"
)

KERNEL = "vmlinuz-6.1.0-28-amd64"
INITRD = "initrd.img-6.1.0-28-amd64"


def _bzimage() -> bytes:
    """The first bytes of an x86 boot image: the setup header signature at 0x202."""
    head = bytearray(4096)
    head[0x202:0x206] = b"HdrS"
    return bytes(head)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, disk.DiskImage]:
    base = tmp_path_factory.mktemp("disk")
    tree = base / "tree"
    (tree / "boot").mkdir(parents=True)
    (tree / "etc").mkdir()
    (tree / "boot" / KERNEL).write_bytes(_bzimage())
    (tree / "boot" / INITRD).write_bytes(b"070701" + bytes(2048))
    (tree / "boot" / "vmlinuz-5.10.0-9-amd64").write_bytes(_bzimage())  # older, no initrd: not chosen
    (tree / "etc" / "fstab").write_text("# UNCONFIGURED FSTAB FOR BASE SYSTEM\n")
    root = base / "root.ext4"
    disk.ext4_from_tree(tree, root)
    before = root.read_bytes()
    image = disk.build_disk(
        root,
        base / "out",
        "poc",
        seed="test-1",
        title="test",
        spare_mib=8,
    )
    assert root.read_bytes() == before, "the input root file system must stay as it was"
    return base / "out", image


def test_disk_is_written_in_three_formats_with_digests(built: tuple[Path, disk.DiskImage]) -> None:
    out, image = built
    assert [file.format for file in image.files] == ["raw", "qcow2", "vmdk"]
    raw_size = (out / "poc.raw").stat().st_size
    for file in image.files:
        path = out / file.file
        assert file.sha256 == disk._sha256(path)
        assert file.virtual_bytes == raw_size
        info = json.loads(subprocess.check_output(["qemu-img", "info", "--output=json", str(path)]))
        assert info["format"] == file.format
    compare = subprocess.run(
        ["qemu-img", "compare", str(out / "poc.raw"), str(out / "poc.qcow2")], check=False
    )
    assert compare.returncode == 0, "the qcow2 disk differs from the raw one"


def test_structure_checks_pass_on_the_written_disk(built: tuple[Path, disk.DiskImage]) -> None:
    out, image = built
    assert image.passed
    assert [check.check for check in image.checks] == [
        "partition table", "file systems", "fstab by UUID", "boot loader", "boot loader config",
        "kernel command line", "kernel", "initrd",
    ]  # fmt: skip
    assert (image.kernel, image.initrd) == (KERNEL, INITRD)
    layout = disk.read_layout(out / "poc.raw")
    root = next(part for part in layout.partitions if part.type == disk.ROOT_TYPE)
    assert root.fs_uuid == image.root_uuid
    assert f"UUID={image.root_uuid} / ext4" in layout.fstab
    assert f"linux /boot/{KERNEL} root=UUID={image.root_uuid}" in layout.grub_cfg


def test_same_seed_gives_the_same_identities() -> None:
    assert disk.identities("v1") == disk.identities("v1")
    assert disk.identities("v1") != disk.identities("v2")
    root, esp, _ = disk.identities("v1")
    assert len(esp) == 9 and esp[4] == "-"
    assert disk.fstab(root, esp).count("UUID=") == 2


def _failed(layout: disk.DiskLayout) -> list[str]:
    return [check.check for check in disk.structure_checks(layout) if not check.passed]


def test_checks_name_what_a_broken_disk_lacks(built: tuple[Path, disk.DiskImage]) -> None:
    out, image = built
    good = disk.read_layout(out / "poc.raw")
    assert _failed(good) == []
    wrong_uuid = good.fstab.replace(image.root_uuid, "00000000-0000-0000-0000-000000000000")
    assert _failed(dataclasses.replace(good, fstab=wrong_uuid)) == ["fstab by UUID"]
    by_device = good.fstab.replace(f"UUID={image.root_uuid}", "/dev/sda2")
    assert _failed(dataclasses.replace(good, fstab=by_device)) == ["fstab by UUID"]
    no_initrd = tuple(file for file in good.boot_files if "initrd" not in file.path)
    assert _failed(dataclasses.replace(good, boot_files=no_initrd)) == ["initrd"]
    assert _failed(dataclasses.replace(good, loader=None)) == ["boot loader"]
    assert _failed(dataclasses.replace(good, esp_grub_cfg="")) == ["boot loader config"]
    assert _failed(dataclasses.replace(good, label="dos")) == ["partition table"]
    overlapping = (
        good.partitions[0],
        dataclasses.replace(good.partitions[1], start=good.partitions[0].start),
    )
    assert "partition table" in _failed(dataclasses.replace(good, partitions=overlapping))


def test_a_root_without_kernel_is_refused(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "boot").mkdir(parents=True)
    (tree / "etc").mkdir()
    root = tmp_path / "root.ext4"
    disk.ext4_from_tree(tree, root)
    with pytest.raises(disk.DiskError, match="no kernel with an initrd"):
        disk.build_disk(root, tmp_path / "out", "poc", seed="x", title="x")
    assert shutil.which("qemu-img") and not (tmp_path / "out" / "poc.qcow2").exists()
