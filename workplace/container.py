"""The build container, through the Docker CLI: start, inspect, commit, export, remove."""

import json
import os
import subprocess
from pathlib import Path

from fundament.errors import FundamentError


class ContainerError(FundamentError, RuntimeError):
    """A docker command failed; the message names the command and carries its error output."""


# Downloaded packages are kept at machine level (outside the image), so a rebuild downloads nothing twice.
APT_CACHE = Path(os.environ.get("FUNDAMENT_APT_CACHE", "/var/cache/fundament/apt"))

# nft checks a rule set (`nft -c`) over netlink, which needs NET_ADMIN in the container's own namespace.
_CAPABILITIES = ("NET_ADMIN",)


def docker(*args: str, timeout: float = 600) -> str:
    try:
        result = subprocess.run(
            ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise ContainerError("docker is not installed: run ci/bootstrap-docker.sh") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ContainerError(f"docker {args[0]} failed: " + " / ".join(detail))
    return result.stdout


def start(image: str, name: str, release: str, command: tuple[str, ...] = ()) -> None:
    """A container of `image` with the machine's apt cache for `release` mounted, running its own command,
    or `command` in place of its entry point (a machine image's file system, worked in without booting)."""
    cache = APT_CACHE / release
    (cache / "partial").mkdir(parents=True, exist_ok=True)
    caps = [arg for cap in _CAPABILITIES for arg in ("--cap-add", cap)]
    docker(
        "run", "--detach", "--name", name, "--hostname", name, *caps,
        "--volume", f"{cache}:/var/cache/apt/archives",
        *(["--entrypoint", command[0], image, *command[1:]] if command else [image]),
    )  # fmt: skip


def remove(name: str) -> None:
    subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)


def save(tag: str, tarball: Path) -> None:
    """`docker save` to `tarball`, written under a temporary name so a broken export never looks finished."""
    partial = tarball.with_name(tarball.name + ".partial")
    try:
        docker("save", "--output", str(partial), tag, timeout=1800)
        partial.replace(tarball)
    finally:
        partial.unlink(missing_ok=True)


def untag(tag: str) -> None:
    subprocess.run(["docker", "image", "rm", tag], capture_output=True, check=False)


def retire_older_images(repository: str, keep: str, label: str) -> None:
    """Untag every image of `repository` but `keep`, and drop the untagged images carrying `label`
    (`key=value`): a machine holds the latest good image per profile; older ones live on as tarballs.
    Images a container still uses stay."""
    for tag in docker("images", "--format", "{{.Repository}}:{{.Tag}}", repository).split():
        if tag != keep:
            untag(tag)
    docker("image", "prune", "--force", "--filter", f"label={label}")


def export_tree(name: str, tree: Path, exclude: tuple[str, ...] = ()) -> None:
    """The container's file system unpacked into `tree`, owners, modes and capabilities kept; `exclude`
    (absolute paths) left out."""
    tree.mkdir(parents=True, exist_ok=True)
    export = subprocess.Popen(["docker", "export", name], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        unpack = subprocess.run(
            [
                "tar",
                "-x",
                "--numeric-owner",
                "--xattrs",
                "--xattrs-include=*",
                "-C",
                str(tree),
                "--anchored",
                *(f"--exclude={path.lstrip('/')}" for path in exclude),
            ],
            stdin=export.stdout,
            capture_output=True,
            check=False,
        )
    finally:
        if export.stdout is not None:
            export.stdout.close()
        export.wait()
    if export.returncode != 0 or unpack.returncode != 0:
        stderr = export.stderr.read() if export.stderr is not None else b""
        detail = (stderr or unpack.stderr).decode(errors="replace").strip().splitlines()[-3:]
        raise ContainerError("docker export failed: " + " / ".join(detail))


def import_tree(tree: Path, tag: str, labels: dict[str, str], cmd: list[str]) -> str:
    """`tree` as the single-layer image `tag` with `labels` and `cmd`; returns the image id."""
    changes = [f"CMD {json.dumps(cmd)}"] + [
        f"LABEL {key}={json.dumps(value)}" for key, value in labels.items()
    ]
    pack = subprocess.Popen(
        ["tar", "--numeric-owner", "--xattrs", "-C", str(tree), "-c", "."], stdout=subprocess.PIPE
    )
    try:
        result = subprocess.run(
            ["docker", "import", *(arg for change in changes for arg in ("--change", change)), "-", tag],
            stdin=pack.stdout, capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        if pack.stdout is not None:
            pack.stdout.close()
        pack.wait()
    if pack.returncode != 0 or result.returncode != 0:
        raise ContainerError(f"docker import failed: {(result.stderr or 'tar failed').strip()[-300:]}")
    return docker("image", "inspect", "--format", "{{.Id}}", tag).strip()
