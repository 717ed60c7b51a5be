"""Profile selection and the variables a profile gives the playbook and the validation suite."""

import pytest
from pydantic import ValidationError

from inventory.model.workplace import Control, ControlException, Workplace
from workplace.controls import SPEC
from workplace.profile import ProfileError, playbook_vars, select_profile

ROLE_PREFIXES = ("workplace_", "base_", "baseline_", "software_", "accessibility_")


def test_default_profile_is_selected_without_a_name(design):
    assert select_profile(design).name == "kantoor"


def test_profile_is_selected_by_name(design):
    assert select_profile(design, "balie").name == "balie"


def test_unknown_profile_names_the_known_ones(design):
    with pytest.raises(ProfileError, match=r"no workplace profile 'thuis'.*kantoor, balie"):
        select_profile(design, "thuis")


def test_design_without_workplace_section_is_an_error(design):
    with pytest.raises(ProfileError, match="no `workplace:` section"):
        select_profile(design.model_copy(update={"workplace": None}))


def test_exception_turns_exactly_its_control_off(design):
    variables = playbook_vars(design, select_profile(design, "kantoor"))
    toggles = {control: variables[SPEC[control].toggle] for control in Control}
    assert [control for control, on in toggles.items() if not on] == [Control.USB_STORAGE]
    assert variables["workplace_exceptions"][Control.USB_STORAGE.value].startswith("Pilotgebruikers")


def test_profile_without_exceptions_applies_every_control(design):
    variables = playbook_vars(design, select_profile(design, "balie"))
    assert all(variables[SPEC[control].toggle] is True for control in Control)
    assert variables["workplace_exceptions"] == {}


def test_central_services_come_from_management(design):
    variables = playbook_vars(design, select_profile(design))
    management = design.management
    assert variables["baseline_ntp_servers"] == [str(server) for server in management.ntp]
    assert variables["base_dns_servers"] == [str(server) for server in management.dns]
    assert variables["base_domain"] == management.domain
    assert variables["baseline_syslog_servers"] == [
        {"host": str(server.host), "port": server.port, "protocol": server.protocol}
        for server in management.syslog
    ]
    assert variables["baseline_banner"] == management.banner
    assert variables["baseline_ssh_allowed_from"] == [str(prefix) for prefix in management.ssh.allowed_from]


def test_software_and_accessibility_follow_the_profile(design):
    kantoor = playbook_vars(design, select_profile(design, "kantoor"))
    balie = playbook_vars(design, select_profile(design, "balie"))
    assert kantoor["software_packages"] == ["firefox-esr", "abiword", "evince", "openconnect", "cups-client"]
    assert balie["software_packages"] == ["firefox-esr", "evince", "cups-client"]
    assert kantoor["accessibility_packages"] == ["orca", "magnus"]
    assert balie["baseline_shell_timeout_minutes"] == 5


def test_every_variable_is_role_prefixed(design):
    for profile in design.workplace.profiles:
        names = playbook_vars(design, profile)
        assert [name for name in names if not name.startswith(ROLE_PREFIXES)] == []


def test_two_exceptions_for_one_control_are_rejected(design):
    kantoor = select_profile(design, "kantoor")
    doubled = [
        *kantoor.baseline_exceptions,
        ControlException(control=Control.USB_STORAGE, reason="nogmaals, anders"),
    ]
    with pytest.raises(ValidationError, match="more than one exception for cis_1_1_1_9_usb_storage"):
        type(kantoor).model_validate({**kantoor.model_dump(), "baseline_exceptions": doubled})


def test_an_exception_needs_a_known_control_and_a_reason():
    with pytest.raises(ValidationError, match="control"):
        ControlException.model_validate({"control": "cis_9_9_9_made_up", "reason": "omdat het zo moet"})
    with pytest.raises(ValidationError, match="reason"):
        ControlException.model_validate({"control": "cis_1_1_1_9_usb_storage", "reason": "nee"})


def test_unknown_profile_keys_are_rejected(design):
    data = design.workplace.model_dump(mode="json")
    data["profiles"][0]["wallpaper"] = "provincie.png"
    with pytest.raises(ValidationError, match="wallpaper"):
        Workplace.model_validate(data)
