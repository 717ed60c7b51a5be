"""The accessibility role: a screen reader and a magnifier (Besluit digitale toegankelijkheid overheid)."""

from typing import Any

from workplace.validation.checks import installed_packages


def test_accessibility_aids(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert expected["accessibility_packages"], "a profile needs at least a screen reader and a magnifier"
    assert sorted(set(expected["accessibility_packages"]) - installed.keys()) == []
