"""The pipeline files users adopt: valid for their systems (check-jsonschema's vendored schemas), wired to
the same scripts `.ci/run` uses, and calling only `fundament` commands and options that exist."""

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from fundament.cli import app
from fundament.paths import REPO_ROOT

GITLAB = REPO_ROOT / "ci" / "gitlab-ci.yml"
GITHUB = REPO_ROOT / "ci" / "github-actions.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.mark.parametrize(
    ("file", "schema"), [(GITLAB, "vendor.gitlab-ci"), (GITHUB, "vendor.github-workflows")]
)
def test_valid_for_its_system(file: Path, schema: str) -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validation_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        GITLAB.read_text().replace("allow_failure:\n    exit_codes: [2]", "allow_failure: sometimes")
    )
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.gitlab-ci", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1


def _gitlab() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GITLAB.read_text())
    return data


def _github() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GITHUB.read_text())
    return data


def _shell_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def test_gitlab_plan_surfaces_changes_pending() -> None:
    plan = _gitlab()["production-plan"]
    assert plan["allow_failure"] == {"exit_codes": [2]}
    assert "set -o pipefail" in plan["script"], "tee must not hide the plan's exit code"
    verify = _gitlab()["lab-apply-verify"]
    assert verify["artifacts"]["reports"]["junit"] == "reports/verify.xml"
    assert verify["artifacts"]["when"] == "always"
    assert any("lab down" in line for line in verify["after_script"])


def test_github_plan_maps_2_to_a_warning() -> None:
    steps = _github()["jobs"]["production-plan"]["steps"]
    (plan,) = [step for step in steps if step.get("name") == "plan against production"]
    lines = _shell_lines(plan["run"])
    assert 'if [ "$status" -eq 2 ]; then' in lines
    assert any(line.startswith('echo "::warning title=changes pending::') for line in lines)
    lab = _github()["jobs"]["lab-apply-verify"]["steps"]
    assert [step["if"] for step in lab if step.get("name") == "lab down"] == ["always()"]


def test_both_use_the_scripts_of_ci_run() -> None:
    for text in (GITLAB.read_text(), GITHUB.read_text()):
        for script in ("ci/lint.sh", "ci/setup-python.sh", "ci/bootstrap-lab.sh"):
            assert script in text
            assert (REPO_ROOT / script).is_file()
    assert "ci/lint.sh" in (REPO_ROOT / ".ci" / "run").read_text()


def _fundament_calls(text: str) -> set[tuple[str, ...]]:
    calls = set()
    for match in re.finditer(r"\.venv/bin/fundament ([^|;\n]+)", text):
        words = shlex.split(match.group(1))
        calls.add(tuple(words))
    return calls


@pytest.mark.parametrize("file", [GITLAB, GITHUB], ids=["gitlab", "github"])
def test_commands_exist(file: Path) -> None:
    runner = CliRunner()
    calls = _fundament_calls(file.read_text())
    assert {call[:2] for call in calls} >= {("inventory", "check"), ("net", "render"), ("net", "verify")}
    for call in calls:
        command = [word for word in call if not word.startswith("-")][:2]
        options = [word for word in call if word.startswith("--")]
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, f"fundament {' '.join(command)} does not exist: {result.output}"
        for option in options:
            assert option in result.output, f"fundament {' '.join(command)} has no option {option}"
