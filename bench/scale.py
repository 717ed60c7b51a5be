"""Shared by the scale benches: generated designs of about 1k, 5k and 10k devices, and a command's time and
peak memory measured in a fresh process (start-up and imports count, as a user sees them)."""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from inventory import generate

ACCESS_PER_SITE = 5
SITES = {"1k": 166, "5k": 832, "10k": 1665}
"""Regional sites per size: 4 spines/border leaves + 4 leaves + sites x (1 WAN edge + 5 access switches)."""

FUNDAMENT = Path(sys.executable).parent / "fundament"


@contextmanager
def generated(sites: int) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        generate.write(generate.generate(sites, access_per_site=ACCESS_PER_SITE), Path(folder))
        yield Path(folder)


def measured(*arguments: str) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of `fundament arguments...`; exits on a failure."""
    with tempfile.TemporaryFile(mode="w+") as errors:  # a pipe would fill up with progress output and block
        started = time.perf_counter()
        process = subprocess.Popen([str(FUNDAMENT), *arguments], stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"fundament {' '.join(arguments)} failed: {errors.read()[-500:]}")
    return seconds, usage.ru_maxrss / 1024
