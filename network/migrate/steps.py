"""Pure planning: from the recorded state to the ordered waves that reach the wanted migration."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fundament.errors import FundamentError
from inventory.migrations import MigrationFile
from inventory.model.migration import Wave

State = Mapping[str, tuple[str, ...]]
"""Per device, the ids of the migrations applied to it."""


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Step:
    """One wave of one migration, in one direction, over the devices that still need it."""

    migration: MigrationFile
    wave: Wave
    wave_index: int
    direction: Direction
    devices: tuple[str, ...]

    @property
    def canary(self) -> bool:
        return self.wave_index == 0

    @property
    def title(self) -> str:
        return f"{self.direction} {self.migration.id} wave {self.wave_index + 1} ({self.wave.name})"

    def after(self, state: State) -> dict[str, tuple[str, ...]]:
        """The state of this step's devices once it is done."""
        mid = self.migration.id
        if self.direction is Direction.UP:
            return {d: tuple(sorted({*state.get(d, ()), mid})) for d in self.devices}
        return {d: tuple(m for m in state.get(d, ()) if m != mid) for d in self.devices}


class PlanError(FundamentError, ValueError):
    """The target names no migration, or the recorded state cannot be reached in order."""


def _index(migrations: Sequence[MigrationFile], to: str | None) -> int:
    """How many migrations the target keeps: `to` is a number (0001) or an id; None means all; 0 none."""
    if to is None:
        return len(migrations)
    if to.strip("0") == "":
        return 0
    for index, migration in enumerate(migrations, start=1):
        if to in (migration.number, migration.id):
            return index
    raise PlanError(f"no migration {to}: known are {', '.join(m.id for m in migrations)}")


def steps_up(migrations: Sequence[MigrationFile], state: State, to: str | None = None) -> list[Step]:
    """Every wave of migrations up to `to` whose devices lack it, in order."""
    steps = []
    for migration in migrations[: _index(migrations, to)]:
        for index, (wave, devices) in enumerate(zip(migration.migration.waves, migration.waves, strict=True)):
            missing = tuple(d for d in devices if migration.id not in state.get(d, ()))
            if missing:
                steps.append(Step(migration, wave, index, Direction.UP, missing))
    return steps


def steps_down(migrations: Sequence[MigrationFile], state: State, to: str | None = None) -> list[Step]:
    """Every wave of migrations after `to` whose devices have it, newest migration and last wave first."""
    if to is None:
        raise PlanError("down needs --to: the migration to go back to (0 for none)")
    steps = []
    for migration in reversed(migrations[_index(migrations, to) :]):
        waves = list(enumerate(zip(migration.migration.waves, migration.waves, strict=True)))
        for index, (wave, devices) in reversed(waves):
            present = tuple(d for d in devices if migration.id in state.get(d, ()))
            if present:
                steps.append(Step(migration, wave, index, Direction.DOWN, present))
    return steps
