"""Expectations for the audits: the roles' defaults overlaid with the build's variables, as Ansible saw them.

A test marked `@pytest.mark.control(name)` is skipped, with the recorded reason, when the profile has an
exception for that control: nothing was applied, so there is nothing to audit.
"""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

ROLES = Path(__file__).resolve().parent.parent / "ansible" / "roles"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--workplace-vars",
        default=None,
        help="JSON of the build's variables (build/workplace/PROFILE/verify/vars.json); else the defaults",
    )


@pytest.fixture(scope="session")
def expected(request: pytest.FixtureRequest) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for defaults in sorted(ROLES.glob("*/defaults/main.yml")):
        values.update(yaml.safe_load(defaults.read_text(encoding="utf-8")) or {})
    vars_file = request.config.getoption("--workplace-vars")
    if vars_file:
        values.update(json.loads(Path(vars_file).read_text(encoding="utf-8")))
    return values


@pytest.fixture(autouse=True)
def _skip_excepted_controls(request: pytest.FixtureRequest, expected: dict[str, Any]) -> None:
    marker = request.node.get_closest_marker("control")
    if marker is None:
        return
    control = marker.args[0]
    if not expected.get(f"baseline_{control}", True):
        reason = expected.get("workplace_exceptions", {}).get(control, "no reason recorded")
        pytest.skip(f"exception: {reason}")
