"""The Interrupt outside a change's device work: a signal stops at once, naming itself."""

import signal

import pytest

from network.lifecycle.interrupt import Interrupt, Interrupted, interruptible


def test_a_stop_outside_device_work_raises_at_once_naming_the_signal() -> None:
    interrupt = Interrupt()
    with pytest.raises(Interrupted) as raised:
        interrupt.request("SIGTERM")
    assert str(raised.value) == "SIGTERM"
    assert interrupt.stopped


def test_a_stop_during_device_work_is_noted_and_raised_when_work_between_devices_begins() -> None:
    interrupt = Interrupt()
    with interrupt.shield():
        interrupt.request("SIGINT")
        assert interrupt.signal == "SIGINT"
        with pytest.raises(Interrupted, match="SIGINT"), interrupt.exposed():
            pass
        interrupt.request("SIGINT")


def test_nested_runs_share_the_outer_interrupt_and_its_handlers() -> None:
    with interruptible() as outer:
        handler = signal.getsignal(signal.SIGINT)
        with interruptible(outer) as inner:
            assert inner is outer
            assert signal.getsignal(signal.SIGINT) is handler
