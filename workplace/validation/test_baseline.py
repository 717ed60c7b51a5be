"""One audit per baseline control (tests/unit/workplace checks that every control has one)."""

import re
from typing import Any

import pytest

from workplace.validation.checks import booted, installed_packages, settings_file, sshd_settings, unit_enabled

control = pytest.mark.control


@control("cis_1_1_1_9_usb_storage")
def test_usb_storage_module_is_not_available(host: Any) -> None:
    modprobe = host.run("cat /etc/modprobe.d/*.conf").stdout
    assert re.search(r"^install\s+usb-storage\s+/bin/(false|true)\s*$", modprobe, re.M)
    assert re.search(r"^blacklist\s+usb-storage\s*$", modprobe, re.M)


@control("cis_1_2_2_1_security_updates")
def test_security_updates_install_daily(host: Any) -> None:
    assert "unattended-upgrades" in installed_packages(host)
    apt_config = host.check_output("apt-config dump")
    assert 'APT::Periodic::Unattended-Upgrade "1";' in apt_config
    assert 'APT::Periodic::Update-Package-Lists "1";' in apt_config
    assert "label=Debian-Security" in apt_config
    sources = host.run("cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null").stdout
    assert re.search(r"^[^#]*-security", sources, re.M), "no security repository in the package sources"


@control("cis_1_6_2_login_banner")
@pytest.mark.parametrize("path", ["/etc/issue", "/etc/issue.net"])
def test_login_banner(host: Any, expected: dict[str, Any], path: str) -> None:
    banner = host.file(path).content_string
    assert banner.strip() == expected["baseline_banner"].strip()
    assert not re.search(r"\\[mrsv]", banner), "the banner must not reveal the operating system"


