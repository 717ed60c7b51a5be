"""The Debian base image every profile starts from, built by fundament.machines.images, cached by hash."""

from pathlib import Path

from fundament.machines.images import ImageFile, ImageRecipe

_FILES = Path(__file__).parent / "image"


def base_recipe(release: str) -> ImageRecipe:
    """A minimal Debian with Python for Ansible; the container only sleeps while Ansible works in it."""
    return ImageRecipe(
        name="fundament/workplace-base",
        release=release,
        packages=["python3"],
        files={
            "/usr/sbin/policy-rc.d": ImageFile(source=_FILES / "policy-rc.d", mode=0o755),
            "/etc/dpkg/dpkg.cfg.d/01-nodoc": ImageFile(source=_FILES / "01-nodoc"),
            "/etc/apt/apt.conf.d/01-norecommends": ImageFile(source=_FILES / "01-norecommends"),
        },
        cmd=["sleep", "infinity"],
    )
