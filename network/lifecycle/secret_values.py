"""The secret values an output could show: every secret the design references that is set."""

from fundament import secrets
from inventory.model import Design

# The device logins are secrets too, though no template references them.
_LOGINS = ("FUNDAMENT_LAB_PASSWORD", "FUNDAMENT_NET_PASSWORD")


def secret_values(design: Design) -> list[str]:
    """Every set secret the design references, so that reports and backups can scrub them."""
    names = {user.password.secret for user in design.management.aaa.users}
    names |= {server.key.secret for server in design.management.aaa.tacacs}
    names |= set(_LOGINS)
    found = []
    for name in sorted(names):
        try:
            found.append(secrets.resolve(name).get_secret_value())
        except secrets.SecretNotFoundError:
            continue
    return found