@control("cis_2_1_server_services")
def test_no_server_services(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert sorted(set(expected["baseline_server_packages"]) & installed.keys()) == []


@control("cis_2_2_insecure_clients")
def test_no_insecure_clients(host: Any, expected: dict[str, Any]) -> None:
    installed = installed_packages(host)
    assert sorted(set(expected["baseline_client_packages"]) & installed.keys()) == []


@control("cis_2_3_3_1_chrony_servers")
def test_time_from_central_servers_only(host: Any, expected: dict[str, Any]) -> None:
    assert "chrony" in installed_packages(host)
    sources = host.run(
        "cat /etc/chrony/chrony.conf /etc/chrony/conf.d/*.conf /etc/chrony/sources.d/*.sources 2>/dev/null"
    ).stdout
    servers = re.findall(r"^\s*(?:server|pool|peer)\s+(\S+)", sources, re.M)
    assert sorted(servers) == sorted(expected["baseline_ntp_servers"])
    assert unit_enabled(host, "chrony")


@control("cis_4_3_8_nftables_default_deny")
def test_firewall_default_deny(host: Any) -> None:
    assert "nftables" in installed_packages(host)
    rules = host.file("/etc/nftables.conf").content_string
    assert re.search(r"hook input priority [^;]+;\s*policy drop;", rules)
    assert re.search(r"hook forward priority [^;]+;\s*policy drop;", rules)
    check = host.run("nft -c -f /etc/nftables.conf")
    assert check.rc == 0, check.stderr
    assert unit_enabled(host, "nftables")
    if booted(host):
        assert "policy drop;" in host.check_output("nft list chain inet filter input")


@control("cis_5_1_5_sshd_banner")
def test_sshd_banner(host: Any) -> None:
    assert sshd_settings(host)["banner"] == "/etc/issue.net"


@control("cis_5_1_16_sshd_max_auth_tries")
def test_sshd_max_auth_tries(host: Any, expected: dict[str, Any]) -> None:
    assert 0 < int(sshd_settings(host)["maxauthtries"]) <= expected["baseline_sshd_max_auth_tries"]


@control("cis_5_1_19_sshd_permit_empty_passwords")
def test_sshd_permit_empty_passwords(host: Any) -> None:
    assert sshd_settings(host)["permitemptypasswords"] == "no"


@control("cis_5_1_20_sshd_permit_root_login")
def test_sshd_permit_root_login(host: Any) -> None:
    assert sshd_settings(host)["permitrootlogin"] == "no"


@control("bio_9_4_2_sshd_keys_only")
def test_sshd_keys_only(host: Any) -> None:
    settings = sshd_settings(host)
    assert settings["passwordauthentication"] == "no"
    assert settings["kbdinteractiveauthentication"] == "no"
    assert settings["pubkeyauthentication"] == "yes"


@control("cis_5_3_3_1_1_faillock")
def test_lockout_after_failed_logins(host: Any, expected: dict[str, Any]) -> None:
    auth = host.file("/etc/pam.d/common-auth").content_string
    account = host.file("/etc/pam.d/common-account").content_string
    assert re.search(r"^auth\s+requisite\s+pam_faillock\.so\s+preauth", auth, re.M)
    assert re.search(r"^auth\s+\[default=die\]\s+pam_faillock\.so\s+authfail", auth, re.M)
    assert re.search(r"^account\s+required\s+pam_faillock\.so", account, re.M)
    limits = settings_file(host.file("/etc/security/faillock.conf").content_string)
    assert 0 < int(limits["deny"]) <= expected["baseline_faillock_deny"]
    unlock = int(limits["unlock_time"])
    assert unlock == 0 or unlock >= expected["baseline_faillock_unlock_time"]


@control("cis_5_3_3_2_2_password_length")
def test_password_length(host: Any, expected: dict[str, Any]) -> None:
    password_stack = host.file("/etc/pam.d/common-password").content_string
    assert re.search(r"^password\s+\S+\s+pam_pwquality\.so", password_stack, re.M)
    quality = settings_file(host.file("/etc/security/pwquality.conf").content_string)
    assert int(quality.get("minlen", "0")) >= expected["baseline_password_min_length"]


@control("cis_5_4_1_1_password_expiry")
def test_password_expiry(host: Any, expected: dict[str, Any]) -> None:
    defaults = settings_file(host.file("/etc/login.defs").content_string)
    assert 0 < int(defaults["PASS_MAX_DAYS"]) <= expected["baseline_password_max_days"]


@control("cis_5_4_3_2_shell_timeout")
def test_idle_shells_end(host: Any, expected: dict[str, Any]) -> None:
    login_shell = host.run("bash -l -c 'echo $TMOUT; readonly -p'")
    value, _, readonly = login_shell.stdout.partition("\n")
    assert 0 < int(value or "0") <= expected["baseline_shell_timeout_minutes"] * 60
    assert re.search(r"^declare -[a-z]*r[a-z]* TMOUT=", readonly, re.M), "TMOUT can be unset by the user"


@control("cis_6_1_3_6_remote_syslog")
def test_logs_forwarded_to_central_syslog(host: Any, expected: dict[str, Any]) -> None:
    assert "rsyslog" in installed_packages(host)
    config = host.run("cat /etc/rsyslog.conf /etc/rsyslog.d/*.conf 2>/dev/null").stdout
    for server in expected["baseline_syslog_servers"]:
        forward = (
            rf'type="omfwd"\s+target="{re.escape(server["host"])}"\s+port="{server["port"]}"'
            rf'\s+protocol="{server["protocol"]}"'
        )
        assert re.search(forward, config), f"no forwarding to {server['host']}:{server['port']}"
    assert host.run("rsyslogd -N1").rc == 0
    assert unit_enabled(host, "rsyslog")


@control("cis_6_2_1_auditd")
def test_auditd_records_baseline_events(host: Any) -> None:
    assert "auditd" in installed_packages(host)
    assert unit_enabled(host, "auditd")
    compiled = host.check_output("augenrules --check 2>&1")
    assert "No change" in compiled, "the rules in rules.d are not compiled into audit.rules"
    rules = host.file("/etc/audit/audit.rules").content_string
    for watched in ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/sudoers"):
        assert re.search(rf"^-w {re.escape(watched)} -p wa", rules, re.M), f"{watched} is not watched"
    if booted(host):
        assert "/etc/passwd" in host.check_output("auditctl -l")
