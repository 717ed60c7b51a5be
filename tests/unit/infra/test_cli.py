"""`fundament infra`: plan under the mock runtime; engine commands explain a missing Pulumi CLI."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundament.app import app
from infra.plan import Plan
from tests.unit.infra.conftest import SAMPLE

runner = CliRunner()


def test_plan_prints_the_sample_datacenter_labelled_as_mock() -> None:
    result = runner.invoke(
        app, ["infra", "plan", "--stack", "prod", "-i", str(SAMPLE)], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    assert "mock runtime — no engine, no vCenter" in result.stdout
    for name in ("dpg-0220-dmz", "webportaal-01", "rp-bedrijfskritisch", "dvs-rand", "fundament/dmz"):
        assert name in result.stdout
    assert "policies: no violations" in result.stdout


def test_plan_json_lists_every_resource(prod: Plan) -> None:
    result = runner.invoke(app, ["infra", "plan", "--json", "-i", str(SAMPLE)])
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["runtime"] == "mock"
    assert [(r["type"], r["name"]) for r in report["resources"]] == [(r.type, r.name) for r in prod.resources]
    assert report["violations"] == []


def test_plan_of_an_inconsistent_design_names_the_path(tmp_path: Path) -> None:
    design = tmp_path / "design"
    shutil.copytree(SAMPLE, design)
    file = design / "datacenter.yaml"
    file.write_text(
        file.read_text().replace("{segment: dmz, switch: dvs-rand,", "{segment: server, switch: dvs-rand,")
    )
    result = runner.invoke(app, ["infra", "plan", "--json", "-i", str(design)])
    assert result.exit_code == 1
    problems = {p["path"]: p["message"] for p in json.loads(result.stdout)["problems"]}
    assert (
        problems["datacenter.port_groups[2].segment"]
        == "VLAN 210 is already used at datacenter.port_groups[0].segment"
    )


def test_plan_of_an_unknown_stack_fails() -> None:
    result = runner.invoke(app, ["infra", "plan", "--stack", "staging", "-i", str(SAMPLE)])
    assert result.exit_code == 1
    assert "no stack file Pulumi.staging.yaml" in result.stderr


@pytest.mark.parametrize("command", ["preview", "up", "refresh", "destroy", "outputs"])
def test_engine_commands_without_pulumi_cli_say_how_to_install(command: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["infra", command, "--stack", "lab", "--json"], env={"FUNDAMENT_INFRA_TOOLS": str(tmp_path)}
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error.startswith("the Pulumi CLI is not installed: run ci/bootstrap-infra.sh")


def test_engine_commands_without_the_policy_pack_launcher_say_how_to_install(tmp_path: Path) -> None:
    (tmp_path / "pulumi").write_text("#!/bin/sh\n")
    result = runner.invoke(
        app, ["infra", "preview", "--stack", "lab", "--json"], env={"FUNDAMENT_INFRA_TOOLS": str(tmp_path)}
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error == (
        f"fundament-policy-pack (the policy pack's launcher) is not in {tmp_path}: run ci/bootstrap-infra.sh"
    )
