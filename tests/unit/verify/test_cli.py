"""`fundament net verify` end to end on recordings: exit codes, report files, filters, catalog writing."""

import json
from pathlib import Path
from typing import Any

import yaml
from junitparser import JUnitXml
from typer.testing import CliRunner

from fundament.app import app
from tests.unit.verify.test_checks import bgp, lldp, peer
from tests.unit.verify.test_runner import CATALOG, GOOD

runner = CliRunner()


def files(tmp_path: Path, answers: dict[str, Any]) -> tuple[Path, Path]:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(yaml.safe_dump(CATALOG))
    recording = tmp_path / "recording.json"
    recording.write_text(json.dumps(answers))
    return catalog, recording


def test_all_pass_writes_reports(tmp_path: Path) -> None:
    catalog, recording = files(tmp_path, GOOD)
    result = runner.invoke(
        app,
        [
            "net", "verify", "--catalog", str(catalog), "--replay", str(recording), "--wait", "0",
            "--junit", str(tmp_path / "v.xml"), "--markdown", str(tmp_path / "v.md"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 checks: 3 pass, 0 fail, 0 warn, 0 error" in result.output
    assert sum(suite.tests for suite in JUnitXml.fromfile(str(tmp_path / "v.xml"))) == 3
    assert (tmp_path / "v.md").read_text().startswith("# Network verification: passed")


def test_failure_exits_1_with_json(tmp_path: Path) -> None:
    answers = {**GOOD, "leaf1 get_bgp_neighbors": bgp({"eth1": peer(65101, 65199)})}
    catalog, recording = files(tmp_path, answers)
    result = runner.invoke(
        app, ["net", "verify", "-c", str(catalog), "--replay", str(recording), "--wait", "0", "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["fail"] == 1
    (failed,) = [r for r in report["results"] if r["status"] == "fail"]
    assert "peer AS is 65199" in failed["message"]


def test_filters_and_record(tmp_path: Path) -> None:
    catalog, recording = files(tmp_path, GOOD)
    again = tmp_path / "again.json"
    result = runner.invoke(
        app,
        [
            "net", "verify", "-c", str(catalog), "--replay", str(recording), "--wait", "0",
            "--tag", "bio:13.1.1", "--record", str(again), "--json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [r["check"] for r in json.loads(result.stdout)["results"]] == ["ssh-only"]
    assert json.loads(again.read_text()) == {
        "spine1 tcp 22": True,
        "spine1 tcp 23": False,
        "spine1 tcp 80": False,
    }
    nothing = runner.invoke(
        app, ["net", "verify", "-c", str(catalog), "--replay", str(recording), "--role", "core"]
    )
    assert nothing.exit_code == 1
    assert "no check matches the filters" in nothing.output
    unknown = runner.invoke(
        app, ["net", "verify", "-c", str(catalog), "--replay", str(recording), "-d", "nope"]
    )
    assert unknown.exit_code == 1
    assert "unknown device nope" in unknown.output


def test_bad_catalog_is_a_clear_error(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("checks:\n- check: ssh-only\n  inputs: {device: spine1, port: 23}\n")
    result = runner.invoke(app, ["net", "verify", "-c", str(catalog), "--replay", str(catalog)])
    assert result.exit_code == 1
    assert "checks[0] (ssh-only): port: Extra inputs are not permitted" in result.output
    assert "Traceback" not in result.output


def test_catalog_command_writes_what_verify_reads(tmp_path: Path) -> None:
    output = tmp_path / "catalog.yaml"
    result = runner.invoke(app, ["net", "verify", "catalog", "-o", str(output)])
    assert result.exit_code == 0, result.output
    entries = yaml.safe_load(output.read_text())["checks"]
    assert len(entries) > 100
    recording = tmp_path / "empty.json"
    recording.write_text("{}")
    # Every entry loads; with no answers each ends in error, so the run fails (and says why).
    result = runner.invoke(
        app, ["net", "verify", "-c", str(output), "--replay", str(recording), "--wait", "0", "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["error"] == len(entries)


def test_warnings_only_exit_3(tmp_path: Path) -> None:
    tapped = lldp(("eth1", "leaf1", "eth1"), ("eth1", "tap7", "eth0"))
    catalog, recording = files(tmp_path, {**GOOD, "spine1 get_lldp_neighbors": tapped})
    result = runner.invoke(
        app, ["net", "verify", "-c", str(catalog), "--replay", str(recording), "--wait", "0"]
    )
    assert result.exit_code == 3, result.output
    assert "2 pass, 0 fail, 1 warn, 0 error" in result.output


def test_checks_lists_every_registered_check_with_its_inputs() -> None:
    from network.verify.checks import REGISTRY

    result = runner.invoke(app, ["net", "verify", "checks", "--json"])
    assert result.exit_code == 0, result.output
    listed = {entry["check"]: entry for entry in json.loads(result.stdout)}
    assert set(listed) == set(REGISTRY)
    lldp_entry = listed["lldp-neighbors"]
    assert lldp_entry["needs"] == ["get_lldp_neighbors"] and lldp_entry["tags"] == ["cabling"]
    assert lldp_entry["inputs"]["required"] == ["a", "b"]
    assert listed["loopback-reachability"]["inputs"]["properties"]["max_lost"]["default"] == 0
    table = runner.invoke(app, ["net", "verify", "checks"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "zone-service" in table.output and "endpoint-probe" in table.output
