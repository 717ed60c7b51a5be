"""The running state of a booted machine: services up, rules loaded, policies enforced when exercised.

The file and package audits (test_baseline.py) show what a machine will do; these show what it does.
Tests taking the `machine` fixture need systemd as PID 1 and are skipped, saying so, on a container image.
The PAM audits exercise the policy for real on a throwaway account, so they run on an image too.
"""

import re
import secrets
import shlex
import time
from typing import Any

import pytest

from workplace.validation.checks import policy_password

control = pytest.mark.control


def _active(machine: Any, unit: str) -> str:
    return str(machine.run(f"systemctl is-active {unit}").stdout.strip())


@control("cis_6_2_1_auditd")
def test_auditd_runs_with_the_baseline_rules_loaded(machine: Any) -> None:
    assert _active(machine, "auditd") == "active"
    loaded = machine.check_output("auditctl -l")
    for watched in ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/sudoers"):
        assert re.search(rf"^-w {re.escape(watched)} -p wa", loaded, re.M), f"{watched} is not watched"


@control("cis_4_3_8_nftables_default_deny")
def test_default_deny_ruleset_is_active(machine: Any, expected: dict[str, Any]) -> None:
    assert _active(machine, "nftables") == "active"
    ruleset = machine.check_output("nft list ruleset")
    assert re.search(r"hook input priority \S+; policy drop;", ruleset), "no input chain dropping by default"
    assert re.search(r"hook forward priority \S+; policy drop;", ruleset), "forwarding is not denied"
    for prefix in expected["baseline_ssh_allowed_from"]:
        assert prefix in ruleset, f"SSH from {prefix} is not allowed by the loaded rules"


@control("cis_2_3_3_1_chrony_servers")
def test_chronyd_runs_against_the_central_servers(machine: Any, expected: dict[str, Any]) -> None:
    assert _active(machine, "chrony") == "active"
    sources = machine.check_output("chronyc -n sources")
    servers = re.findall(r"^\^.\s+(\S+)", sources, re.M)
    assert sorted(servers) == sorted(expected["baseline_ntp_servers"])


@control("cis_6_1_3_6_remote_syslog")
def test_forwarded_message_arrives_at_the_central_log_host(
    machine: Any, log_host: tuple[Any, str], expected: dict[str, Any]
) -> None:
    assert _active(machine, "rsyslog") == "active"
    central, path = log_host
    token = f"fundament-audit-{secrets.token_hex(6)}"
    machine.check_output(f"logger --priority auth.notice --tag fundament-audit {token}")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if central.run(f"grep --quiet --fixed-strings {token} {shlex.quote(path)}").rc == 0:
            return
        time.sleep(1)
    servers = ", ".join(
        f"{s['host']}:{s['port']}/{s['protocol']}" for s in expected["baseline_syslog_servers"]
    )
    pytest.fail(f"a message logged on the machine did not reach {path} on the log host ({servers}) in 20 s")


@control("cis_5_1_20_sshd_permit_root_login")
def test_sshd_runs_with_the_audited_settings(machine: Any) -> None:
    # The settings themselves are audited from `sshd -T` (test_baseline.py): here the daemon serving them.
    assert _active(machine, "ssh") == "active"
    assert machine.socket("tcp://0.0.0.0:22").is_listening or machine.socket("tcp://:::22").is_listening


@control("cis_1_2_2_1_security_updates")
def test_unattended_upgrade_timers_are_active(machine: Any) -> None:
    for timer in ("apt-daily.timer", "apt-daily-upgrade.timer"):
        assert _active(machine, timer) == "active", f"{timer} is not active"


@control("cis_5_3_3_2_2_password_length")
def test_a_too_short_password_is_refused(
    host: Any, expected: dict[str, Any], scratch_user: tuple[str, str]
) -> None:
    name, password = scratch_user
    short = "Kx7!" + secrets.token_hex(expected["baseline_password_min_length"] // 2 - 3)[:-1]
    assert len(short) < expected["baseline_password_min_length"]
    refused = _change_password(host, name, password, short)
    assert refused.rc != 0, "a password shorter than the minimum was accepted"
    assert "shorter than" in refused.stdout + refused.stderr, refused.stdout + refused.stderr
    # The same change with a long enough password goes through: the length is what was refused.
    accepted = _change_password(host, name, password, policy_password())
    assert accepted.rc == 0, accepted.stdout + accepted.stderr


def _change_password(host: Any, name: str, old: str, new: str) -> Any:
    """`passwd` run by the user itself, through PAM's password stack (root would be exempt), its messages
    in English whatever the machine's locale."""
    answers = shlex.quote(f"printf '%s\\n' {shlex.quote(old)} {shlex.quote(new)} {shlex.quote(new)} | passwd")
    return host.run(f"LC_ALL=C su --shell /bin/sh --command {answers} {name}")


@control("cis_5_3_3_1_1_faillock")
def test_failed_logins_lock_the_account(
    host: Any, expected: dict[str, Any], scratch_user: tuple[str, str]
) -> None:
    """The PoC's sshd takes keys only, so no SSH login ever asks for a password; the lockout guards every
    login that does (console, display manager, su), through the same PAM auth stack exercised here."""
    name, password = scratch_user
    deny = expected["baseline_faillock_deny"]
    assert host.run(_login(name, password)).rc == 0, "the right password does not log in before any failure"
    # Every failed log-in waits out PAM's failure delay (2 s, more under user-mode Linux): the failures
    # run side by side, and pam_faillock counts each (it locks its tally file for every update).
    attempts = " ".join(
        f"({_login(name, 'wrong-' + secrets.token_hex(4))}; echo failed-login-exit $?) &" for _ in range(deny)
    )
    exits = re.findall(r"^failed-login-exit (\d+)$", host.run(f"{attempts} wait").stdout, re.M)
    assert len(exits) == deny and "0" not in exits, f"wrong passwords: exit statuses {exits}"
    assert host.run(_login(name, password)).rc != 0, f"still unlocked after {deny} failed log-ins"
    tally = host.check_output(f"faillock --user {name}")
    assert len(re.findall(r"^\d{4}-\d\d-\d\d .*\bV$", tally, re.M)) >= deny, tally


def _login(name: str, password: str) -> str:
    """The command of a password log-in of `name` through PAM's auth stack, by an unprivileged user (root
    skips it)."""
    inner = shlex.quote(f"printf '%s\\n' {shlex.quote(password)} | su --command true {name}")
    return f"su --shell /bin/sh --command {inner} nobody"
