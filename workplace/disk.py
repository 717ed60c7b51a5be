"""The PoC as a disk image a real machine boots: GPT, an EFI system partition with GRUB, and the root file
system; raw, plus qcow2 and VMDK through `qemu-img`. Then its structure is read back and checked.

Everything is written into image files, never mounted (CI machines have no loop devices): `mkfs.vfat` and
mtools for the EFI partition, `debugfs` for the files the root file system needs (fstab by UUID, GRUB's
config), `sfdisk` for the partition table and `dd` to put the partitions in place. The checks read the raw
disk the same way, at each partition's offset (`debugfs 'disk.raw?offset=N'`, mtools `disk.raw@@N`), so
they inspect what a machine would find, not the intermediate files.

The boot chain: the firmware loads `\\EFI\\BOOT\\BOOTX64.EFI` (GRUB with its modules built in) from the EFI
partition; its stub config there finds the root file system by UUID and hands over to the root's
`/boot/grub/grub.cfg`, which boots the Debian kernel and initrd with `root=UUID=...`.
"""

import hashlib
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from fundament.errors import FundamentError

SECTOR = 512
MIB = 1 << 20
ESP_MIB = 64
# What the root file system gets beyond its contents: room for logs and updates until it is grown on disk.
ROOT_SPARE_MIB = 512
ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
ROOT_TYPE = "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"  # Linux root (x86-64), discoverable partitions spec
BOOT_EFI = "/EFI/BOOT/BOOTX64.EFI"
# Built into the GRUB image: there is no GRUB module directory on the disk to load more from.
GRUB_MODULES = (
    "part_gpt", "fat", "ext2", "normal", "linux", "search", "search_fs_uuid", "configfile", "echo",
    "gzio", "all_video", "test",
)  # fmt: skip
_TOOLS = ("mkfs.vfat", "mmd", "mcopy", "mtype", "sfdisk", "debugfs", "e2fsck", "tune2fs", "resize2fs",
          "dumpe2fs", "blkid", "grub-mkimage", "qemu-img")  # fmt: skip
_NAMESPACE = uuid.UUID("6f1b3c2e-4e55-4a4f-9a0e-2f6d1c6b7a10")

DiskFormat = Literal["raw", "qcow2", "vmdk"]


class DiskError(FundamentError, RuntimeError):
    """The disk image could not be written or failed its structural checks; the message says which."""


class DiskFile(BaseModel):
    file: str
    format: DiskFormat
    bytes: int
    virtual_bytes: int
    sha256: str


class DiskCheck(BaseModel):
    check: str
    passed: bool
    detail: str


class DiskImage(BaseModel):
    """What goes into the manifest: the files with their digests, the identities, the structure checks."""

    root_uuid: str
    esp_uuid: str
    kernel: str
    initrd: str
    files: list[DiskFile]
    checks: list[DiskCheck]
    seconds: float

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


@dataclass(frozen=True)
class Partition:
    number: int
    start: int  # sectors
    size: int  # sectors
    type: str
    name: str
    fs_type: str
    fs_uuid: str

    @property
    def offset(self) -> int:
        return self.start * SECTOR


@dataclass(frozen=True)
class BootFile:
    path: str
    size: int
    magic: bytes


@dataclass(frozen=True)
class DiskLayout:
    """What the raw disk holds, read back from the disk itself."""

    label: str
    disk_bytes: int
    partitions: tuple[Partition, ...]
    fstab: str
    esp_grub_cfg: str
    grub_cfg: str
    loader: BootFile | None
    boot_files: tuple[BootFile, ...]


def _run(*command: str, stdin: str | None = None, binary: bool = False) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(
        list(command), input=stdin.encode() if stdin is not None else None, capture_output=True, check=False
    )
    if result.returncode != 0 and not (command[0] == "e2fsck" and result.returncode == 1):
        detail = (result.stderr or result.stdout).decode(errors="replace").strip().splitlines()[-3:]
        raise DiskError(f"{command[0]} failed (exit {result.returncode}): {' / '.join(detail)}")
    return result


