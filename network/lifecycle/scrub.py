"""Remove secrets from device configs before they are stored or shown."""

import re

from pydantic import BaseModel

from inventory.model.services import SecretRef
from network.platforms import PLATFORMS

MASK = "<removed>"

# Every platform's secret lines, whichever platform a config came from: a pattern looked up under the wrong
# platform must not leak a secret into a backup.
_STARTS = dict.fromkeys(start for spec in PLATFORMS.values() for start in spec.secret_lines)
_SECRET_LINE = re.compile(
    rf"(?P<keep>^\s*(?:{'|'.join(_STARTS)})\s+(?:\d\s+|sha512\s+)?)(?P<secret>\S+)",
    re.IGNORECASE | re.MULTILINE,
)


def scrub(config: str, secrets: list[str]) -> str:
    """Mask secret-bearing lines, and any known secret value wherever else it appears."""
    cleaned = _SECRET_LINE.sub(lambda m: m.group("keep") + MASK, config)
    for value in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        cleaned = cleaned.replace(value, MASK)
    return cleaned


def secret_names(model: object) -> set[str]:
    """Every secret a model refers to, found by walking it: a new secret field needs no list kept current."""
    if isinstance(model, SecretRef):
        return {model.secret}
    if isinstance(model, BaseModel):
        return secret_names([getattr(model, name) for name in type(model).model_fields])
    if isinstance(model, dict):
        return secret_names(list(model.values()))
    if isinstance(model, list | tuple | set | frozenset):
        return {name for item in model for name in secret_names(item)}
    return set()


class Hide:
    """One scrub with a fixed set of secret values; call it on any text that leaves the process."""

    def __init__(self, values: list[str]) -> None:
        self._values = values

    def __call__(self, text: str) -> str:
        return scrub(text, self._values)
