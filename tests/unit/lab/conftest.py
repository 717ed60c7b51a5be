from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from inventory import Design, load_design
from network.lab.topology import LabImages

SAMPLE = SAMPLE_DESIGN
# Fixed references, so the golden file does not change with every edit of an image recipe.
IMAGES = LabImages(switch="fundament/lab-switch:test", host="fundament/lab-host:test")


@pytest.fixture(scope="session")
def design() -> Design:
    return load_design(SAMPLE)


@pytest.fixture
def without_uml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH without user-mode Linux's kernel."""
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.fixture
def with_uml(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH with an executable named like user-mode Linux's kernel (nothing runs it)."""
    kernel = tmp_path / "linux.uml"
    kernel.write_text("#!/bin/sh\nexit 1\n")
    kernel.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