def _text(*command: str, stdin: str | None = None) -> str:
    return _run(*command, stdin=stdin).stdout.decode(errors="replace")


def missing_tools() -> list[str]:
    return [tool for tool in _TOOLS if shutil.which(tool) is None]


def identities(seed: str) -> tuple[str, str, str]:
    """Root file system UUID, EFI volume id (XXXX-XXXX) and disk GUID, derived from `seed` (the image
    version): the same image gets the same identities, so its fstab and boot config are reproducible."""
    root = uuid.uuid5(_NAMESPACE, f"{seed}/root")
    esp = uuid.uuid5(_NAMESPACE, f"{seed}/esp").hex[:8].upper()
    disk = uuid.uuid5(_NAMESPACE, f"{seed}/disk")
    return str(root), f"{esp[:4]}-{esp[4:]}", str(disk).upper()


def fstab(root_uuid: str, esp_uuid: str) -> str:
    return (
        "# <file system> <mount point> <type> <options> <dump> <pass>  (fundament workplace build)\n"
        f"UUID={root_uuid} / ext4 errors=remount-ro 0 1\n"
        f"UUID={esp_uuid} /boot/efi vfat umask=0077 0 2\n"
    )


def esp_grub_cfg(root_uuid: str) -> str:
    """The stub on the EFI partition: find the root file system and use its config."""
    return (
        f"search --no-floppy --fs-uuid --set=root {root_uuid}\n"
        "set prefix=($root)/boot/grub\n"
        "configfile $prefix/grub.cfg\n"
    )


def grub_cfg(root_uuid: str, kernel: str, initrd: str, title: str) -> str:
    return (
        "set timeout=3\nset default=0\n"
        f'menuentry "{title}" {{\n'
        f"  search --no-floppy --fs-uuid --set=root {root_uuid}\n"
        f"  linux /boot/{kernel} root=UUID={root_uuid} ro quiet\n"
        f"  initrd /boot/{initrd}\n"
        "}\n"
    )


def _boot_listing(image: str) -> dict[str, int]:
    """Regular files in /boot of an ext4 image (`image` may carry `?offset=N`) and their sizes."""
    listing = _text("debugfs", "-R", "ls -p /boot", image)
    files = {}
    for line in listing.splitlines():
        fields = line.strip().strip("/").split("/")
        if len(fields) == 6 and fields[1].startswith("10"):  # mode 10xxxx: a regular file
            files[fields[4]] = int(fields[5])
    return files


def _kernel_version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name.removeprefix("vmlinuz-")))


def kernel_and_initrd(boot: dict[str, int]) -> tuple[str, str]:
    """The newest kernel in /boot that has an initrd beside it."""
    kernels = sorted(
        (name for name in boot if name.startswith("vmlinuz-") and f"initrd.img-{name[8:]}" in boot),
        key=_kernel_version,
    )
    if not kernels:
        found = ", ".join(sorted(boot)) or "nothing"
        raise DiskError(f"no kernel with an initrd in the root file system's /boot (found: {found})")
    return kernels[-1], f"initrd.img-{kernels[-1][8:]}"


def _debugfs_cat(image: str, path: str) -> bytes:
    return _run("debugfs", "-R", f"cat {path}", image).stdout


