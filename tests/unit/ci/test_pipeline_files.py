"""The pipeline files users adopt: valid for their systems (actionlint on the GitHub workflow, GitLab's CI
schema on the GitLab file), carrying the protections the README promises, wired to the same scripts `.ci/run`
uses, and calling only `fundament` commands and options that exist."""

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from fundament.app import app
from tests.root import REPO_ROOT

ROOT = REPO_ROOT
GITLAB = ROOT / "ci" / "gitlab-ci.yml"
GITHUB = ROOT / "ci" / "github-actions.yml"
ACTIONLINT_CONFIG = ROOT / "ci" / "actionlint.yaml"
MAIN = ROOT / "ci" / "main.sh"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
PROTECTED_MAIN = '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_COMMIT_REF_PROTECTED == "true"'
GITHUB_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(word) for word in command], capture_output=True, text=True, check=False)


@cache
def _actionlint() -> Path:
    """The pinned actionlint, built from the Go module proxy on first use (ci/bootstrap-actionlint.sh)."""
    result = _run(ROOT / "ci" / "bootstrap-actionlint.sh")
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_github_workflow_passes_actionlint() -> None:
    result = _run(_actionlint(), "-config-file", ACTIONLINT_CONFIG, "-no-color", GITHUB)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_knows_the_runner_labels_only_from_its_config(tmp_path: Path) -> None:
    bare = tmp_path / "actionlint.yaml"
    bare.write_text("self-hosted-runner:\n  labels: []\n")
    result = _run(_actionlint(), "-config-file", bare, "-no-color", GITHUB)
    assert result.returncode == 1
    assert 'label "fundament-lab" is unknown' in result.stdout
    assert 'label "fundament-production" is unknown' in result.stdout


@pytest.mark.parametrize(
    ("file", "schema"), [(GITLAB, "vendor.gitlab-ci"), (GITHUB, "vendor.github-workflows")]
)
def test_valid_for_its_system(file: Path, schema: str) -> None:
    result = _run(CHECK_JSONSCHEMA, "--builtin-schema", schema, file)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_schema_rejects_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = GITLAB.read_text()
    assert "allow_failure:\n    exit_codes: [2]" in text
    broken.write_text(text.replace("allow_failure:\n    exit_codes: [2]", "allow_failure: sometimes"))
    result = _run(CHECK_JSONSCHEMA, "--builtin-schema", "vendor.gitlab-ci", broken)
    assert result.returncode == 1


def _gitlab() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GITLAB.read_text())
    return data


def _github() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GITHUB.read_text())
    return data


def _gitlab_jobs() -> dict[str, dict[str, Any]]:
    return {name: job for name, job in _gitlab().items() if isinstance(job, dict) and "stage" in job}


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4])
def test_pass_on_warnings_passes_exit_3_only(code: int) -> None:
    result = _run("bash", "-c", f'. "{ROOT}/ci/lib.sh"; pass_on_warnings sh -c "exit {code}"')
    assert result.returncode == (0 if code == 3 else code)
    assert ("warnings only" in result.stderr) == (code == 3)


def test_verify_exit_3_is_read_the_same_everywhere() -> None:
    for file in (GITLAB, GITHUB, MAIN):
        lines = [
            line for line in file.read_text().splitlines() if "net verify" in line and "fundament" in line
        ]
        commands = [line for line in lines if not line.lstrip().startswith("#")]
        assert commands, f"{file.name} runs no net verify"
        for line in commands:
            assert "pass_on_warnings " in line, f"{file.name}: {line.strip()}"


def test_gitlab_production_runs_only_on_the_protected_default_branch() -> None:
    jobs = _gitlab_jobs()
    production = {name: job for name, job in jobs.items() if "fundament-production" in job.get("tags", [])}
    assert set(production) == {"production-plan", "production-apply"}
    for job in production.values():
        assert [rule["if"] for rule in job["rules"]] == [PROTECTED_MAIN]
        assert job["environment"]["name"] == "production"
        assert job["resource_group"] == "production"
    assert production["production-apply"]["rules"][0]["when"] == "manual"
    assert production["production-apply"]["needs"] == ["production-plan"]
    # No other job uses the production environment (whose variables hold the secrets).
    others = [name for name, job in jobs.items() if name not in production and "environment" in job]
    assert others == []


def test_gitlab_lab_never_runs_fork_code() -> None:
    lab = _gitlab_jobs()["lab-apply-verify"]
    assert lab["tags"] == ["fundament-lab"]
    for rule in lab["rules"]:
        if "merge_request_event" in rule["if"] and "!=" not in rule["if"]:
            assert "$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID" in rule["if"]
    assert "resource groups are per project" in GITLAB.read_text()


def test_github_production_runs_only_on_main_with_environment_secrets() -> None:
    jobs = _github()["jobs"]
    for name in ("production-plan", "production-apply"):
        assert jobs[name]["if"] == GITHUB_MAIN
        assert "fundament-production" in jobs[name]["runs-on"]
    assert jobs["production-plan"]["environment"] == "production-plan"
    assert jobs["production-apply"]["environment"] == "production"
    assert jobs["production-apply"]["needs"] == "production-plan"
    # Secrets appear only in jobs bound to an environment (environment secrets, branch-restricted).
    for name, job in jobs.items():
        if "secrets." in yaml.safe_dump(job):
            assert "environment" in job, name
    assert "pull_request_target" not in GITHUB.read_text()


