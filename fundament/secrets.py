"""The one place secrets enter fundament: environment variables or a vault file, typed as SecretStr.

A vault file is a YAML mapping of names to values, named by FUNDAMENT_VAULT_FILE (an ansible-vault
encrypted file is decrypted with ansible's own library when FUNDAMENT_VAULT_PASSWORD_FILE is set).
"""

import os
from pathlib import Path

import yaml
from pydantic import SecretStr

from fundament.errors import FundamentError


class SecretNotFoundError(FundamentError, LookupError):
    """A secret reference that neither the environment nor the vault file resolves."""


def _vault_values() -> dict[str, str]:
    vault_file = os.environ.get("FUNDAMENT_VAULT_FILE")
    if not vault_file:
        return {}
    raw = Path(vault_file).read_text(encoding="utf-8")
    password_file = os.environ.get("FUNDAMENT_VAULT_PASSWORD_FILE")
    if password_file and raw.startswith("$ANSIBLE_VAULT"):
        from ansible.parsing.vault import VaultLib, VaultSecret

        password = Path(password_file).read_bytes().strip()
        raw = VaultLib([("default", VaultSecret(password))]).decrypt(raw).decode()
    data = yaml.safe_load(raw) or {}
    if not isinstance(data, dict):
        raise SecretNotFoundError(f"vault file {vault_file} is not a mapping of names to values")
    return {str(key): str(value) for key, value in data.items()}


def resolve(name: str, default: str | None = None) -> SecretStr:
    """The secret called `name`: the environment first, then the vault file, then `default`."""
    if name in os.environ:
        return SecretStr(os.environ[name])
    vault = _vault_values()
    if name in vault:
        return SecretStr(vault[name])
    if default is not None:
        return SecretStr(default)
    raise SecretNotFoundError(
        f"secret {name} is not set: export {name}=... or add it to the vault file (FUNDAMENT_VAULT_FILE)"
    )
