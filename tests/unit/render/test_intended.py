"""One intended config for render, plan, apply and migrate; migrations come with the design they belong to."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundament.app import app
from fundament.paths import SAMPLE_DESIGN, migrations_dir
from inventory import Design
from inventory.migrations import load_migrations
from inventory.model import Platform
from network.intended import Intent
from network.migrate.engine import Migrator
from network.migrate.state import read_record

runner = CliRunner()


@pytest.fixture
def design_copy(tmp_path: Path) -> Path:
    """The sample design in a folder of its own, without migrations."""
    folder = tmp_path / "design"
    shutil.copytree(SAMPLE_DESIGN, folder, ignore=shutil.ignore_patterns("migrations"))
    return folder


def test_the_whole_design_is_what_every_migration_together_builds(design: Design) -> None:
    migrations = load_migrations(SAMPLE_DESIGN / "migrations", design)
    intent = Intent(design, migrations)
    migrator = Migrator(design=design, migrations=migrations)
    for device in design.devices:
        whole = intent.config(device.name, Platform.FRR)
        assert whole == migrator.intended(device.name, intent.concerning(device.name)), device.name
        assert read_record(whole) == intent.concerning(device.name) != ()


def test_render_writes_the_record_of_the_sample_migrations(tmp_path: Path, design: Design) -> None:
    result = runner.invoke(app, ["net", "render", "-d", "leaf1", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "frr" / "leaf1.cfg").read_text(encoding="utf-8")
    migrations = load_migrations(SAMPLE_DESIGN / "migrations", design)
    assert read_record(written) == tuple(m.id for m in migrations if "leaf1" in m.devices)


def test_a_design_without_migrations_renders_without_a_record(tmp_path: Path, design_copy: Path) -> None:
    output = tmp_path / "out"
    result = runner.invoke(
        app, ["--inventory", str(design_copy), "net", "render", "-d", "leaf1", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    written = (output / "frr" / "leaf1.cfg").read_text(encoding="utf-8")
    assert read_record(written) == ()
    assert "hostname leaf1" in written


def test_migrations_beside_the_design_are_its_own(tmp_path: Path, design_copy: Path) -> None:
    assert migrations_dir(SAMPLE_DESIGN) == SAMPLE_DESIGN / "migrations"
    assert migrations_dir(design_copy) is None
    (design_copy / "migrations").mkdir()
    shutil.copy(SAMPLE_DESIGN / "migrations" / "0001_beheer_en_hardening.yaml", design_copy / "migrations")
    assert migrations_dir(design_copy) == design_copy / "migrations"
    assert migrations_dir(design_copy, tmp_path) == tmp_path
    output = tmp_path / "out"
    result = runner.invoke(app, ["net", "render", "-i", str(design_copy), "-d", "leaf1", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert read_record((output / "frr" / "leaf1.cfg").read_text()) == ("0001_beheer_en_hardening",)


def test_a_missing_migration_folder_is_an_error_that_writes_nothing(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["net", "render", "-m", str(tmp_path / "nowhere"), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert "nowhere does not exist" in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()
