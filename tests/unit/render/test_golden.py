"""Rendered configs of the sample design against reviewed golden files, per platform and device.

FUNDAMENT_UPDATE_GOLDEN=1 rewrites the golden files from the current templates (review the git diff).
"""

from pathlib import Path

import pytest

from inventory import Design, load_design
from inventory.model import Platform
from network.facts import device_facts
from network.render import render_device
from tests.golden import assert_matches_golden

GOLDEN = Path(__file__).parent / "golden"
CASES = [(platform, device.name) for platform in Platform for device in load_design().devices]


@pytest.mark.parametrize(("platform", "device"), CASES, ids=[f"{p}-{d}" for p, d in CASES])
def test_config_matches_golden_file(design: Design, platform: Platform, device: str) -> None:
    rendered = render_device(device_facts(design, device), platform)
    golden = GOLDEN / platform.value / f"{device}.cfg"
    assert_matches_golden(rendered, golden)


def test_every_golden_file_belongs_to_a_device() -> None:
    expected = {f"{platform}/{device}.cfg" for platform, device in CASES}
    present = {str(path.relative_to(GOLDEN)) for path in GOLDEN.glob("*/*.cfg")}
    assert present == expected
