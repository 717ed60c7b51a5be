"""SIGINT and SIGTERM during a change: noted at once, acted on where stopping leaves no device half-done.

Python's default (KeyboardInterrupt in the main thread, death on SIGTERM) is wrong for a change in
flight: the interrupt lands while Nornir's worker threads keep taking queued devices, and SIGTERM
leaves every committed device pending until its own timer. Here a signal only sets a flag while device
work runs (shielded), so queued devices see it and do not start; outside device work (post-checks,
pauses between waves) it raises Interrupted at once. The stage that catches either reverts what it
committed and says so per device; a second signal meanwhile does not stop that revert.

The kernel hands a process's signal to any of its threads. Python runs its handler only in the main
thread, which sleeps while the workers run and is not woken when a worker took the signal, so the flag
alone would be set only after every queued device had started. The C-level handler also writes the
signal's number to a wakeup socket on whichever thread took it; the workers read that socket before
each device, so a stop is seen by the next device to start, whichever thread the signal went to.
"""

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived outside shielded device work."""


class Interrupt:
    """Whether a stop was asked for, and by which signal; the handler of a change run."""

    def __init__(self, wakeup: socket.socket | None = None) -> None:
        self.signal: str | None = None
        self._shielded = 0
        self._wakeup = wakeup
        self._reading = threading.Lock()

    @property
    def stopped(self) -> bool:
        if self.signal is None and self._wakeup is not None:
            self._read_wakeup(self._wakeup)
        return self.signal is not None

    def _read_wakeup(self, wakeup: socket.socket) -> None:
        """Note a SIGINT or SIGTERM whose C-level handler ran on any thread (other signals with Python
        handlers write their numbers here too)."""
        with self._reading:
            try:
                numbers = wakeup.recv(64)
            except BlockingIOError:
                return
        for number in numbers:
            if number in SIGNALS and self.signal is None:
                self.signal = signal.Signals(number).name

    def request(self, name: str) -> None:
        """Ask for a stop (what the signal handler does); raises unless device work is shielded."""
        self.signal = name
        if not self._shielded:
            raise Interrupted(name)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.request(signal.Signals(signum).name)

    @contextmanager
    def shield(self) -> Iterator[None]:
        """Device work: a signal meanwhile is noted, not raised, so no device is left mid-step."""
        self._shielded += 1
        try:
            yield
        finally:
            self._shielded -= 1

    @contextmanager
    def exposed(self) -> Iterator[None]:
        """Work between devices (post-checks) inside shielded work: a signal raises Interrupted here,
        as does a stop asked for before it began."""
        saved, self._shielded = self._shielded, 0
        try:
            if self.stopped:
                raise Interrupted(str(self.signal))
            yield
        finally:
            self._shielded = saved


@contextmanager
def interruptible(given: Interrupt | None = None) -> Iterator[Interrupt]:
    """The run's Interrupt, with SIGINT and SIGTERM routed to it for as long as the block runs.

    Nested runs share the outer one's (a migration's waves, say). Signals reach only the main thread;
    from any other thread the Interrupt is returned without handlers, and `request` stops it.
    """
    if given is not None:
        yield given
        return
    if threading.current_thread() is not threading.main_thread():
        yield Interrupt()
        return
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    interrupt = Interrupt(reader)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    previous = {number: signal.signal(number, interrupt.handle) for number in SIGNALS}
    try:
        yield interrupt
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(previous_fd)
        reader.close()
        writer.close()
