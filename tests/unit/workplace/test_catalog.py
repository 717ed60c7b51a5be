"""The four places a baseline control lives never drift: the design's Control names, the catalog, the
role's toggles and tasks, and the validation suite's audits."""

import re
from typing import Any

import yaml

from inventory.model.workplace import Control
from workplace.controls import CATALOG, SPEC
from workplace.runner import ANSIBLE_DIR
from workplace.verify import VALIDATION_DIR

BASELINE = ANSIBLE_DIR / "roles" / "baseline"


def _tasks() -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = yaml.safe_load((BASELINE / "tasks" / "main.yml").read_text())
    return tasks


def test_catalog_has_each_control_once():
    assert [spec.control for spec in CATALOG] == list(Control)


def test_role_defaults_have_a_toggle_per_control_and_no_other():
    defaults = yaml.safe_load((BASELINE / "defaults" / "main.yml").read_text())
    toggles = {name for name in defaults if re.fullmatch(r"baseline_(cis|bio)_[0-9_]+[a-z_]+", name)}
    assert toggles == {spec.toggle for spec in CATALOG}
    assert all(defaults[toggle] is True for toggle in toggles)


def test_every_control_guards_a_patch_task_named_after_it():
    guarded: dict[str, list[str]] = {}
    for task in _tasks():
        condition = task.get("when", "")
        toggle = condition.split()[0] if isinstance(condition, str) else ""
        guarded.setdefault(toggle, []).append(task["name"])
    for spec in CATALOG:
        names = guarded.get(spec.toggle, [])
        assert len(names) == 1, f"{spec.toggle} guards {len(names)} top-level tasks"
        assert re.match(r"^(\d+(\.\d+)*|BIO \d+(\.\d+)*) \| PATCH \| \S", names[0]), names[0]


def test_every_control_has_an_audit_test():
    audited: set[str] = set()
    for module in VALIDATION_DIR.glob("test_*.py"):
        audited |= set(re.findall(r'^@control\("([a-z0-9_]+)"\)', module.read_text(), re.M))
    assert audited == {control.value for control in Control}


def test_task_ids_match_the_catalog_reference():
    first_names = {task.get("when", "").split()[0]: task["name"] for task in _tasks()}
    for control, spec in SPEC.items():
        task_id = first_names[spec.toggle].split(" | ", 1)[0].removeprefix("BIO ")
        assert task_id in spec.reference, f"{control.value}: task {task_id} vs reference {spec.reference}"


def test_playbook_uses_all_four_roles():
    plays = yaml.safe_load((ANSIBLE_DIR / "playbooks" / "poc.yml").read_text())
    assert [entry["role"] for entry in plays[0]["roles"]] == ["base", "baseline", "software", "accessibility"]
    assert {path.name for path in (ANSIBLE_DIR / "roles").iterdir()} == {
        "base",
        "baseline",
        "software",
        "accessibility",
    }
