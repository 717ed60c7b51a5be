"""Golden-file comparison shared by the golden tests: update mode rewrites and compares nothing, so it is
reported as skipped, never as a pass, and refused where CI is set."""

import os
from pathlib import Path

import pytest

UPDATE_VARIABLE = "FUNDAMENT_UPDATE_GOLDEN"


def assert_matches_golden(text: str, golden: Path) -> None:
    """`text` equals the golden file; with FUNDAMENT_UPDATE_GOLDEN=1 the file is rewritten instead."""
    if os.environ.get(UPDATE_VARIABLE) == "1":
        if os.environ.get("CI"):
            pytest.fail(f"{UPDATE_VARIABLE}=1 with CI set: update mode compares nothing, so CI refuses it")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {golden}: review the git diff (nothing was compared)")
    assert text == golden.read_text(encoding="utf-8"), (
        f"{golden} differs: regenerate with {UPDATE_VARIABLE}=1 after a deliberate change"
    )
