"""Run the real `fundament` command from lab tests, as CI and users do."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def _outcomes(devices: list[dict[str, Any]]) -> str:
    """Per device, what happened (diffs left out)."""
    return "".join(f"  {d['device']} {d['status']}: {d['message'][:800]}\n" for d in devices)


def _report(stdout: str, key: str) -> list[dict[str, Any]] | None:
    """`key` of a command's --json report; None when it printed no report."""
    try:
        found: list[dict[str, Any]] = json.loads(stdout)[key]
    except (ValueError, KeyError):
        return None
    return found


def not_done(stdout: str) -> str:
    """The steps of a migrate run that did not finish, per device what happened."""
    steps = _report(stdout, "steps")
    if steps is None:
        return stdout[-4000:]
    return "\n".join(
        f"{step['step']} {step['status']}: {step['message']}\n" + _outcomes(step["devices"])
        for step in steps
        if step["status"] != "done"
    )


def not_applied(stdout: str) -> str:
    """What a `net apply` that did not succeed says per device."""
    devices = _report(stdout, "devices")
    if devices is None:
        return stdout[-4000:]
    return _outcomes([d for d in devices if d["status"] != "applied"])
