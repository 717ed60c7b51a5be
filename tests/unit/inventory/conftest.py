import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import DesignError, load

SAMPLE = SAMPLE_DESIGN


@pytest.fixture
def broken(tmp_path: Path) -> Callable[..., list[str]]:
    """Copy the sample design, apply text replacements per file, load it, return the problems as text."""

    def apply(**edits: tuple[str, str]) -> list[str]:
        design = tmp_path / "design"
        shutil.copytree(SAMPLE, design)
        for stem, (old, new) in edits.items():
            file = design / f"{stem}.yaml"
            text = file.read_text()
            assert old in text, f"{old!r} not in {file.name}"
            file.write_text(text.replace(old, new, 1))
        with pytest.raises(DesignError) as caught:
            load(design)
        return [str(problem).replace(f"{design}/", "") for problem in caught.value.problems]

    return apply
