"""The repository's root, for tests that read its files (READMEs, ci/): fundament itself never needs it."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
