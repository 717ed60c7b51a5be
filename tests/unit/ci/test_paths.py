"""fundament reads and writes nowhere that depends on a checkout: the sample ships in the package, output
follows the folder it runs in, state goes to the per-user state directory."""

from pathlib import Path

import pytest

import inventory
from fundament.paths import SAMPLE_DESIGN, build_dir, migrations_dir, state_dir


def test_the_sample_and_its_migrations_are_package_data() -> None:
    assert Path(inventory.__file__).parent / "design" == SAMPLE_DESIGN
    assert migrations_dir(SAMPLE_DESIGN) == SAMPLE_DESIGN / "migrations"
    assert sorted(path.name for path in (SAMPLE_DESIGN / "migrations").glob("*.yaml"))[0].startswith("0001_")


def test_output_goes_to_build_of_the_folder_fundament_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FUNDAMENT_BUILD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert build_dir() == tmp_path / "build"
    monkeypatch.setenv("FUNDAMENT_BUILD_DIR", str(tmp_path / "out"))
    assert build_dir() == tmp_path / "out"


def test_state_goes_to_the_state_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDAMENT_STATE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_dir() == tmp_path / "xdg" / "fundament"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert state_dir() == tmp_path / "home" / ".local" / "state" / "fundament"
    monkeypatch.setenv("FUNDAMENT_STATE_DIR", str(tmp_path / "state"))
    assert state_dir() == tmp_path / "state"
