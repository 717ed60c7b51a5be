"""Remove secrets from device configs before they are stored or shown."""

import re

MASK = "<removed>"

# Lines that carry a secret on the platforms we run: EOS (secret, key, password) and FRR (password).
_SECRET_LINE = re.compile(
    r"(?P<keep>^\s*(?:username \S+ .*?(?:secret|password)|enable (?:secret|password)|"
    r"(?:tacacs|radius)-server .*?key|snmp-server community|password|neighbor \S+ password|"
    r"ip ospf message-digest-key \d+ md5|ntp authentication-key \d+ \S+)"
    r"\s+(?:\d\s+|sha512\s+)?)(?P<secret>\S+)",
    re.IGNORECASE | re.MULTILINE,
)


def scrub(config: str, secrets: list[str]) -> str:
    """Mask secret-bearing lines, and any known secret value wherever else it appears."""
    cleaned = _SECRET_LINE.sub(lambda m: m.group("keep") + MASK, config)
    for value in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        cleaned = cleaned.replace(value, MASK)
    return cleaned
