"""Where fundament reads and writes, overridable by environment variables (prefix FUNDAMENT_).

Nothing here depends on where fundament is installed or checked out: the sample design and its migrations
ship inside the `inventory` package, generated output goes to `build/` of the folder fundament runs in, and
run state (locks, lab files) to one state directory per user on the machine.
"""

import os
from importlib.util import find_spec
from pathlib import Path


def _package_dir(name: str) -> Path:
    """A package's folder, found without importing it (the packages import this module)."""
    spec = find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"fundament is installed without its {name} package")
    return Path(next(iter(spec.submodule_search_locations)))


SAMPLE_DESIGN = _package_dir("inventory") / "design"


def inventory_dir() -> Path:
    """The source of truth: the sample design unless FUNDAMENT_INVENTORY names another folder."""
    return Path(os.environ.get("FUNDAMENT_INVENTORY", SAMPLE_DESIGN))


def migrations_dir(design: Path, given: Path | None = None) -> Path | None:
    """The migrations that belong to the design in folder `design`; None: it has none, which is valid.

    `given` (--migrations) first, then FUNDAMENT_MIGRATIONS, then the design's own `migrations/` folder
    (the sample design's included).
    """
    if given is not None:
        return given
    if "FUNDAMENT_MIGRATIONS" in os.environ:
        return Path(os.environ["FUNDAMENT_MIGRATIONS"])
    if (design / "migrations").is_dir():
        return design / "migrations"
    return None


def build_dir() -> Path:
    """Generated output (rendered configs, reports): `build/` of the folder fundament runs in."""
    return Path(os.environ.get("FUNDAMENT_BUILD_DIR", Path.cwd() / "build"))


def state_dir() -> Path:
    """Run state (apply locks, lab files): one folder per user on the machine, as the lab's names, containers
    and addresses are machine-wide. FUNDAMENT_STATE_DIR, else $XDG_STATE_HOME/fundament
    (~/.local/state/fundament)."""
    if "FUNDAMENT_STATE_DIR" in os.environ:
        return Path(os.environ["FUNDAMENT_STATE_DIR"])
    xdg = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(xdg) / "fundament"
