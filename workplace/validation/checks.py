"""Small helpers the audits share: effective settings, not file fragments, wherever the target can tell;
a password the policy accepts."""

import re
import secrets
import string
from typing import Any

_SETTING = re.compile(r"^[ \t]*(?P<key>[A-Za-z_]+)[ \t]*(?:=|[ \t])[ \t]*(?P<value>[^#\n]*?)[ \t]*$", re.M)


def installed_packages(host: Any) -> dict[str, str]:
    """Installed Debian packages and their versions."""
    listing = host.check_output(r"dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${Version}\n'")
    packages = {}
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "ii":
            packages[fields[1]] = fields[2]
    return packages


def sshd_settings(host: Any) -> dict[str, str]:
    """sshd's effective configuration (`sshd -T`): what the daemon would do, drop-ins and all."""
    settings: dict[str, str] = {}
    for line in host.check_output("sshd -T").splitlines():
        key, _, value = line.partition(" ")
        settings.setdefault(key.lower(), value)
    return settings


def settings_file(text: str) -> dict[str, str]:
    """`key = value` or `KEY value` lines (faillock.conf, pwquality.conf, login.defs), comments left out."""
    return {match["key"]: match["value"] for match in _SETTING.finditer(text)}


def unit_enabled(host: Any, unit: str) -> bool:
    """Enabled at boot; `systemctl is-enabled` reads unit files, so it answers in an image too."""
    return bool(host.run(f"systemctl is-enabled {unit}").stdout.strip() == "enabled")


def booted(host: Any) -> bool:
    """A machine running systemd (not an image in a build container): live state can be checked too."""
    return bool(host.file("/run/systemd/system").is_directory)


def policy_password(length: int = 24) -> str:
    """A random password that the quality policy accepts whatever the draw: letters alternating with digits.
    A random string of any alphabet is refused now and then: pwquality's dictionary check (cracklib) calls
    a password "too simplistic/systematic" when more than 3 + 0.09 x its length neighbouring characters
    are one code point apart ("qr", "21"), which letters next to digits never are."""
    return "".join(secrets.choice(string.digits if i % 2 else string.ascii_letters) for i in range(length))
