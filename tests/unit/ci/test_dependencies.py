"""Every package the code imports is declared where it is installed from: the wheel's code in
`[project].dependencies`, tests, benches and CI scripts there or in the dev group, the lab driver in its own
pyproject.toml. An import that works only because some other package happens to pull it in breaks the day
that package drops it, and ci/lowest-direct.sh cannot see it."""

import ast
import re
import sys
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.root import REPO_ROOT

DRIVER = REPO_ROOT / "network" / "napalm-frr"
WHEEL_PACKAGES = ("fundament", "inventory", "network", "infra", "workplace")
PROVIDED_BY: dict[str, str] = {
    # The `ansible` distribution is the one declared (it brings the collections the playbooks use); the
    # `ansible` module itself is ansible-core's, which every `ansible` release pins.
    "ansible": "ansible",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(requirements: list[str]) -> set[str]:
    return {_normal(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]) for requirement in requirements}


def _declared(pyproject: Path, groups: tuple[str, ...] = ()) -> set[str]:
    data = tomllib.loads(pyproject.read_text())
    names = _names(data["project"]["dependencies"])
    for group in groups:
        names |= _names(data["dependency-groups"][group])
    return names


@cache
def _distributions() -> Mapping[str, list[str]]:
    return packages_distributions()


def _third_party_imports(file: Path) -> set[str]:
    """Top-level modules `file` imports that are neither the standard library nor first-party."""
    found = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            sibling = (file.parent / f"{top}.py").exists() or (file.parent / top).is_dir()
            first_party = top in (*WHEEL_PACKAGES, "tests", "napalm_frr") or sibling
            if top not in sys.stdlib_module_names and not first_party:
                found.add(top)
    return found


def _undeclared(files: list[Path], declared: set[str]) -> list[str]:
    problems = []
    for file in files:
        for module in sorted(_third_party_imports(file)):
            providers = {_normal(dist) for dist in _distributions().get(module, [])}
            if module in PROVIDED_BY:
                providers = {_normal(PROVIDED_BY[module])}
            if not providers & declared:
                where = ", ".join(sorted(providers)) or "no installed distribution"
                shown = file.relative_to(REPO_ROOT) if file.is_relative_to(REPO_ROOT) else file.name
                problems.append(f"{shown}: {module} ({where})")
    return problems


def _python_files(*folders: Path) -> list[Path]:
    return sorted(path for folder in folders for path in folder.rglob("*.py"))


def test_the_wheel_imports_only_its_declared_dependencies() -> None:
    files = [
        path
        for path in _python_files(*(REPO_ROOT / name for name in WHEEL_PACKAGES))
        if not path.is_relative_to(DRIVER)
    ]
    assert len(files) > 100
    assert _undeclared(files, _declared(REPO_ROOT / "pyproject.toml")) == []


def test_tests_benches_and_ci_import_only_declared_packages() -> None:
    files = _python_files(*(REPO_ROOT / name for name in ("tests", "bench", "ci")))
    declared = _declared(REPO_ROOT / "pyproject.toml", ("dev",))
    assert _undeclared(files, declared) == []


def test_the_lab_driver_imports_only_its_own_dependencies() -> None:
    files = [path for path in _python_files(DRIVER) if "tests" not in path.parts]
    assert files
    assert _undeclared(files, _declared(DRIVER / "pyproject.toml")) == []


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("import requests\n", "probe.py: requests (requests)"),
        ("from pyVmomi import vim\n", "probe.py: pyVmomi (pyvmomi)"),
        ("import not_installed_anywhere\n", "probe.py: not_installed_anywhere (no installed distribution)"),
    ],
)
def test_an_undeclared_import_is_named(source: str, problem: str, tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nimport yaml\nfrom infra import sim\n" + source)
    assert _undeclared([probe], {"pyyaml"}) == [problem]
