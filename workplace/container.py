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


def start(image: str, name: str, release: str) -> None:
    """A sleeping container of `image` with the machine's apt cache for `release` mounted."""
    cache = APT_CACHE / release
    (cache / "partial").mkdir(parents=True, exist_ok=True)
    caps = [arg for cap in _CAPABILITIES for arg in ("--cap-add", cap)]
    docker(
        "run", "--detach", "--name", name, "--hostname", name, *caps,
        "--volume", f"{cache}:/var/cache/apt/archives", image,
    )  # fmt: skip


def remove(name: str) -> None:
    subprocess.run(["docker", "rm", "--force", name], capture_output=True, check=False)


def commit(name: str, tag: str, labels: dict[str, str]) -> str:
    """Commit the container as image `tag`; returns the image id."""
    changes = []
    for key, value in labels.items():
        changes += ["--change", f"LABEL {key}={json.dumps(value)}"]
    docker("commit", *changes, name, tag)
    return docker("image", "inspect", "--format", "{{.Id}}", tag).strip()


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
