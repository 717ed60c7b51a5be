"""The design a command acts on, and the migrations that come with it."""

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape

from fundament.console import err
from fundament.errors import FundamentError
from fundament.paths import inventory_dir, migrations_dir
from inventory.loader import LoadedDesign, load
from inventory.migrations import MigrationFile, load_migrations
from inventory.model import Design


@dataclass(frozen=True)
class GlobalOptions:
    """The options given before the sub-command (`fundament --inventory DIR net plan`)."""

    inventory: Path | None = None
    migrations: Path | None = None


# Set by the root command for the length of one invocation (fundament.app).
GLOBAL_OPTIONS: ContextVar[GlobalOptions | None] = ContextVar("fundament_global_options", default=None)


def _global_options() -> GlobalOptions:
    return GLOBAL_OPTIONS.get() or GlobalOptions()


def design_folder(inventory: Path | None) -> Path:
    """The command's --inventory, else the global one, else FUNDAMENT_INVENTORY or the sample design."""
    return inventory or _global_options().inventory or inventory_dir()


def design_for(inventory: Path | None) -> LoadedDesign:
    """The design a command acts on; DesignError (every problem, located) when it is invalid.

    Secrets the design references but nobody set are warned about here, once per command.
    """
    loaded = load(design_folder(inventory))
    for warning in loaded.unset_secrets():
        err.print(f"[yellow]warning[/yellow]: {escape(str(warning))}", soft_wrap=True)
    return loaded


def migrations_for(inventory: Path | None, migrations: Path | None, design: Design) -> list[MigrationFile]:
    """The migrations given with the design (fundament.paths.migrations_dir), checked against it; a design
    without migrations has none."""
    folder = migrations_dir(design_folder(inventory), migrations or _global_options().migrations)
    if folder is None:
        return []
    if not folder.is_dir():
        raise FundamentError(f"migration folder {folder} does not exist")
    return load_migrations(folder, design)
