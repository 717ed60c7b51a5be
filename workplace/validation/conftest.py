"""Expectations for the audits: the roles' defaults overlaid with the build's variables, as Ansible saw them.

A test marked `@pytest.mark.control(name)` is skipped, with the recorded reason, when the profile has an
exception for that control: nothing was applied, so there is nothing to audit.
"""

import json
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import testinfra
import yaml

from workplace.validation.checks import booted, policy_password

ROLES = Path(__file__).resolve().parent.parent / "ansible" / "roles"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--workplace-vars",
        default=None,
        help="JSON of the build's variables (build/workplace/PROFILE/verify/vars.json); else the defaults",
    )
    parser.addoption(
        "--log-host",
        default=None,
        help="testinfra host spec of the central log host, to prove that forwarded messages arrive there",
    )
    parser.addoption(
        "--log-host-file",
        default="/var/log/remote.log",
        help="the file on the central log host that messages from the machines land in",
    )


def _variables(config: pytest.Config) -> dict[str, Any]:
    vars_file = config.getoption("--workplace-vars")
    return dict(json.loads(Path(vars_file).read_text(encoding="utf-8"))) if vars_file else {}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The zone probes run only when verify was given them (`--zones`): a machine away from its segment
    (a build machine, an image) has none to run, and an audit of nothing must not show as a pass."""
    if collection_path.name == "test_zones.py":
        return not _variables(config).get("workplace_zone_probes")
    return None


@pytest.fixture(scope="session")
def expected(request: pytest.FixtureRequest) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for defaults in sorted(ROLES.glob("*/defaults/main.yml")):
        values.update(yaml.safe_load(defaults.read_text(encoding="utf-8")) or {})
    values.update(_variables(request.config))
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


@pytest.fixture
def machine(host: Any) -> Any:
    """The target, when it is a booted machine: only there do services run and rules get loaded."""
    if not booted(host):
        pytest.skip("running state: the target is not a booted machine (no systemd as PID 1)")
    return host


@pytest.fixture(scope="session")
def log_host(request: pytest.FixtureRequest) -> tuple[Any, str]:
    spec = request.config.getoption("--log-host")
    if not spec:
        pytest.skip("no central log host given (--log-host): arrival of forwarded messages not checked")
    return testinfra.get_host(spec), str(request.config.getoption("--log-host-file"))


@pytest.fixture
def scratch_user(host: Any) -> Iterator[tuple[str, str]]:
    """A throwaway local account with a password that meets the policy, removed afterwards (with its
    failure records), for audits that must exercise PAM itself."""
    name = f"audit{secrets.token_hex(3)}"
    password = policy_password()
    host.check_output(f"useradd --create-home --shell /bin/bash {name}")
    try:
        host.check_output(f"echo '{name}:{password}' | chpasswd")
        yield name, password
    finally:
        host.run(f"faillock --user {name} --reset; userdel --remove {name}")
