"""From test outcomes to the per-control summary, and target checking."""

import pytest

from inventory.model.workplace import Control
from workplace.verify import Outcome, TestOutcome, VerifyError, check_target, summarize


def outcome(group: str, result: Outcome, message: str = "") -> TestOutcome:
    return TestOutcome(test=f"test_{group}_{result}", group=group, outcome=result, message=message)


def test_a_control_fails_when_any_of_its_tests_fails():
    groups = summarize(
        [outcome(Control.LOGIN_BANNER.value, "passed"), outcome(Control.LOGIN_BANNER.value, "failed", "boom")]
    )
    assert [(g.group, g.status, g.passed, g.failed) for g in groups] == [
        (
            Control.LOGIN_BANNER.value,
            "fail",
            1,
            1,
        )
    ]
    assert groups[0].notes == [f"test_{Control.LOGIN_BANNER.value}_failed: boom"]


def test_a_control_skipped_as_exception_is_an_exception_not_a_pass():
    groups = summarize([outcome(Control.USB_STORAGE.value, "skipped", "exception: pilot")])
    assert groups[0].status == "exception"


def test_an_ordinary_skip_does_not_make_an_exception():
    groups = summarize([outcome("software", "passed"), outcome("software", "skipped", "no Firefox")])
    assert groups[0].status == "pass"


def test_groups_follow_the_catalog_then_the_areas():
    groups = summarize(
        [
            outcome("accessibility", "passed"),
            outcome(Control.AUDITD.value, "passed"),
            outcome("base", "passed"),
            outcome(Control.USB_STORAGE.value, "passed"),
        ]
    )
    assert [g.group for g in groups] == [
        Control.USB_STORAGE.value,
        Control.AUDITD.value,
        "base",
        "accessibility",
    ]
    assert groups[0].reference.startswith("CIS 1.1.1.9")
    assert groups[2].title == "base role"


@pytest.mark.parametrize("target", ["docker://wp1", "ssh://pilot@werkplek-01", "paramiko://werkplek-01"])
def test_targets_testinfra_reaches_are_accepted(target):
    check_target(target)


@pytest.mark.parametrize("target", ["wp1", "http://werkplek-01", "docker://", "ftp://werkplek"])
def test_other_targets_are_refused(target):
    with pytest.raises(VerifyError, match="expected docker://NAME or ssh://"):
        check_target(target)
