"""Workplace proof-of-concept profiles: consumed by workplace/ (Ansible + testinfra).

Every baseline control applies to every profile ("pas toe of leg uit", BIO comply-or-explain): a profile
turns a control off only through an exception that says why, and that reason goes into the image manifest.
"""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from inventory.types import Model, Name

DebianPackage = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9+.-]+$"),
    Field(description="a Debian package name"),
]


class Control(StrEnum):
    """A baseline control, named after the CIS Debian Linux 12 benchmark (v1.1.0) item or BIO measure it
    implements. The value is the toggle name: Ansible variable `baseline_<value>` and audit test marker."""

    USB_STORAGE = "cis_1_1_1_9_usb_storage"
    SECURITY_UPDATES = "cis_1_2_2_1_security_updates"
    LOGIN_BANNER = "cis_1_6_2_login_banner"
    SERVER_SERVICES = "cis_2_1_server_services"
    INSECURE_CLIENTS = "cis_2_2_insecure_clients"
    TIME_SYNC = "cis_2_3_3_1_chrony_servers"
    FIREWALL = "cis_4_3_8_nftables_default_deny"
    SSHD_BANNER = "cis_5_1_5_sshd_banner"
    SSHD_MAX_AUTH_TRIES = "cis_5_1_16_sshd_max_auth_tries"
    SSHD_EMPTY_PASSWORDS = "cis_5_1_19_sshd_permit_empty_passwords"
    SSHD_ROOT_LOGIN = "cis_5_1_20_sshd_permit_root_login"
    SSHD_KEYS_ONLY = "bio_9_4_2_sshd_keys_only"
    LOCKOUT = "cis_5_3_3_1_1_faillock"
    PASSWORD_QUALITY = "cis_5_3_3_2_2_password_length"
    PASSWORD_EXPIRY = "cis_5_4_1_1_password_expiry"
    SHELL_TIMEOUT = "cis_5_4_3_2_shell_timeout"
    LOG_FORWARDING = "cis_6_1_3_6_remote_syslog"
    AUDITD = "cis_6_2_1_auditd"


class ControlException(Model):
    """A documented deviation from the baseline: the control is not applied and not audited."""

    control: Control
    reason: str = Field(min_length=10, description="why this profile deviates; recorded in the manifest")


class Software(Model):
    """The standard software set, by purpose; each purpose lists the Debian packages that fill it."""

    browser: list[DebianPackage] = Field(min_length=1)
    office: list[DebianPackage] = Field(default=[], description="office suite or document viewer")
    pdf_reader: list[DebianPackage] = []
    vpn: list[DebianPackage] = []
    printing: list[DebianPackage] = Field(default=[], description="print client (printing goes to a server)")
    extra: list[DebianPackage] = []

    @property
    def packages(self) -> list[str]:
        return [*self.browser, *self.office, *self.pdf_reader, *self.vpn, *self.printing, *self.extra]


class Accessibility(Model):
    """Digital accessibility (Besluit digitale toegankelijkheid overheid): a screen reader and a magnifier."""

    screen_reader: DebianPackage = "orca"
    magnifier: DebianPackage = "magnus"
    extra: list[DebianPackage] = []

    @property
    def packages(self) -> list[str]:
        return [self.screen_reader, self.magnifier, *self.extra]


class WorkplaceProfile(Model):
    name: Name
    description: str
    segment: Name = Field(description="the segment pilot machines of this profile live in")
    software: Software
    accessibility: Accessibility = Accessibility()
    baseline_exceptions: list[ControlException] = []
    shell_timeout_minutes: int = Field(
        default=15, ge=1, le=480, description="idle shells end after this long (control cis_5_4_3_2)"
    )
    locale: str = Field(default="nl_NL.UTF-8", pattern=r"^[a-z]{2}_[A-Z]{2}\.UTF-8$")
    timezone: str = "Europe/Amsterdam"

    @model_validator(mode="after")
    def _one_exception_per_control(self) -> "WorkplaceProfile":
        controls = [exception.control for exception in self.baseline_exceptions]
        doubles = sorted({control.value for control in controls if controls.count(control) > 1})
        if doubles:
            raise ValueError(f"more than one exception for {', '.join(doubles)}")
        return self

    def applies(self, control: Control) -> bool:
        return all(exception.control != control for exception in self.baseline_exceptions)


class Workplace(Model):
    base: str = Field(default="bookworm", description="Debian release the PoC image builds on")
    default_profile: Name
    profiles: list[WorkplaceProfile] = Field(min_length=1)

    def profile(self, name: str | None = None) -> WorkplaceProfile:
        """The profile called `name` (the default profile when None); KeyError names the known ones."""
        wanted = name or self.default_profile
        for profile in self.profiles:
            if profile.name == wanted:
                return profile
        known = ", ".join(profile.name for profile in self.profiles)
        raise KeyError(f"no workplace profile {wanted!r} in the design (known: {known})")
