"""The CLI kit: one error handler, one JSON error shape, device text shown as it is, one meaning per flag."""

import json
from pathlib import Path
from typing import Any

from typer.main import get_command
from typer.testing import CliRunner

from fundament.app import app
from fundament.paths import SAMPLE_DESIGN

runner = CliRunner()


def test_an_error_with_json_is_the_one_shape_on_stdout(tmp_path: Path) -> None:
    result = runner.invoke(app, ["net", "render", "-d", "leaf9", "-o", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"ok": False, "error": "unknown device leaf9", "problems": []}


def test_an_invalid_design_lists_its_problems_in_the_same_shape(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lab", "fidelity", "--json", "-i", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["error"] == "1 problem in the design"
    assert "cannot read the design folder" in report["problems"][0]["message"]


def test_text_from_devices_and_users_is_not_taken_for_markup(tmp_path: Path) -> None:
    result = runner.invoke(app, ["net", "render", "-d", "[sudo]", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "unknown device [sudo]" in result.output


def test_the_global_inventory_applies_to_every_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--inventory", str(tmp_path / "nowhere"), "inventory", "check", "--json"])
    assert result.exit_code == 1 and "nowhere" in json.loads(result.stdout)["problems"][0]["file"]
    own = runner.invoke(app, ["--inventory", str(tmp_path), "inventory", "check", "-i", str(SAMPLE_DESIGN)])
    assert own.exit_code == 0, "a command's own --inventory wins over the global one"


def _options(command: Any) -> list[tuple[str, str]]:
    """(flag, parameter name) of every option of `command` and of all its sub-commands."""
    found = [(flag, param.name) for param in command.params for flag in param.opts if flag.startswith("-")]
    for sub in getattr(command, "commands", {}).values():
        found += _options(sub)
    return found


def test_each_flag_means_one_thing_across_commands() -> None:
    meaning: dict[str, set[str]] = {}
    flags = _options(get_command(app))
    for flag, name in flags:
        meaning.setdefault(flag, set()).add(name)
    assert len(flags) > 100 and {"--target", "-s", "-t", "-i", "--json"} <= set(meaning)
    assert {flag: names for flag, names in meaning.items() if len(names) > 1} == {}
