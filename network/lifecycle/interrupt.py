"""SIGINT and SIGTERM during a change: noted at once, acted on where stopping leaves no device half-done.

Python's default (KeyboardInterrupt in the main thread, death on SIGTERM) is wrong for a change in
flight: the interrupt lands while Nornir's worker threads keep taking queued devices, and SIGTERM
leaves every committed device pending until its own timer. Here a signal only sets a flag while device
work runs (shielded), so queued devices see it and do not start; outside device work (post-checks,
pauses between waves) it raises Interrupted at once. The stage that catches either reverts what it
committed and says so per device; a second signal meanwhile does not stop that revert.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived outside shielded device work."""


class Interrupt:
    """Whether a stop was asked for, and by which signal; the handler of a change run."""

    def __init__(self) -> None:
        self.signal: str | None = None
        self._shielded = 0

    @property
    def stopped(self) -> bool:
        return self.signal is not None

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
            if self.signal is not None:
                raise Interrupted(self.signal)
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
    interrupt = Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield interrupt
        return
    previous = {number: signal.signal(number, interrupt.handle) for number in SIGNALS}
    try:
        yield interrupt
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
