"""Run the real `fundament` command from lab tests, as CI and users do."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fundament.paths import REPO_ROOT

FUNDAMENT = Path(sys.executable).parent / "fundament"
SAMPLE = REPO_ROOT / "inventory" / "design"


def fundament(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FUNDAMENT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "CI": "true"},
        check=False,
    )


def design_copy(folder: Path, **edits: tuple[str, str]) -> Path:
    """The sample design in `folder`, with one text replacement per named file (a deliberate change)."""
    target = folder / "design"
    shutil.copytree(SAMPLE, target)
    for stem, (old, new) in edits.items():
        file = target / f"{stem}.yaml"
        text = file.read_text()
        assert old in text, f"{old!r} not in {file.name}"
        file.write_text(text.replace(old, new, 1))
    return target


def changed_lines(diff: str) -> list[str]:
    """The added and removed lines of a diff, without the file headers."""
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
