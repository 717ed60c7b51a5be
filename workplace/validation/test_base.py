"""The base role: package sources, locale, time zone, central resolvers."""

import re
from typing import Any

from workplace.validation.checks import installed_packages


def test_locale(host: Any, expected: dict[str, Any]) -> None:
    locale = expected["base_locale"]
    assert f"LANG={locale}" in host.file("/etc/default/locale").content_string
    generated = host.check_output("locale -a").split()
    assert locale.replace("UTF-8", "utf8") in generated


def test_time_zone(host: Any, expected: dict[str, Any]) -> None:
    assert host.file("/etc/localtime").linked_to == f"/usr/share/zoneinfo/{expected['base_timezone']}"
    assert host.file("/etc/timezone").content_string.strip() == expected["base_timezone"]


def test_central_resolvers(host: Any, expected: dict[str, Any]) -> None:
    dhclient = host.file("/etc/dhcp/dhclient.conf").content_string
    servers = re.search(r"^supersede domain-name-servers ([^;]+);", dhclient, re.M)
    assert servers is not None, "DHCP may hand out other resolvers"
    assert [server.strip() for server in servers[1].split(",")] == expected["base_dns_servers"]
    assert f'supersede domain-search "{expected["base_domain"]}";' in dhclient


def test_base_packages(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert sorted(set(expected["base_packages"]) - installed.keys()) == []
