"""The Debian root file system every profile starts from, built by fundament.machines.images, cached by hash.

One recipe serves both ways of building: a container that Ansible works in through `docker exec`, and a
machine that boots it (systemd as PID 1) and is provisioned over SSH. So it holds what a bootable machine
needs before Ansible can reach it (systemd, sshd, sudo, Python) and the kernel and initrd the disk image
boots on hardware; the profile's roles add everything else.
"""

from pathlib import Path

from fundament.machines.images import ImageFile, ImageRecipe

_FILES = Path(__file__).parent / "image"

# The account Ansible and the audits log in with over SSH: key only (its key is put in place when a machine
# is started, never in the image), sudo without a password, as on the pilot's real machines.
PROVISIONING_USER = "fundament"
AUTHORIZED_KEYS_DIR = "/etc/ssh/authorized_keys"
# What a machine made from the image must not share with its siblings or keep from the build: it makes its
# own host keys and machine id at first boot; the build's key and container markers stay behind.
MACHINE_SPECIFIC = (
    "/etc/ssh/ssh_host_*",
    f"{AUTHORIZED_KEYS_DIR}/*",
    "/etc/machine-id",
    "/var/lib/dbus/machine-id",
    "/usr/sbin/policy-rc.d",
    "/.dockerenv",
)

_SETUP = f"""
useradd --create-home --shell /bin/bash --comment 'provisioning (Ansible, audits)' {PROVISIONING_USER}
install -d -m 0700 -o {PROVISIONING_USER} -g {PROVISIONING_USER} /home/{PROVISIONING_USER}/.ssh
echo '{PROVISIONING_USER} ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/{PROVISIONING_USER}
chmod 0440 /etc/sudoers.d/{PROVISIONING_USER}
install -d -m 0755 {AUTHORIZED_KEYS_DIR}
"""


# What a container of the base image or of an exported PoC image does: nothing, while it is worked in.
CONTAINER_CMD = ["sleep", "infinity"]


def base_recipe(release: str) -> ImageRecipe:
    """A minimal bootable Debian with Python for Ansible; as a container it sleeps while Ansible works."""
    return ImageRecipe(
        name="fundament/workplace-base",
        release=release,
        packages=["python3", "systemd-sysv", "openssh-server", "sudo", "iproute2", "linux-image-amd64"],
        files={
            "/usr/sbin/policy-rc.d": ImageFile(source=_FILES / "policy-rc.d", mode=0o755),
            "/etc/dpkg/dpkg.cfg.d/01-nodoc": ImageFile(source=_FILES / "01-nodoc"),
            "/etc/apt/apt.conf.d/01-norecommends": ImageFile(source=_FILES / "01-norecommends"),
            "/etc/ssh/sshd_config.d/10-authorized-keys.conf": ImageFile(source=_FILES / "sshd-keys.conf"),
            "/etc/systemd/system/ssh.service.d/host-keys.conf": ImageFile(
                source=_FILES / "ssh-host-keys.conf"
            ),
        },
        setup=_SETUP,
        cmd=CONTAINER_CMD,
    )


def log_host_recipe(release: str) -> ImageRecipe:
    """A central log host for the lab: rsyslog receiving on UDP and TCP 514, every remote message in
    /var/log/remote.log (`fundament workplace verify --log-host docker://NAME`)."""
    return ImageRecipe(
        name="fundament/workplace-loghost",
        release=release,
        packages=["rsyslog"],
        files={"/etc/rsyslog.d/10-central.conf": ImageFile(source=_FILES / "central-loghost.conf")},
        cmd=["rsyslogd", "-n", "-iNONE"],
    )