def _prepare_root(
    root_fs: Path,
    work: Path,
    root_uuid: str,
    esp_uuid: str,
    title: str,
    spare_mib: int,
) -> tuple[Path, str, str]:
    """A copy of the root file system, shrunk to its contents plus spare room, with the disk's UUID, its
    fstab and GRUB config."""
    root = work / "root.ext4"
    _run("cp", "--sparse=always", str(root_fs), str(root))
    _run("e2fsck", "-f", "-y", str(root))
    _run("resize2fs", "-M", str(root))
    block_size, blocks = _ext4_size(root)
    target_mib = -(-(block_size * blocks) // MIB) + spare_mib
    _run("resize2fs", str(root), f"{target_mib}M")
    _run("tune2fs", "-U", root_uuid, str(root))
    kernel, initrd = kernel_and_initrd(_boot_listing(str(root)))
    files = {
        "/etc/fstab": fstab(root_uuid, esp_uuid),
        "/boot/grub/grub.cfg": grub_cfg(root_uuid, kernel, initrd, title),
    }
    script = ["mkdir /boot/grub", "mkdir /boot/efi"]
    for index, (target, content) in enumerate(files.items()):
        local = work / f"file{index}"
        local.write_text(content, encoding="utf-8")
        local.chmod(0o644)
        script += [f"rm {target}", f"write {local} {target}"]
    # debugfs goes on past a failed line (a directory that exists, a file that does not): read back below.
    _run("debugfs", "-w", "-f", "-", str(root), stdin="\n".join(script) + "\n")
    for target, content in files.items():
        if _debugfs_cat(str(root), target).decode() != content:
            raise DiskError(f"{target} could not be written into the root file system")
    _run("e2fsck", "-f", "-n", str(root))
    return root, kernel, initrd


def _ext4_size(image: Path) -> tuple[int, int]:
    header = _text("dumpe2fs", "-h", str(image))
    fields = dict(re.findall(r"^([A-Za-z ]+):\s+(\S+)", header, re.M))
    return int(fields["Block size"]), int(fields["Block count"])


def _make_esp(work: Path, esp_uuid: str, root_uuid: str) -> Path:
    esp = work / "esp.img"
    loader = work / "BOOTX64.EFI"
    _run("grub-mkimage", "-O", "x86_64-efi", "-o", str(loader), "-p", "/EFI/BOOT", *GRUB_MODULES)
    stub = work / "grub.cfg"
    stub.write_text(esp_grub_cfg(root_uuid), encoding="utf-8")
    _run(
        "mkfs.vfat",
        "-C",
        "-F",
        "32",
        "-i",
        esp_uuid.replace("-", ""),
        "-n",
        "EFI",
        str(esp),
        str(ESP_MIB * 1024),
    )
    _run("mmd", "-i", str(esp), "::/EFI", "::/EFI/BOOT")
    _run("mcopy", "-i", str(esp), str(loader), f"::{BOOT_EFI}")
    _run("mcopy", "-i", str(esp), str(stub), "::/EFI/BOOT/grub.cfg")
    return esp


def _assemble(raw: Path, esp: Path, root: Path, disk_guid: str) -> None:
    esp_sectors = esp.stat().st_size // SECTOR
    root_sectors = -(-root.stat().st_size // MIB) * MIB // SECTOR
    first = MIB // SECTOR
    root_start = first + esp_sectors
    # The backup GPT takes the last 33 sectors: leave a whole MiB for it.
    total = (root_start + root_sectors) * SECTOR + MIB
    raw.unlink(missing_ok=True)
    with raw.open("wb") as stream:
        stream.truncate(total)
    table = (
        f"label: gpt\nlabel-id: {disk_guid}\nunit: sectors\n"
        f'start={first}, size={esp_sectors}, type={ESP_TYPE}, name="EFI system"\n'
        f'start={root_start}, size={root_sectors}, type={ROOT_TYPE}, name="root"\n'
    )
    _run("sfdisk", "--quiet", str(raw), stdin=table)
    for part, start in ((esp, first), (root, root_start)):
        _run("dd", f"if={part}", f"of={raw}", "bs=1M", f"seek={start * SECTOR // MIB}", "conv=notrunc,sparse",
             "status=none")  # fmt: skip


def read_layout(raw: Path) -> DiskLayout:
    """The partition table, file system identities, boot configs and boot files, read from the raw disk."""
    table = json.loads(_text("sfdisk", "--json", str(raw)))["partitiontable"]
    partitions = []
    for number, entry in enumerate(table.get("partitions", []), start=1):
        offset = int(entry["start"]) * SECTOR
        probe = _run("blkid", "--probe", "--offset", str(offset), "--output", "export", str(raw))
        fields = dict(line.split("=", 1) for line in probe.stdout.decode().splitlines() if "=" in line)
        partitions.append(
            Partition(
                number=number,
                start=int(entry["start"]),
                size=int(entry["size"]),
                type=str(entry["type"]).upper(),
                name=str(entry.get("name", "")),
                fs_type=fields.get("TYPE", ""),
                fs_uuid=fields.get("UUID", ""),
            )
        )
    esp = next((part for part in partitions if part.type == ESP_TYPE), None)
    root = next((part for part in partitions if part.type == ROOT_TYPE), None)
    esp_cfg, loader = "", None
    if esp is not None and esp.fs_type == "vfat":
        image = f"{raw}@@{esp.offset}"
        esp_cfg = _run("mtype", "-i", image, "::/EFI/BOOT/grub.cfg").stdout.decode(errors="replace")
        data = _run("mcopy", "-n", "-i", image, f"::{BOOT_EFI}", "-").stdout
        loader = BootFile(BOOT_EFI, len(data), _pe_machine(data))
    fstab_text, cfg, boot_files = "", "", []
    if root is not None and root.fs_type == "ext4":
        image = f"{raw}?offset={root.offset}"
        fstab_text = _debugfs_cat(image, "/etc/fstab").decode(errors="replace")
        cfg = _debugfs_cat(image, "/boot/grub/grub.cfg").decode(errors="replace")
        for name, size in _boot_listing(image).items():
            if name.startswith(("vmlinuz-", "initrd.img-")):
                head = _debugfs_cat(image, f"/boot/{name}")[:1024]
                boot_files.append(BootFile(f"/boot/{name}", size, head))
    return DiskLayout(
        label=str(table.get("label", "")),
        disk_bytes=raw.stat().st_size,
        partitions=tuple(partitions),
        fstab=fstab_text,
        esp_grub_cfg=esp_cfg,
        grub_cfg=cfg,
        loader=loader,
        boot_files=tuple(boot_files),
    )


def _pe_machine(data: bytes) -> bytes:
    """`MZ` plus the PE machine field (0x8664 for x86-64), or what stands there instead."""
    if len(data) < 0x40 or data[:2] != b"MZ":
        return data[:2]
    pe = int.from_bytes(data[0x3C:0x40], "little")
    return b"MZ" + data[pe : pe + 6]


_PE_X86_64 = b"MZPE\0\0\x64\x86"  # DOS stub, PE signature, machine 0x8664
# What an initrd starts with: an uncompressed cpio (early microcode or the whole image), or a compressed one.
_INITRD_MAGIC = (b"070701", b"070702", b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"\xfd7zXZ", b"\x02\x21\x4c\x18")


def structure_checks(layout: DiskLayout) -> list[DiskCheck]:
    """Partition table, fstab UUIDs, the boot loader and its configs, kernel and initrd: one check each."""
    checks: list[DiskCheck] = []

    def check(name: str, passed: bool, detail: str) -> None:
        checks.append(DiskCheck(check=name, passed=passed, detail=detail))

    esp = next((part for part in layout.partitions if part.type == ESP_TYPE), None)
    root = next((part for part in layout.partitions if part.type == ROOT_TYPE), None)
    end = layout.disk_bytes // SECTOR - 33
    aligned = all(part.start % (MIB // SECTOR) == 0 for part in layout.partitions)
    inside = all(part.start + part.size <= end for part in layout.partitions)
    spans = sorted((part.start, part.start + part.size) for part in layout.partitions)
    apart = all(left[1] <= right[0] for left, right in itertools.pairwise(spans))
    check(
        "partition table",
        layout.label == "gpt" and esp is not None and root is not None and aligned and inside and apart,
        f"{layout.label or 'no'} label, {len(layout.partitions)} partition(s): "
        + ", ".join(
            f"{part.number} {part.name or part.type} {part.fs_type or '?'}" for part in layout.partitions
        )
        + ("" if aligned else "; not MiB-aligned")
        + ("" if inside else "; a partition runs past the end")
        + ("" if apart else "; partitions overlap"),
    )
    check(
        "file systems",
        esp is not None and esp.fs_type == "vfat" and root is not None and root.fs_type == "ext4",
        f"EFI {esp.fs_type if esp else 'missing'}, root {root.fs_type if root else 'missing'}",
    )
    uuids = {part.fs_uuid for part in layout.partitions if part.fs_uuid}
    entries = [
        line.split() for line in layout.fstab.splitlines() if line.strip() and not line.startswith("#")
    ]
    by_mount = {fields[1]: fields[0] for fields in entries if len(fields) >= 2}
    unknown = [spec for spec in by_mount.values() if spec.startswith("UUID=") and spec[5:] not in uuids]
    not_by_uuid = [mount for mount, spec in by_mount.items() if not spec.startswith("UUID=")]
    check(
        "fstab by UUID",
        bool(root and by_mount.get("/") == f"UUID={root.fs_uuid}")
        and bool(esp and by_mount.get("/boot/efi") == f"UUID={esp.fs_uuid}")
        and not unknown
        and not not_by_uuid,
        f"/ {by_mount.get('/', 'missing')}, /boot/efi {by_mount.get('/boot/efi', 'missing')}"
        + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        + (f"; not by UUID: {', '.join(not_by_uuid)}" if not_by_uuid else ""),
    )
    loader = layout.loader
    x86_64_efi = loader is not None and loader.magic == _PE_X86_64
    check(
        "boot loader",
        x86_64_efi,
        f"{BOOT_EFI}: "
        + ("missing" if loader is None else f"{loader.size} bytes, ")
        + ("" if loader is None else "an x86-64 EFI program" if x86_64_efi else "not an x86-64 EFI program"),
    )
    root_uuid = root.fs_uuid if root else "?"
    check(
        "boot loader config",
        f"--fs-uuid --set=root {root_uuid}" in layout.esp_grub_cfg and "configfile" in layout.esp_grub_cfg,
        "the EFI stub finds the root file system by UUID"
        if f"--set=root {root_uuid}" in layout.esp_grub_cfg
        else f"the EFI stub does not look for {root_uuid}",
    )
    boot = {file.path: file for file in layout.boot_files}
    linux = re.search(r"^\s*linux\s+(\S+)\s+(.*)$", layout.grub_cfg, re.M)
    initrd = re.search(r"^\s*initrd\s+(\S+)", layout.grub_cfg, re.M)
    kernel_file = boot.get(linux[1]) if linux else None
    initrd_file = boot.get(initrd[1]) if initrd else None
    check(
        "kernel command line",
        bool(linux and f"root=UUID={root_uuid}" in linux[2].split()),
        f"linux {linux[1]} {linux[2]}" if linux else "no linux line in /boot/grub/grub.cfg",
    )
    check(
        "kernel",
        kernel_file is not None and kernel_file.magic[0x202:0x206] == b"HdrS",
        f"{kernel_file.path}: {kernel_file.size} bytes, "
        + ("bzImage" if kernel_file.magic[0x202:0x206] == b"HdrS" else "not a bzImage")
        if kernel_file
        else f"{linux[1] if linux else 'the configured kernel'} is not in the root file system",
    )
    check(
        "initrd",
        initrd_file is not None and initrd_file.size > 0 and initrd_file.magic.startswith(_INITRD_MAGIC),
        f"{initrd_file.path}: {initrd_file.size} bytes"
        if initrd_file
        else f"{initrd[1] if initrd else 'the configured initrd'} is not in the root file system",
    )
    return checks


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _describe(path: Path, fmt: DiskFormat) -> DiskFile:
    info = json.loads(_text("qemu-img", "info", "--output=json", "-f", fmt, str(path)))
    return DiskFile(
        file=path.name,
        format=fmt,
        bytes=path.stat().st_size,
        virtual_bytes=int(info["virtual-size"]),
        sha256=_sha256(path),
    )


def build_disk(
    root_fs: Path,
    out: Path,
    stem: str,
    seed: str,
    title: str,
    spare_mib: int = ROOT_SPARE_MIB,
    on_step: Callable[[str], None] = lambda message: None,
) -> DiskImage:
    """`out`/`stem`.raw, .qcow2 and .vmdk from the ext4 root file system image `root_fs` (left unchanged);
    `spare_mib` of free room is added to the root file system.
    Raises DiskError when a tool is missing, a step fails, or the written disk fails a structure check."""
    missing = missing_tools()
    if missing:
        raise DiskError(f"missing {', '.join(missing)}: run ci/bootstrap-docker.sh")
    started = time.monotonic()
    root_uuid, esp_uuid, disk_guid = identities(seed)
    out.mkdir(parents=True, exist_ok=True)
    raw = out / f"{stem}.raw"
    with tempfile.TemporaryDirectory(prefix="fundament-disk-", dir=out) as tmp:
        work = Path(tmp)
        root, kernel, initrd = _prepare_root(root_fs, work, root_uuid, esp_uuid, title, spare_mib)
        on_step(f"root file system {root_uuid}, {kernel}")
        esp = _make_esp(work, esp_uuid, root_uuid)
        _assemble(raw, esp, root, disk_guid)
    on_step(f"{raw.name} written")
    checks = structure_checks(read_layout(raw))
    failed = [f"{check.check} ({check.detail})" for check in checks if not check.passed]
    if failed:
        raise DiskError("the disk image fails its structure checks: " + "; ".join(failed))
    on_step("structure checked")
    files = [_describe(raw, "raw")]
    for fmt, options in (("qcow2", []), ("vmdk", ["-o", "subformat=streamOptimized"])):
        target = out / f"{stem}.{fmt}"
        _run("qemu-img", "convert", "-f", "raw", "-O", fmt, *options, str(raw), str(target))
        described = _describe(target, fmt)  # type: ignore[arg-type]
        if described.virtual_bytes != files[0].virtual_bytes:
            raise DiskError(
                f"{target.name} holds {described.virtual_bytes} bytes, the raw disk {files[0].virtual_bytes}"
            )
        files.append(described)
        on_step(f"{target.name} written")
    return DiskImage(
        root_uuid=root_uuid,
        esp_uuid=esp_uuid,
        kernel=kernel,
        initrd=initrd,
        files=files,
        checks=checks,
        seconds=round(time.monotonic() - started, 1),
    )


def ext4_from_tree(tree: Path, image: Path, machine: bool = False) -> None:
    """An ext4 image holding the directory `tree` (owners, modes and links kept), with room to spare.
    `machine`: the disk a machine under user-mode Linux boots beneath a copy-on-write layer of its own
    (as `fundament.machines` packs it): no journal, as it is never written in place, and the tables written
    now, as the copy-on-write layer cannot write the zeroes a lazy first mount would."""
    used = int(_text("du", "--summarize", "--bytes", str(tree)).split()[0])
    size_mib = used * 5 // 4 // MIB + 256
    image.unlink(missing_ok=True)
    options = ["-O", "^has_journal", "-E", "lazy_itable_init=0,lazy_journal_init=0"] if machine else []
    _run("mkfs.ext4", "-q", "-F", *options, "-L", "root", "-d", str(tree), str(image), f"{size_mib}M")
