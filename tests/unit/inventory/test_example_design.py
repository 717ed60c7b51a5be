"""The example design (inventory/examples/campus): shaped unlike the sample, through check, render and its
own migrations. FUNDAMENT_UPDATE_GOLDEN=1 rewrites its golden configs (review the git diff)."""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundament.app import app
from fundament.exitcodes import ExitCode
from fundament.paths import SAMPLE_DESIGN, migrations_dir
from inventory import load_design
from inventory.migrations import load_migrations

EXAMPLE = SAMPLE_DESIGN.parent / "examples" / "campus"
GOLDEN = Path(__file__).parent / "golden" / "examples" / "campus"
UPDATE = os.environ.get("FUNDAMENT_UPDATE_GOLDEN") == "1"


def test_example_is_valid_and_shaped_unlike_the_sample() -> None:
    result = CliRunner().invoke(app, ["inventory", "check", "-i", str(EXAMPLE)])
    assert result.exit_code == ExitCode.OK, result.output
    design = load_design(EXAMPLE)
    assert design.datacenter is None
    assert {site.kind.value for site in design.sites} == {"campus"}
    assert {segment.vlan for segment in design.segments} == {110}
    assert len({segment.vni for segment in design.segments}) == len(design.sites) == 3


def test_example_brings_its_own_migrations() -> None:
    design = load_design(EXAMPLE)
    folder = migrations_dir(EXAMPLE)
    assert folder == EXAMPLE / "migrations"
    [migration] = load_migrations(folder, design)
    assert migration.id == "0001_basis"
    first, rest = migration.waves
    assert set(first) == {"core-a", "acc-a1", "acc-a2"}
    assert len(rest) == 6


@pytest.mark.parametrize("platform", ["design", "frr"])
def test_example_renders_as_reviewed(platform: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["net", "render", "--platform", platform, "-i", str(EXAMPLE), "-o", str(tmp_path)]
    )
    assert result.exit_code == ExitCode.OK, result.output
    rendered = {str(path.relative_to(tmp_path)): path.read_text() for path in tmp_path.rglob("*.cfg")}
    assert len(rendered) == 9
    if UPDATE:
        for name, text in rendered.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    golden = {
        str(path.relative_to(GOLDEN)): path.read_text()
        for path in GOLDEN.rglob("*.cfg")
        if path.parent.name == ("eos" if platform == "design" else platform)
    }
    assert rendered == golden


def test_example_wan_circuits_carry_their_own_mtu() -> None:
    config = (GOLDEN / "eos" / "core-a.cfg").read_text()
    wan = config.split("interface Ethernet1\n", 1)[1].split("!", 1)[0]
    assert "mtu 1500" in wan
