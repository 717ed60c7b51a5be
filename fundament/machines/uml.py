"""Machines: Docker images whose container boots the image's own root file system under user-mode Linux
(UML), so that each node runs its own kernel (802.1Q, VRFs, bonds, nftables...) while Docker and
containerlab see an ordinary container.

What `machine_recipe` adds to a recipe:
- Debian's `user-mode-linux` (the kernel, `/usr/bin/linux.uml`) and `kmod`; its module tree is linked to
  `/lib/modules/<version>` so the guest loads modules on demand;
- `boot_disk=True`: the finished root file system is also packed as `/machine/disk.img` (ext4);
- the entry point `runner.sh` (container side), which starts the kernel with `uml-xstate.c` preloaded (UML
  6.1 cannot restore FPU registers on hosts whose XSAVE area is larger than AVX's), and the guest's PID 1
  `guest-init.sh`;
- the recipe's own entry point and command become the command the guest runs once booted.

At start the runner mounts an exec tmpfs on /run/machine (UML's memory file and the node's copy-on-write
layer over the shared disk), waits for containerlab's data interfaces (CLAB_INTFS), hands the container's
eth0..ethN to the guest under the same names and MAC addresses, moves the management address of eth0 into
the guest, and copies files bound below `/machine/inject/` into the guest's root at the same paths.
"""

import shutil
from pathlib import Path

from fundament.machines.images import ImageFile, ImageRecipe

_HERE = Path(__file__).resolve().parent

# What the container needs to run UML: raw sockets on its interfaces and a tmpfs mounted with exec.
CAPABILITIES = ["NET_ADMIN", "SYS_ADMIN", "NET_RAW"]
DEVICES = ["/dev/net/tun"]
"""Devices the container needs: a tap per data port (802.1Q tags survive a tap, not a raw socket)."""
INJECT_DIR = "/machine/inject"
"""Files below this directory of the container appear at the same path, relative to /, in the guest."""
_RUNNER = "/usr/local/sbin/fundament-machine"
_GUEST_INIT = "/usr/local/sbin/fundament-machine-init"
_XSTATE_SOURCE = "/usr/local/src/fundament-uml-xstate.c"

# The kernel's modules ship for UML under /usr/lib/uml/modules; the guest's modprobe looks in /lib/modules.
# Loading bonding would otherwise create a bond0 nobody asked for.
_KERNEL_SETUP = """\
mkdir -p /lib/modules
for tree in /usr/lib/uml/modules/*; do
  ln -sfn "$tree" "/lib/modules/${tree##*/}"
  depmod -a "${tree##*/}"
done
echo 'options bonding max_bonds=0' >/etc/modprobe.d/fundament-machine.conf
gcc -O2 -Wall -shared -fPIC -o /usr/local/lib/fundament-uml-xstate.so \
  /usr/local/src/fundament-uml-xstate.c -ldl
"""
# The compiler builds the preloaded library (uml-xstate.c) and leaves again, unless the recipe wants it.
_COMPILER = ["gcc", "libc6-dev"]


def machine_recipe(recipe: ImageRecipe) -> ImageRecipe:
    """`recipe` as a machine image: same root file system, booted under UML; named `<name>-uml`."""
    added = [package for package in _COMPILER if package not in recipe.packages]
    purge = f"apt-get purge -y {' '.join(added)} >/dev/null\n" if added else ""
    return recipe.model_copy(
        update={
            "name": f"{recipe.name}-uml",
            "packages": [*recipe.packages, "user-mode-linux", "kmod", *added],
            "files": {
                **recipe.files,
                _RUNNER: ImageFile(source=_HERE / "runner.sh", mode=0o755),
                _GUEST_INIT: ImageFile(source=_HERE / "guest-init.sh", mode=0o755),
                _XSTATE_SOURCE: ImageFile(source=_HERE / "uml-xstate.c", mode=0o644),
            },
            "setup": recipe.setup + _KERNEL_SETUP + purge,
            "entrypoint": [_RUNNER],
            "cmd": [*recipe.entrypoint, *recipe.cmd],
            "boot_disk": True,
        }
    )


def machine_env(memory: str = "256M", sysctls: dict[str, str] | None = None) -> dict[str, str]:
    """Container environment for a machine: guest memory and the sysctls to set inside the guest (a
    container's own `sysctls` would reach only the container's namespace, which the guest does not use)."""
    env = {"MACHINE_MEM": memory}
    if sysctls:
        env["MACHINE_SYSCTLS"] = " ".join(f"{key}={value}" for key, value in sysctls.items())
    return env


def uml_missing() -> str | None:
    """Why machines cannot run on this machine (the UML package is not installed), or None when they can."""
    if shutil.which("linux.uml") is None:
        return "user-mode Linux is not installed (Debian package user-mode-linux: run ci/bootstrap-lab.sh)"
    return None
