"""Each getter against recorded device output (or a live node): NAPALM's models, then the values."""

from __future__ import annotations

import inspect
import json

import napalm
import pytest
from napalm.base import NetworkDriver
from napalm.base.test.getters import dict_diff, list_dicts_diff

from napalm_frr import FRRDriver, parsers
from tests.unit.napalm_frr.conformance import (
    GETTERS,
    MOCKED_DATA,
    arguments,
    as_json,
    live_driver,
    live_target,
    recorded_cases,
    recorded_driver,
)

LIVE = live_target()


def test_napalm_finds_the_driver() -> None:
    assert napalm.get_network_driver("frr") is FRRDriver


def test_method_signatures_match_napalm() -> None:
    """napalm's own rule: every public method keeps NetworkDriver's signature."""
    driver = FRRDriver("test", "admin", "pwd")
    differ = {}
    for name, method in inspect.getmembers(driver, inspect.ismethod):
        if name.startswith("_") and name != "__init__":
            continue
        assert hasattr(NetworkDriver, name), f"{name} is not part of NAPALM's driver contract"
        ours = inspect.getfullargspec(method)[:4]
        theirs = inspect.getfullargspec(getattr(NetworkDriver, name))[:4]
        if ours != theirs:
            differ[name] = (theirs, ours)
    assert not differ


def test_every_getter_has_a_recorded_case() -> None:
    recorded = {getter for getter, _ in recorded_cases()}
    assert recorded == set(GETTERS)


def _cases() -> list[tuple[str, str]]:
    """Recorded cases, or with NAPALM_FRR_TEST_LIVE one live run of every getter instead."""
    return recorded_cases() if LIVE is None else [(getter, "live") for getter in sorted(GETTERS)]


@pytest.mark.parametrize(("getter", "case"), _cases())
def test_getter(getter: str, case: str) -> None:
    check, live_kwargs = GETTERS[getter]
    if LIVE is not None:
        driver = live_driver(*LIVE)
        try:
            check(as_json(getattr(driver, getter)(**live_kwargs)))
        finally:
            driver.close()
        return
    case_dir = MOCKED_DATA / getter / case
    result = as_json(getattr(recorded_driver(case_dir), getter)(**arguments(getter, case)))
    check(result)
    expected = json.loads((case_dir / "expected_result.json").read_text())
    difference = (
        list_dicts_diff(result, expected) if isinstance(result, list) else dict_diff(result, expected)
    )
    assert not difference


def test_the_password_is_in_no_attribute_or_repr() -> None:
    driver = FRRDriver("device", "fundament", "s3cret-password", optional_args={"port": 2222})
    assert "s3cret-password" not in repr(vars(driver))
    assert "s3cret-password" not in repr(driver)


def test_a_switch_without_a_bridge_has_no_vlans() -> None:
    """Where the kernel has no bridge (a lab switch at day 0), iproute2 6.1 answers `ip -j link show type
    bridge` with an empty object per link."""
    assert parsers.vlans("[]", "[{},{},{}]") == {}
