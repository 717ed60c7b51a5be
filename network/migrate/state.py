"""The migration record carried in each device's config, and what it implies."""

import re
from collections.abc import Iterable, Mapping

from inventory.migrations import MigrationFile
from inventory.model.migration import Feature

RECORD = "fundament-migrations:"
_RECORD_LINE = re.compile(rf"^\W*{RECORD}[ \t]*(?P<ids>[^\n]*)$", re.MULTILINE)


def record(applied: Iterable[str]) -> str | None:
    """The comment text for a device with `applied` migrations; None (no line) for none."""
    ids = sorted(applied)
    return f"{RECORD} {' '.join(ids)}" if ids else None


def read_record(running_config: str) -> tuple[str, ...]:
    """The migration ids a running config says are applied (none when it carries no record)."""
    found = _RECORD_LINE.search(running_config)
    return tuple(sorted(found["ids"].split())) if found else ()


def features(applied: Iterable[str], migrations: Mapping[str, MigrationFile]) -> frozenset[Feature]:
    """What a device runs: the union of what its applied migrations enable."""
    return frozenset(feature for mid in applied for feature in migrations[mid].migration.enable)
