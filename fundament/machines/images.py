"""Local Docker images built from a recipe: debootstrap a Debian root file system, run a setup script in it,
import it with `docker import`. No container registry is reachable, so every image is built here.

The tag is a content hash of the recipe (and of every file it copies in), so an image is rebuilt only when
its recipe changes, and Docker's image store (machine-level) lets every clone on the machine reuse it.
`docker import` tags the image only once the whole file system has been read, so a failed build never
leaves a tagged image behind.
"""

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from filelock import FileLock
from pydantic import Field

from fundament.console import progress
from fundament.errors import FundamentError
from fundament.model import Model

# Part of every tag: bump it when the build procedure below changes what ends up in an image.
_BUILDER_REVISION = 1

# debootstrap's .deb cache and the build locks live at machine level, like the images themselves.
_CACHE_DIR = Path(os.environ.get("FUNDAMENT_IMAGE_CACHE", "/var/cache/fundament/images"))
_DEFAULT_MIRROR = "http://deb.debian.org/debian"


class ImageBuildError(FundamentError, RuntimeError):
    """An image could not be built; the message names the step and ends with the step's last output lines."""


class ImageFile(Model):
    """A file copied into the root file system before the setup script runs."""

    source: Path = Field(description="file on this machine (usually next to the recipe in the repository)")
    mode: int = Field(default=0o644, ge=0, le=0o7777)


class ImageRecipe(Model):
    """Everything that goes into an image; the tag is a hash of it."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._/-]*$", description="Docker repository name")
    release: str = Field(default="bookworm", description="Debian release for debootstrap")
    packages: list[str] = Field(default=[], description="added with debootstrap --include (minbase variant)")
    files: dict[str, ImageFile] = Field(default={}, description="absolute path in the image -> file to copy")
    setup: str = Field(default="", description="shell script run with /bin/sh inside the root file system")
    env: dict[str, str] = {}
    entrypoint: list[str] = []
    cmd: list[str] = []
    boot_disk: bool = Field(
        default=False,
        description="also pack the finished root file system as an ext4 disk at /machine/disk.img "
        "(what fundament.machines.uml boots)",
    )

    def content_hash(self) -> str:
        """Hash of what the image is made of: the recipe's fields with file contents instead of file paths."""
        content = self.model_dump(mode="json", exclude={"files"})
        content["files"] = {
            target: {"sha256": hashlib.sha256(spec.source.read_bytes()).hexdigest(), "mode": spec.mode}
            for target, spec in sorted(self.files.items())
        }
        content["builder"] = _BUILDER_REVISION
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def reference(self) -> str:
        """`name:<content hash>`: what topology files and `docker run` refer to."""
        return f"{self.name}:{self.content_hash()}"


def image_exists(reference: str) -> bool:
    result = subprocess.run(["docker", "image", "inspect", reference], capture_output=True, check=False)
    return result.returncode == 0


def ensure_image(recipe: ImageRecipe) -> str:
    """The image for `recipe`, built first when this machine does not have it yet; returns its reference."""
    reference = recipe.reference
    if image_exists(reference):
        return reference
    _CACHE_DIR.mkdir(parents=True, exist_ok=True)
    lock_name = recipe.name.replace("/", "_")
    # Two clones (or test sessions) asking for the same image build it once.
    with FileLock(str(_CACHE_DIR / f"{lock_name}.lock")):
        if not image_exists(reference):
            _build(recipe, reference)
    return reference


