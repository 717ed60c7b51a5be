"""The secret values an output could show: every secret the design references that is set."""

from fundament import secrets
from inventory.model import Design
from network.lifecycle.scrub import Hide, secret_names

# The device logins are secrets too, though no template references them.
_LOGINS = ("FUNDAMENT_LAB_PASSWORD", "FUNDAMENT_NET_PASSWORD")


def secret_values(design: Design) -> list[str]:
    """Every set secret the design references (found by walking the model, so a new secret field needs
    no list kept current) and the logins', so that reports and backups can scrub them."""
    found = []
    for name in sorted(secret_names(design) | set(_LOGINS)):
        try:
            found.append(secrets.resolve(name).get_secret_value())
        except secrets.SecretNotFoundError:
            continue
    return found


def hider(design: Design) -> Hide:
    """The scrub for every output about `design`."""
    return Hide(secret_values(design))
