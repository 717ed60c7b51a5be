"""The accessibility role: a screen reader and a magnifier (Besluit digitale toegankelijkheid overheid), and
the desktop defaults that make them work for every user."""

from typing import Any

import pytest

from workplace.validation.checks import installed_packages


def test_accessibility_aids(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert expected["accessibility_packages"], "a profile needs at least a screen reader and a magnifier"
    assert sorted(set(expected["accessibility_packages"]) - installed.keys()) == []


def test_accessibility_defaults_apply(host: Any, expected: dict[str, Any]) -> None:
    """What a new user's session gets: the compiled schema defaults, read without a session bus."""
    settings = expected["accessibility_gsettings"]
    if not settings:
        pytest.skip("the profile sets no accessibility defaults")
    for schema, keys in settings.items():
        for key, value in keys.items():
            effective = host.check_output(f"GSETTINGS_BACKEND=memory gsettings get {schema} {key}")
            assert effective == value, f"{schema} {key} is {effective}, expected {value}"
