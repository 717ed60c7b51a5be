"""The machine image with the profile's packages: what the playbook installs is exactly what the package
stage installs, and the image is rebuilt exactly when what decides its packages changes."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from inventory import Design
from workplace import runner
from workplace.preinstall import PACKAGES_TAG, reference
from workplace.profile import playbook_vars, select_profile
from workplace.runner import ANSIBLE_DIR

BASE = "fundament/workplace-base-uml:0123456789abcdef"


def _tasks(tasks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for task in tasks:
        if "block" in task:
            yield from _tasks(task["block"])
        else:
            yield task


def _role_tasks() -> list[dict[str, Any]]:
    return [
        task
        for path in sorted((ANSIBLE_DIR / "roles").glob("*/tasks/main.yml"))
        for task in _tasks(yaml.safe_load(path.read_text()))
    ]


def test_every_package_task_runs_in_the_package_stage_and_nothing_else_does() -> None:
    """An apt task without the tag would install on the booted machine (slowly); a configuration task
    with it would configure the image before the profile's configuration runs."""
    tagged = {task["name"] for task in _role_tasks() if PACKAGES_TAG in task.get("tags", [])}
    apt = {task["name"] for task in _role_tasks() if "ansible.builtin.apt" in task}
    assert len(apt) >= 10
    assert tagged == apt | {"Base | Configure the Debian package sources"}


@pytest.fixture
def ansible_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "ansible"
    shutil.copytree(ANSIBLE_DIR, copy, symlinks=True)
    monkeypatch.setattr(runner, "ANSIBLE_DIR", copy)
    return copy


def test_the_image_changes_with_what_decides_its_packages(design: Design, ansible_copy: Path) -> None:
    kantoor = playbook_vars(design, select_profile(design, "kantoor"))
    first = reference(BASE, "kantoor", kantoor)
    assert first.startswith("fundament/workplace-kantoor-uml:")
    assert reference(BASE, "kantoor", dict(kantoor)) == first
    # A template is configuration only: the packages stay.
    (ansible_copy / "roles" / "baseline" / "templates" / "nftables.conf.j2").write_text("# changed\n")
    assert reference(BASE, "kantoor", kantoor) == first
    # The base image, the variables and the tasks decide the packages.
    assert reference(BASE.replace("0123", "3210"), "kantoor", kantoor) != first
    assert reference(BASE, "kantoor", {**kantoor, "software_packages": ["abiword"]}) != first
    tasks = ansible_copy / "roles" / "software" / "tasks" / "main.yml"
    tasks.write_text(tasks.read_text() + "\n# changed\n")
    assert reference(BASE, "kantoor", kantoor) != first