def test_github_lab_never_runs_fork_code() -> None:
    lab = _github()["jobs"]["lab"]
    assert "self-hosted" in lab["runs-on"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in lab["if"]


def _folder(job: dict[str, Any], variable: str) -> str:
    return str(job["variables"][variable]).removeprefix("$CI_PROJECT_DIR/")


def test_caches_are_kept() -> None:
    static = _gitlab_jobs()["static"]
    assert [entry["key"]["files"] for entry in static["cache"]] == [["uv.lock"], ["ci/tools/go.sum"]]
    cached = {path for entry in static["cache"] for path in entry["paths"]}
    for variable in ("UV_CACHE_DIR", "GOMODCACHE", "GOCACHE"):
        assert _folder(static, variable) in cached, variable
    # The pinned uv (ci/setup-python.sh: $FUNDAMENT_TOOLS_DIR/uv-<version>), not the infra tools beside it.
    assert f"{_folder(static, 'FUNDAMENT_TOOLS_DIR')}/uv-*" in cached
    (cache_step,) = [s for s in _github()["jobs"]["static"]["steps"] if s.get("uses") == "actions/cache@v4"]
    assert "hashFiles('uv.lock')" in cache_step["with"]["key"]
    assert cache_step["with"]["path"].split() == ["~/.cache/uv", "~/.cache/fundament/uv-*"]


INFRA_PINS = ["infra/tools/pulumi/go.sum", "infra/tools/vcsim/go.sum"]


def test_the_pulumi_cli_and_vcsim_builds_are_cached_by_their_pins() -> None:
    """ci/bootstrap-infra.sh builds them into $FUNDAMENT_TOOLS_DIR/bin (10-40 minutes cold)."""
    assert (
        "cache=${FUNDAMENT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fundament}/bin"
        in (ROOT / "ci" / "bootstrap-infra.sh").read_text()
    )
    assert sorted(str(path.relative_to(ROOT)) for path in ROOT.glob("infra/tools/*/go.sum")) == INFRA_PINS
    gitlab = _gitlab_jobs()["datacenter"]
    (tools,) = [entry for entry in gitlab["cache"] if entry["key"].get("prefix") == "infra-tools"]
    assert tools["key"]["files"] == INFRA_PINS
    assert tools["paths"] == [f"{_folder(gitlab, 'FUNDAMENT_TOOLS_DIR')}/bin"]
    github = _github()["jobs"]["datacenter"]
    (step,) = [s for s in github["steps"] if s.get("with", {}).get("path") == "~/.cache/fundament/bin"]
    assert step["uses"] == "actions/cache@v4"
    assert "hashFiles('infra/tools/*/go.sum', 'infra/tools/vcsim/main.go')" in step["with"]["key"]


@pytest.mark.parametrize("file", [GITLAB, GITHUB], ids=["gitlab", "github"])
def test_the_datacenter_job_runs_what_ci_main_runs(file: Path) -> None:
    """sim up -> up -> preview (exit 0: nothing left to change), as in ci/main.sh; then destroy."""
    steps = [call for call in _fundament_calls(file.read_text()) if call[0] == "infra" and call[1] != "sim"]
    main = [call for call in _fundament_calls(MAIN.read_text(), "$fundament") if call[0] == "infra"]
    assert main == [
        ("infra", "sim", "up"),
        ("infra", "up", "--stack", "lab"),
        ("infra", "preview", "--stack", "lab"),
    ]
    assert set(main[1:]) < set(steps)
    text = file.read_text()
    assert (
        text.index("infra sim up")
        < text.index("infra up --stack lab")
        < text.index("infra preview --stack lab")
    )
    assert "ci/bootstrap-infra.sh" in text
    assert "infra sim down" in text


def test_gitlab_plan_surfaces_changes_pending() -> None:
    plan = _gitlab_jobs()["production-plan"]
    assert plan["allow_failure"] == {"exit_codes": [2]}
    assert "set -o pipefail" in plan["script"], "tee must not hide the plan's exit code"
    verify = _gitlab_jobs()["lab-apply-verify"]
    assert verify["artifacts"]["reports"]["junit"] == "reports/verify.xml"
    assert verify["artifacts"]["when"] == "always"
    assert any("lab down" in line for line in verify["after_script"])


def test_github_plan_maps_2_to_a_warning() -> None:
    steps = _github()["jobs"]["production-plan"]["steps"]
    (plan,) = [step for step in steps if step.get("name") == "plan against production"]
    lines = [line.strip() for line in plan["run"].splitlines()]
    assert 'if [ "$status" -eq 2 ]; then' in lines
    assert any(line.startswith('echo "::warning title=changes pending::') for line in lines)
    lab = _github()["jobs"]["lab"]["steps"]
    assert [step["if"] for step in lab if step.get("name") == "lab down"] == ["always()"]


def test_both_use_the_scripts_of_ci_run() -> None:
    for text in (GITLAB.read_text(), GITHUB.read_text()):
        for script in ("ci/lint.sh", "ci/setup-python.sh", "ci/bootstrap-lab.sh", "ci/lib.sh"):
            assert script in text
            assert (ROOT / script).is_file()
    assert "ci/lint.sh" in (ROOT / ".ci" / "run").read_text()


def _fundament_calls(text: str, command: str = ".venv/bin/fundament") -> list[tuple[str, ...]]:
    """Every `fundament` command line in `text`, in order."""
    return [
        tuple(shlex.split(match.group(1))) for match in re.finditer(rf"{re.escape(command)} ([^|;\n]+)", text)
    ]


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
