"""`migrate plan` diffs against the devices: the first wave that changes a device shows what its driver
compares (its running config against the step's config, secrets hidden), and leaves it untouched."""

from __future__ import annotations

import os

import pytest

from fundament.errors import FundamentError
from network.lifecycle.scrub import secret_names
from network.migrate.plan import plan
from network.migrate.steps import steps_up
from network.targets import Target
from tests.unit.lifecycle.faults import Fault, error
from tests.unit.migrate.test_engine_faults import DESIGN, FIRST, MIGRATIONS, migrator
from tests.unit.migrate.test_engine_faults import secrets as secrets

SECOND = MIGRATIONS[1].id


def test_the_first_wave_of_a_device_shows_its_own_running_config_against_the_step() -> None:
    m = migrator()
    m.devices["leaf1"].running = "hostname leaf1\nset by hand on the device\n"
    planned = plan(m, steps_up(MIGRATIONS, {}, to=FIRST), {})
    diff = planned[0].diffs["leaf1"]
    assert "-set by hand on the device" in diff
    assert f"+# fundament-migrations: {FIRST}" in diff
    assert m.devices["leaf1"].running == "hostname leaf1\nset by hand on the device\n"
    assert "commit_config" not in m.devices["leaf1"].steps
    assert "discard_config" in m.devices["leaf1"].steps


def test_a_later_wave_of_the_same_device_starts_where_the_earlier_one_leaves_it() -> None:
    m = migrator()
    m.devices["leaf1"].running = "hostname leaf1\nset by hand on the device\n"
    planned = plan(m, steps_up(MIGRATIONS, {}, to=SECOND), {})
    later = [p.diffs["leaf1"] for p in planned if "leaf1" in p.diffs][1]
    assert "set by hand on the device" not in later
    assert later.startswith("--- leaf1 now\n+++ leaf1 after\n")
    assert "commit_config" not in m.devices["leaf1"].steps


def test_no_secret_reaches_a_device_diff() -> None:
    m = migrator(target=Target.PRODUCTION)
    planned = plan(m, steps_up(MIGRATIONS, {}, to=FIRST), {})
    shown = "".join(diff for p in planned for diff in p.diffs.values())
    assert "tacacs-server host" in shown
    for name in secret_names(DESIGN):
        assert os.environ[name] not in shown


def test_a_device_that_cannot_be_compared_is_an_error_naming_it() -> None:
    m = migrator()
    m.devices["leaf1"].faults["load_replace_candidate"] = Fault(error("session refused"))
    with pytest.raises(FundamentError, match=r"cannot compare with the device: leaf1: .*session refused"):
        plan(m, steps_up(MIGRATIONS, {}, to=FIRST), {})
