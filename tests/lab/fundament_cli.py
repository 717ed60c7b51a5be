"""Run the real `fundament` command from lab tests, as CI and users do."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fundament.paths import inventory_dir

FUNDAMENT = Path(sys.executable).parent / "fundament"


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
    """The design under test in `folder`, with one text replacement per named file (a deliberate change)."""
    target = folder / "design"
    shutil.copytree(inventory_dir(), target)
    for stem, (old, new) in edits.items():
        file = target / f"{stem}.yaml"
        text = file.read_text()
        assert old in text, f"{old!r} not in {file.name}"
        file.write_text(text.replace(old, new, 1))
    return target


def changed_lines(diff: str) -> list[str]:
    """The added and removed lines of a diff, without the file headers."""
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