def _run(step: str, command: list[str], log: Path, stdin: IO[bytes] | None = None) -> None:
    with log.open("ab") as sink:
        sink.write(f"\n$ {shlex.join(command)}\n".encode())
        sink.flush()
        result = subprocess.run(command, stdin=stdin, stdout=sink, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise ImageBuildError(f"{step} failed (exit {result.returncode}):\n{tail}")


def _docker_changes(recipe: ImageRecipe) -> list[str]:
    changes = [f"ENV {key}={json.dumps(value)}" for key, value in recipe.env.items()]
    if recipe.entrypoint:
        changes.append(f"ENTRYPOINT {json.dumps(recipe.entrypoint)}")
    if recipe.cmd:
        changes.append(f"CMD {json.dumps(recipe.cmd)}")
    return [arg for change in changes for arg in ("--change", change)]


def _unmount_below(root: Path) -> None:
    """Unmount what a failed debootstrap may have left mounted in the root (proc, sys, dev/pts), so that
    removing the build directory never reaches into the machine's own file systems."""
    inside = f"{root.resolve()}/"
    points = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
    for point in sorted((p for p in points if f"{p}/".startswith(inside)), reverse=True):
        subprocess.run(["umount", "--lazy", point], capture_output=True, check=False)


# Room for what a guest writes beyond its root file system (logs, configs, keys); the disk is shared
# read-only by every node of an image and each node's writes go to its own copy-on-write file.
_DISK_SLACK = 256 * 2**20


def _pack_boot_disk(root: Path, disk: Path, log: Path) -> None:
    """The root file system as an ext4 disk image, moved into the root at /machine/disk.img."""
    used = sum(entry.lstat().st_size for entry in root.rglob("*"))
    size_mib = (int(used * 1.2) + _DISK_SLACK) // 2**20
    # No journal: the disk is never written in place, and a guest's copy-on-write layer dies with it.
    # Tables initialised now, not lazily at first mount: UML's copy-on-write disks cannot write zeroes.
    options = ["-O", "^has_journal", "-E", "lazy_itable_init=0,lazy_journal_init=0", "-L", "root"]
    _run("mkfs.ext4", ["mkfs.ext4", "-q", "-F", *options, "-d", str(root), str(disk), f"{size_mib}M"], log)
    (root / "machine").mkdir(exist_ok=True)
    shutil.move(disk, root / "machine" / "disk.img")


def _build(recipe: ImageRecipe, reference: str) -> None:
    for tool in ("debootstrap", "docker", "chroot", "tar", *(["mkfs.ext4"] if recipe.boot_disk else [])):
        if shutil.which(tool) is None:
            raise ImageBuildError(f"{tool} is not installed: run ci/bootstrap-docker.sh")
    if os.geteuid() != 0:
        raise ImageBuildError("building images needs root (debootstrap and chroot)")
    debs = _CACHE_DIR / "debs" / recipe.release
    debs.mkdir(parents=True, exist_ok=True)
    mirror = os.environ.get("FUNDAMENT_DEBIAN_MIRROR", _DEFAULT_MIRROR)
    with tempfile.TemporaryDirectory(prefix=f"fundament-image-{recipe.name.replace('/', '_')}-") as tmp:
        root = Path(tmp) / "root"
        log = Path(tmp) / "build.log"
        try:
            with progress(f"image {reference}", total=3) as step:
                step.note("debootstrap (about a minute)")
                include = [f"--include={','.join(recipe.packages)}"] if recipe.packages else []
                _run(
                    "debootstrap",
                    [
                        "debootstrap",
                        "--variant=minbase",
                        f"--cache-dir={debs}",
                        *include,
                        recipe.release,
                        str(root),
                        mirror,
                    ],
                    log,
                )
                step.advance("root file system ready")
                for target, spec in recipe.files.items():
                    destination = root / target.lstrip("/")
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(spec.source, destination)
                    destination.chmod(spec.mode)
                _run("setup script", ["chroot", str(root), "/bin/sh", "-euc", recipe.setup], log)
                _run("apt cache cleanup", ["chroot", str(root), "apt-get", "clean"], log)
                shutil.rmtree(root / "var" / "lib" / "apt" / "lists", ignore_errors=True)
                if recipe.boot_disk:
                    step.note("ext4 boot disk")
                    _pack_boot_disk(root, Path(tmp) / "disk.img", log)
                step.advance("setup done")
                tar = subprocess.Popen(
                    ["tar", "--numeric-owner", "-C", str(root), "-c", "."], stdout=subprocess.PIPE
                )
                try:
                    _run(
                        "docker import",
                        ["docker", "import", *_docker_changes(recipe), "-", reference],
                        log,
                        stdin=tar.stdout,
                    )
                finally:
                    if tar.stdout is not None:
                        tar.stdout.close()
                    tar.wait()
                if tar.returncode != 0:
                    subprocess.run(["docker", "image", "rm", reference], capture_output=True, check=False)
                    raise ImageBuildError(f"tar of the root file system failed (exit {tar.returncode})")
                step.advance("imported")
        finally:
            _unmount_below(root)
