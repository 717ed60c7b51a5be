import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from fundament.paths import SAMPLE_DESIGN
from infra.plan import Plan, plan
from infra.program import verify
from inventory import Design, DesignError, load, load_design
from inventory.model import Datacenter

SAMPLE = SAMPLE_DESIGN


@pytest.fixture(scope="session")
def design() -> Design:
    return load_design(SAMPLE)


@pytest.fixture(scope="session")
def dc(design: Design) -> Datacenter:
    assert design.datacenter is not None
    return design.datacenter


@pytest.fixture(scope="session")
def prod(design: Design) -> Plan:
    return plan(design, "prod")


@pytest.fixture
def inconsistent(tmp_path: Path) -> Callable[..., list[str]]:
    """Copy the sample design, apply text replacements per file; the problems infra's check finds, as text."""

    def apply(*edits: tuple[str, str, str]) -> list[str]:
        folder = tmp_path / "design"
        shutil.copytree(SAMPLE, folder)
        for stem, old, new in edits:
            file = folder / f"{stem}.yaml"
            text = file.read_text()
            assert old in text, f"{old!r} not in {file.name}"
            file.write_text(text.replace(old, new, 1))
        loaded = load(folder)  # the inventory's own checks pass: the datacenter disagrees with the network
        with pytest.raises(DesignError) as caught:
            verify(loaded)
        return [str(problem).replace(f"{folder}/", "") for problem in caught.value.problems]

    return apply
