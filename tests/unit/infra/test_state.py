"""Where the engine and the simulator keep their state: fundament's state directory, never the checkout.

A stack on the simulator keeps its engine state inside the simulator's own state directory, so the two
come and go together (`sim down`, or a new simulator after a crash, cannot leave a state that names
objects the simulator no longer has); the live side of that is tests/lab/test_infra_engine.py.
"""

from pathlib import Path

import pytest

from infra import engine, sim
from infra.settings import StackSettings
from infra.stacks import PROJECT_DIR

VCSIM = StackSettings(backend="vcsim")
VSPHERE = StackSettings(backend="vsphere")


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("PULUMI_BACKEND_URL", "FUNDAMENT_INFRA_SIM_DIR", "FUNDAMENT_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "xdg" / "fundament"


def test_the_simulator_keeps_its_state_in_the_state_directory(state: Path) -> None:
    assert sim.state_dir() == state / "infra" / "sim"
    assert sim.status().state_dir == str(state / "infra" / "sim")
    assert not sim.status().running


def test_a_vcenter_stack_keeps_its_state_in_the_state_directory(state: Path) -> None:
    where = engine.locations(VSPHERE)
    assert where.backend_url == f"file://{state / 'infra' / 'state'}"
    assert where.work_dir == state / "infra" / "work"


def test_the_lab_stack_keeps_its_state_with_the_simulator(state: Path) -> None:
    assert engine.stack_settings("lab").backend == "vcsim"
    where = engine.locations(engine.stack_settings("lab"))
    assert where.backend_url == f"file://{sim.state_dir() / 'engine' / 'state'}"
    assert where.work_dir == sim.state_dir() / "engine" / "work"


def test_a_simulator_of_its_own_takes_the_stack_state_along(
    state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAMENT_INFRA_SIM_DIR", str(tmp_path / "own"))
    assert sim.state_dir() == tmp_path / "own"
    assert engine.locations(VCSIM).backend_url == f"file://{tmp_path / 'own' / 'engine' / 'state'}"
    assert engine.locations(VSPHERE).backend_url == f"file://{state / 'infra' / 'state'}"


def test_a_given_backend_gets_a_workspace_of_its_own(
    state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspaces = set()
    for url in ("s3://team-bucket/fundament", f"file://{tmp_path / 'elsewhere'}"):
        monkeypatch.setenv("PULUMI_BACKEND_URL", url)
        for settings in (VCSIM, VSPHERE):
            where = engine.locations(settings)
            assert where.backend_url == url
            assert where.work_dir.parent == state / "infra" / "work"
            workspaces.add(where.work_dir)
    assert len(workspaces) == 2


def test_fundament_state_dir_moves_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PULUMI_BACKEND_URL", "FUNDAMENT_INFRA_SIM_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FUNDAMENT_STATE_DIR", str(tmp_path / "state"))
    places = [sim.state_dir(), *(engine.locations(s).work_dir for s in (VCSIM, VSPHERE))]
    assert all(place.is_relative_to(tmp_path / "state") for place in places)
    assert not any(place.is_relative_to(PROJECT_DIR.parent) for place in places)
