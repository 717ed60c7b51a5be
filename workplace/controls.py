"""What each baseline control means: its benchmark reference and title, for reports and the manifest.

The controls themselves are `inventory.model.workplace.Control` (the names the design uses); the
Ansible role implements each behind `baseline_<control>` and the validation suite audits each with tests
marked `@pytest.mark.control("<control>")`. tests/unit/workplace checks that the four never drift apart.
"""

from dataclasses import dataclass

from inventory.model.workplace import Control


@dataclass(frozen=True)
class ControlSpec:
    control: Control
    reference: str
    title: str

    @property
    def toggle(self) -> str:
        """The Ansible variable that switches the control on or off."""
        return f"baseline_{self.control.value}"


# References: CIS Debian Linux 12 Benchmark v1.1.0 and the BIO (ISO 27002:2013 numbering).
_CIS = "CIS"

CATALOG: tuple[ControlSpec, ...] = (
    ControlSpec(
        Control.USB_STORAGE, f"{_CIS} 1.1.1.9 · BIO 8.3.1", "usb-storage kernel module not available"
    ),
    ControlSpec(Control.SECURITY_UPDATES, f"{_CIS} 1.2.2.1 · BIO 12.6.1", "security updates install daily"),
    ControlSpec(Control.LOGIN_BANNER, f"{_CIS} 1.6.2-1.6.3 · BIO 9.4.2", "login warning banners"),
    ControlSpec(
        Control.SERVER_SERVICES, f"{_CIS} 2.1 · BIO 13.1.2", "no server services (avahi, cups, nfs, ...)"
    ),
    ControlSpec(
        Control.INSECURE_CLIENTS, f"{_CIS} 2.2 · BIO 13.1.2", "no insecure clients (telnet, rsh, ftp, nis)"
    ),
    ControlSpec(Control.TIME_SYNC, f"{_CIS} 2.3.3.1 · BIO 12.4.4", "time from the central NTP servers only"),
    ControlSpec(
        Control.FIREWALL, f"{_CIS} 4.3.8 · BIO 13.1.1", "nftables: default deny inbound, loaded at boot"
    ),
    ControlSpec(Control.SSHD_BANNER, f"{_CIS} 5.1.5 · BIO 9.4.2", "sshd shows the warning banner"),
    ControlSpec(Control.SSHD_MAX_AUTH_TRIES, f"{_CIS} 5.1.16 · BIO 9.4.2", "sshd MaxAuthTries at most 4"),
    ControlSpec(
        Control.SSHD_EMPTY_PASSWORDS, f"{_CIS} 5.1.19 · BIO 9.4.3", "sshd PermitEmptyPasswords disabled"
    ),
    ControlSpec(Control.SSHD_ROOT_LOGIN, f"{_CIS} 5.1.20 · BIO 9.2.3", "sshd PermitRootLogin disabled"),
    ControlSpec(Control.SSHD_KEYS_ONLY, "BIO 9.4.2", "sshd accepts keys only, no passwords"),
    ControlSpec(Control.LOCKOUT, f"{_CIS} 5.3.3.1.1 · BIO 9.4.2", "accounts lock after failed log-ins"),
    ControlSpec(
        Control.PASSWORD_QUALITY, f"{_CIS} 5.3.3.2.2 · BIO 9.4.3", "passwords of at least 14 characters"
    ),
    ControlSpec(Control.PASSWORD_EXPIRY, f"{_CIS} 5.4.1.1 · BIO 9.4.3", "passwords expire within 365 days"),
    ControlSpec(Control.SHELL_TIMEOUT, f"{_CIS} 5.4.3.2 · BIO 11.2.9", "idle shells end (TMOUT)"),
    ControlSpec(
        Control.LOG_FORWARDING, f"{_CIS} 6.1.3.6 · BIO 12.4.1", "logs forwarded to the central syslog"
    ),
    ControlSpec(Control.AUDITD, f"{_CIS} 6.2.1 · BIO 12.4.1", "auditd enabled with the baseline rules"),
)

SPEC: dict[Control, ControlSpec] = {spec.control: spec for spec in CATALOG}
