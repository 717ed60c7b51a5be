"""`fundament net render` end to end through the real CLI, into a temporary folder."""

import json
from pathlib import Path

from typer.testing import CliRunner

from fundament.app import app
from fundament.paths import SAMPLE_DESIGN
from inventory import Design
from inventory.migrations import load_migrations
from inventory.model import Platform
from network.intended import Intent

runner = CliRunner()


def test_render_writes_one_file_per_selected_device(tmp_path: Path, design: Design) -> None:
    result = runner.invoke(app, ["net", "render", "--role", "spine", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "frr").iterdir()) == ["spine1.cfg", "spine2.cfg"]
    written = (tmp_path / "frr" / "spine1.cfg").read_text(encoding="utf-8")
    intent = Intent(design, load_migrations(SAMPLE_DESIGN / "migrations", design))
    assert written == intent.config("spine1", Platform.FRR)


def test_platform_design_uses_each_devices_platform(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["net", "render", "-d", "leaf1", "--platform", "design", "-o", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    configs = json.loads(result.stdout)["configs"]
    assert configs == {"leaf1": str(tmp_path / "eos" / "leaf1.cfg")}
    first, second = Path(configs["leaf1"]).read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("!! fundament-migrations: 0001_") and second.startswith("! leaf1: leaf at dc1")


def test_unknown_device_exits_1_without_writing(tmp_path: Path) -> None:
    result = runner.invoke(app, ["net", "render", "-d", "leaf9", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown device leaf9" in result.output
    assert list(tmp_path.iterdir()) == []
