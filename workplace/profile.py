"""From the design to what the playbook and the validation suite get: one variables mapping per profile.

The same mapping is the playbook's extra vars and the validation suite's expectations, so the audit
checks exactly what the build asked for.
"""

from typing import Any

from fundament.errors import FundamentError
from inventory.model import Design
from inventory.model.workplace import Control, WorkplaceProfile
from workplace.controls import SPEC


class ProfileError(FundamentError, LookupError):
    """The design has no workplace section or no profile of the requested name."""


def select_profile(design: Design, name: str | None = None) -> WorkplaceProfile:
    """The profile called `name`, or the design's default profile when `name` is None."""
    if design.workplace is None:
        raise ProfileError("the design has no `workplace:` section (inventory/design/workplace.yaml)")
    try:
        return design.workplace.profile(name)
    except KeyError as error:
        raise ProfileError(error.args[0]) from None


def playbook_vars(design: Design, profile: WorkplaceProfile) -> dict[str, Any]:
    """Role-prefixed variables of the four roles, plus the profile's exceptions for the reports."""
    management = design.management
    release = design.workplace.base if design.workplace else "bookworm"
    return {
        "workplace_profile": profile.name,
        "workplace_exceptions": {item.control.value: item.reason for item in profile.baseline_exceptions},
        "base_release": release,
        "base_locale": profile.locale,
        "base_timezone": profile.timezone,
        "base_dns_servers": [str(server) for server in management.dns],
        "base_domain": management.domain,
        **{SPEC[control].toggle: profile.applies(control) for control in Control},
        "baseline_banner": management.banner,
        "baseline_ntp_servers": [str(server) for server in management.ntp],
        "baseline_syslog_servers": [server.model_dump(mode="json") for server in management.syslog],
        "baseline_ssh_allowed_from": [str(prefix) for prefix in management.ssh.allowed_from],
        "baseline_shell_timeout_minutes": profile.shell_timeout_minutes,
        "software_packages": profile.software.packages,
        "accessibility_packages": profile.accessibility.packages,
    }
