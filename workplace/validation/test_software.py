"""The software role: the profile's standard software set and the browser policy."""

import json
from typing import Any

import pytest

from workplace.validation.checks import installed_packages


def test_standard_software_set(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert sorted(set(expected["software_packages"]) - installed.keys()) == []


def test_browser_policy_keeps_dns_central(host: Any, expected: dict[str, Any]) -> None:
    if "firefox-esr" not in expected["software_packages"]:
        pytest.skip("no Firefox in this profile")
    policies = json.loads(host.file("/etc/firefox/policies/policies.json").content_string)["policies"]
    assert policies["DNSOverHTTPS"] == {"Enabled": False, "Locked": True}
    assert policies["DisableTelemetry"] is True
