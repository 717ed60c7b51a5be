"""Where fundament reads and writes, overridable by environment variables (prefix FUNDAMENT_)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def inventory_dir() -> Path:
    """The source of truth: the sample design unless FUNDAMENT_INVENTORY names another folder."""
    return Path(os.environ.get("FUNDAMENT_INVENTORY", REPO_ROOT / "inventory" / "design"))


def build_dir() -> Path:
    """Generated output (rendered configs, reports); never committed."""
    return Path(os.environ.get("FUNDAMENT_BUILD_DIR", REPO_ROOT / "build"))


def state_dir() -> Path:
    """Machine-local run state (locks, lab files)."""
    return Path(os.environ.get("FUNDAMENT_STATE_DIR", REPO_ROOT / ".fundament"))
