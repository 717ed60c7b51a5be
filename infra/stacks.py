"""The Pulumi project on disk: its directory and the stack files next to Pulumi.yaml."""

from pathlib import Path
from typing import Any

import yaml

from fundament.errors import FundamentError
from infra.policy.rules import plaintext_secrets_in_stack_config

PROJECT_DIR = Path(__file__).resolve().parent
POLICY_PACK_DIR = PROJECT_DIR / "policy"


class StackError(FundamentError, LookupError):
    """A stack without a stack file, or a stack file that breaks the rules."""


def stack_names() -> list[str]:
    return sorted(
        path.name.removeprefix("Pulumi.").removesuffix(".yaml") for path in PROJECT_DIR.glob("Pulumi.*.yaml")
    )


def stack_config(stack: str) -> dict[str, Any]:
    """The `config:` of Pulumi.<stack>.yaml, refusing credentials written in plain text."""
    path = PROJECT_DIR / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise StackError(f"no stack file {path.name} in {PROJECT_DIR} (stacks: {', '.join(stack_names())})")
    config = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("config") or {}
    plain = plaintext_secrets_in_stack_config(config)
    if plain:
        raise StackError(
            f"{path.name} holds credentials in plain text ({', '.join(plain)}): remove them and use "
            "`pulumi config set --secret KEY` or the VSPHERE_USER/VSPHERE_PASSWORD environment variables"
        )
    return dict(config)
