"""The sample design: loads clean, matches its golden dump, and its files carry the generated schema."""

import json
from pathlib import Path

import jsonschema
import yaml
from typer.testing import CliRunner

from fundament.app import app
from inventory import load_design
from inventory.schema import SCHEMA_FILE, schema_texts
from tests.golden import assert_matches_golden
from tests.unit.inventory.conftest import SAMPLE

GOLDEN = Path(__file__).parent / "golden" / "sample-design.json"


def test_sample_design_matches_golden_dump() -> None:
    dumped = (
        json.dumps(load_design(SAMPLE).model_dump(mode="json", by_alias=True), indent=1, sort_keys=True)
        + "\n"
    )
    assert_matches_golden(dumped, GOLDEN)


def test_layers_fill_devices_defaults_then_role_then_entry() -> None:
    devices = load_design(SAMPLE).device_by_name
    assert devices["spine1"].platform == "eos"  # defaults
    assert devices["spine1"].model == "DCS-7050CX3-32S"  # roles.spine
    assert devices["acc1"].mtu == 9000  # roles.access over defaults.mtu
    assert devices["leaf1"].mtu == 9214


def test_committed_schemas_are_generated_from_the_models() -> None:
    for path, text in schema_texts().items():
        assert path.read_text() == text, f"{path} is stale: fundament inventory schema --write"


def test_every_sample_file_declares_and_passes_the_schema() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    for file in sorted(SAMPLE.glob("*.yaml")):
        assert file.read_text().startswith(
            "# yaml-language-server: $schema=../schema/design.schema.json\n"
        ), file
        jsonschema.validate(yaml.safe_load(file.read_text()), schema)


def test_schema_rejects_what_the_models_reject() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    bad = {
        "segments": [
            {
                "name": "x",
                "vlan": 5000,
                "vni": 1,
                "subnet": "10.0.0.0/24",
                "gateway": "10.0.0.1",
                "zone": "kantoor",
                "present_on": ["leaf1"],
            }
        ]
    }
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError as error:
        assert list(error.absolute_path) == ["segments", 0, "vlan"]
    else:
        raise AssertionError("VLAN 5000 passed the schema")


def test_check_command_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["inventory", "check", "--json", "-i", str(SAMPLE)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["valid"] is True
    broken = tmp_path / "design"
    broken.mkdir()
    for file in SAMPLE.glob("*.yaml"):
        (broken / file.name).write_text(file.read_text().replace("vni: 10120", "vni: 10110"))
    failed = runner.invoke(app, ["inventory", "check", "--json", "-i", str(broken)])
    assert failed.exit_code == 1
    report = json.loads(failed.stdout)
    assert report["ok"] is False and report["error"] == "1 problem in the design"
    assert report["problems"][0]["path"] == "segments[2].vni"
    assert report["problems"][0]["line"] == 22


def test_show_summarises_roles_and_zones() -> None:
    result = CliRunner().invoke(app, ["inventory", "show", "--json", "-i", str(SAMPLE)])
    summary = json.loads(result.stdout)
    assert summary["devices_per_role"] == {
        "spine": 2,
        "leaf": 2,
        "border-leaf": 2,
        "core": 2,
        "access": 4,
        "wan-edge": 2,
    }
    assert [s["name"] for s in summary["segments_per_zone"]["server"]] == ["server", "opslag"]
