"""The Interrupt outside a change's device work: a signal stops at once, naming itself."""

import signal
import socket
import threading
from collections.abc import Callable

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


def _in_a_worker(action: Callable[[], None]) -> None:
    worker = threading.Thread(target=action)
    worker.start()
    worker.join()


def test_a_signal_a_worker_thread_took_is_seen_from_that_thread_before_the_main_thread_runs_a_handler() -> (
    None
):
    """The kernel may hand the signal to a worker; the main thread, asleep, would note it too late."""
    seen: list[tuple[bool, str | None]] = []
    with interruptible() as stop, stop.shield():

        def worker() -> None:
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            seen.append((stop.stopped, stop.signal))

        _in_a_worker(worker)
    assert seen == [(True, "SIGTERM")]


def test_the_first_of_two_signals_names_the_stop() -> None:
    with interruptible() as stop, stop.shield():

        def worker() -> None:
            signal.pthread_kill(threading.get_ident(), signal.SIGTERM)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)

        _in_a_worker(worker)
        assert (stop.stopped, stop.signal) == (True, "SIGTERM")


def test_another_signal_with_a_python_handler_is_not_a_stop() -> None:
    previous = signal.signal(signal.SIGUSR1, lambda signum, frame: None)
    try:
        with interruptible() as stop:
            _in_a_worker(lambda: signal.pthread_kill(threading.get_ident(), signal.SIGUSR1))
            assert not stop.stopped
            assert stop.signal is None
    finally:
        signal.signal(signal.SIGUSR1, previous)


def test_work_between_devices_raises_for_a_signal_a_worker_thread_took() -> None:
    with interruptible() as stop, stop.shield():
        _in_a_worker(lambda: signal.pthread_kill(threading.get_ident(), signal.SIGINT))
        with pytest.raises(Interrupted, match="SIGINT"), stop.exposed():
            pass


def test_the_wakeup_descriptor_in_place_before_a_run_is_back_after_it() -> None:
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno())
    try:
        with interruptible():
            assert signal.set_wakeup_fd(signal.set_wakeup_fd(-1)) != writer.fileno()
        assert signal.set_wakeup_fd(writer.fileno()) == writer.fileno()
    finally:
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
