"""The check catalog's file format: YAML people edit and extend, read back typed (generation from the design:
network.verify.generate).

A catalog is self-contained: every entry carries the design facts it checks (ends, ASNs, addresses), so a
hand-written entry needs no design support and a generated catalog documents what "matches the design" means.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fundament.errors import FundamentError
from inventory.types import Model
from network.verify.check import Check
from network.verify.checks import REGISTRY


class CatalogError(FundamentError, ValueError):
    """A catalog file that cannot be used; the message names the entry and the field."""


class Entry(Model):
    check: str
    tags: list[str] = []
    inputs: dict[str, Any]


class CatalogFile(Model):
    checks: list[Entry]


def load(path: Path) -> list[Check[Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogError(f"{path}: {error}") from None
    return parse(raw, str(path))


def parse(raw: Any, origin: str = "catalog") -> list[Check[Any]]:
    try:
        catalog = CatalogFile.model_validate(raw)
    except ValidationError as error:
        raise CatalogError(f"{origin}: {_first_error(error)}") from None
    checks: list[Check[Any]] = []
    problems = []
    for index, entry in enumerate(catalog.checks):
        check_class = REGISTRY.get(entry.check)
        if check_class is None:
            problems.append(f"checks[{index}]: unknown check {entry.check!r} (known: {', '.join(REGISTRY)})")
            continue
        try:
            checks.append(check_class(check_class.Input.model_validate(entry.inputs), entry.tags))
        except ValidationError as error:
            problems.append(f"checks[{index}] ({entry.check}): {_first_error(error)}")
    if problems:
        raise CatalogError(f"{origin}:\n  " + "\n  ".join(problems))
    return checks


def reference() -> list[dict[str, Any]]:
    """What a catalog entry may name, from the registry: per check its name, what it checks, its fixed tags,
    the kinds of request it asks the network, and the JSON schema of its inputs."""
    return [
        {
            "check": name,
            "description": check.description,
            "tags": list(check.tags),
            "needs": list(check.needs),
            "inputs": check.Input.model_json_schema(),
        }
        for name, check in REGISTRY.items()
    ]


def _first_error(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'top level'}: {problem['msg']}"
        for problem in error.errors()
    )


# libyaml's emitter when PyYAML has it: the pure-Python one spent 90% of a 1,000-device catalog's time
class _CompactDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style for the structure, flow style for leaves (a port, a list of addresses): one entry reads
    as a few lines instead of a screenful."""


def _is_leaf(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = bool(data) and all(_is_leaf(value) for value in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(_is_leaf(value) for value in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_CompactDumper.add_representer(dict, _represent_dict)
_CompactDumper.add_representer(list, _represent_list)


def dump(checks: Sequence[Check[Any]], header: str = "") -> str:
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.dump(
        {"checks": [check.entry() for check in checks]},
        Dumper=_CompactDumper,
        sort_keys=False,
        width=110,
        allow_unicode=True,
    )
    return comment + body
