"""Read and cross-check the migration files against the design (same strictness as the design itself)."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from inventory.errors import DesignError, KeyPath, LocatedProblem, Source
from inventory.loader import display_path, read_yaml, schema_problems
from inventory.model import Design
from inventory.model.migration import FEATURE_NEEDS, Feature, Migration, Selector

FILE_NAME = re.compile(r"^(?P<number>\d{4})_(?P<name>[a-z0-9][a-z0-9_]*)\.yaml$")


@dataclass(frozen=True)
class MigrationFile:
    number: str
    name: str
    migration: Migration
    waves: tuple[tuple[str, ...], ...]
    """Device names of each wave, resolved against the design, in design order (see resolve_waves)."""

    @property
    def id(self) -> str:
        return f"{self.number}_{self.name}"

    @property
    def devices(self) -> tuple[str, ...]:
        return tuple(name for wave in self.waves for name in wave)


def select(design: Design, selector: Selector) -> tuple[str, ...]:
    if selector.devices:
        return tuple(d.name for d in design.devices if d.name in selector.devices)
    return tuple(
        d.name
        for d in design.devices
        if (not selector.sites or d.site in selector.sites)
        and (not selector.roles or d.role in selector.roles)
    )


def load_migrations(folder: Path, design: Design) -> list[MigrationFile]:
    """Every migration in `folder`, ordered by number; DesignError lists every problem in every file."""
    problems: list[LocatedProblem] = []
    loaded: list[MigrationFile] = []
    for file in sorted(folder.glob("*.yaml")):
        shown = display_path(file)
        match = FILE_NAME.match(file.name)
        if not match:
            problems.append(
                LocatedProblem(Source(shown), (), "migration files are named NNNN_short_name.yaml")
            )
            continue
        data, lines = read_yaml(file)
        sources = {path: Source(shown, line) for path, line in lines.items()}
        try:
            migration = Migration.model_validate(data)
        except ValidationError as error:
            problems += schema_problems(error, sources)
            continue
        found = list(_cross_check(design, migration))
        problems += [LocatedProblem(_at(sources, path, shown), path, message) for path, message in found]
        waves = resolve_waves(design, migration)
        loaded.append(MigrationFile(match["number"], match["name"], migration, waves))
    if not problems:  # ordering across files only means something once every file is readable
        problems += _order_problems(loaded, folder)
    if problems:
        raise DesignError(problems)
    return loaded


def _at(sources: dict[KeyPath, Source], path: KeyPath, file: Path) -> Source:
    for end in range(len(path), 0, -1):
        if path[:end] in sources:
            return sources[path[:end]]
    return Source(file)


def resolve_waves(design: Design, migration: Migration) -> tuple[tuple[str, ...], ...]:
    """Each wave's devices: what it selects, less the devices of the waves before it."""
    taken: set[str] = set()
    waves = []
    for wave in migration.waves:
        chosen = tuple(name for name in select(design, wave.select) if name not in taken)
        taken.update(chosen)
        waves.append(chosen)
    return tuple(waves)


def _cross_check(design: Design, migration: Migration) -> Iterator[tuple[KeyPath, str]]:
    for i, wave in enumerate(migration.waves):
        for j, name in enumerate(wave.select.devices):
            if name not in design.device_by_name:
                yield ("waves", i, "select", "devices", j), f"unknown device {name!r}"
        for j, site in enumerate(wave.select.sites):
            if site not in design.site_by_name:
                yield ("waves", i, "select", "sites", j), f"unknown site {site!r}"
    for i, devices in enumerate(resolve_waves(design, migration)):
        if not devices:
            yield ("waves", i, "select"), "selects no device that an earlier wave did not take"


def _order_problems(migrations: list[MigrationFile], folder: Path) -> list[LocatedProblem]:
    """Numbers run 0001, 0002, ... without gaps; a feature's needs are met on the same device by then."""
    problems = []
    for expected, migration in enumerate(migrations, start=1):
        if int(migration.number) != expected:
            source = Source(display_path(folder / f"{migration.id}.yaml"))
            problems.append(
                LocatedProblem(source, (), f"expected migration number {expected:04d} here (no gaps)")
            )
    enabled: dict[str, set[Feature]] = {}
    for migration in migrations:
        for device in migration.devices:
            features = enabled.setdefault(device, set())
            features.update(migration.migration.enable)
            for feature in migration.migration.enable:
                for need in FEATURE_NEEDS.get(feature, ()):
                    if need not in features:
                        source = Source(display_path(folder / f"{migration.id}.yaml"))
                        problems.append(
                            LocatedProblem(
                                source,
                                ("enable",),
                                f"{feature} on {device} needs {need} from this or an earlier migration",
                            )
                        )
    return problems
