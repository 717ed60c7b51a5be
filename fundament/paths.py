"""Where fundament reads and writes, overridable by environment variables (prefix FUNDAMENT_)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DESIGN = REPO_ROOT / "inventory" / "design"


def inventory_dir() -> Path:
    """The source of truth: the sample design unless FUNDAMENT_INVENTORY names another folder."""
    return Path(os.environ.get("FUNDAMENT_INVENTORY", SAMPLE_DESIGN))


def migrations_dir(design: Path, given: Path | None = None) -> Path | None:
    """The migrations that belong to the design in folder `design`; None: it has none, which is valid.

    `given` (--migrations) first, then FUNDAMENT_MIGRATIONS, then the design's own `migrations/` folder;
    the sample design's migrations are the repository's top-level `migrations/`.
    """
    if given is not None:
        return given
    if "FUNDAMENT_MIGRATIONS" in os.environ:
        return Path(os.environ["FUNDAMENT_MIGRATIONS"])
    if (design / "migrations").is_dir():
        return design / "migrations"
    if design.resolve() == SAMPLE_DESIGN.resolve():
        return REPO_ROOT / "migrations"
    return None


def build_dir() -> Path:
    """Generated output (rendered configs, reports); never committed."""
    return Path(os.environ.get("FUNDAMENT_BUILD_DIR", REPO_ROOT / "build"))


def state_dir() -> Path:
    """Machine-local run state (locks, lab files)."""
    return Path(os.environ.get("FUNDAMENT_STATE_DIR", REPO_ROOT / ".fundament"))
