"""Which runtime the lab's nodes get: machines where user-mode Linux is installed, containers otherwise,
and never a silent fallback in CI or when machines are asked for."""

import pytest

from network.lab import control
from network.lab.topology import Runtime


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDAMENT_LAB_RUNTIME", raising=False)
    monkeypatch.delenv("CI", raising=False)


@pytest.mark.usefixtures("with_uml")
def test_machines_where_uml_is_installed() -> None:
    assert control.runtime() == control.RuntimeChoice(Runtime.MACHINE, None)


@pytest.mark.usefixtures("without_uml")
def test_containers_without_uml_and_the_reason_names_the_package() -> None:
    choice = control.runtime()
    assert choice.runtime is Runtime.CONTAINER
    assert choice.fallback_reason is not None and "user-mode-linux" in choice.fallback_reason


@pytest.mark.usefixtures("without_uml")
def test_ci_never_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(control.LabError, match="full-fidelity lab cannot run: user-mode Linux"):
        control.runtime()


@pytest.mark.usefixtures("without_uml")
def test_asking_for_machines_without_uml_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDAMENT_LAB_RUNTIME", "machine")
    with pytest.raises(control.LabError, match="user-mode-linux"):
        control.runtime()


@pytest.mark.usefixtures("with_uml")
def test_containers_on_request_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDAMENT_LAB_RUNTIME", "container")
    assert control.runtime() == control.RuntimeChoice(Runtime.CONTAINER, "FUNDAMENT_LAB_RUNTIME=container")
    monkeypatch.setenv("FUNDAMENT_LAB_RUNTIME", "vm")
    with pytest.raises(control.LabError, match="use machine or container"):
        control.runtime()
