"""One apply at a time per inventory and target: a second concurrent apply is refused, not queued."""

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from fundament.errors import FundamentError
from fundament.paths import state_dir


class ApplyLockedError(FundamentError, RuntimeError):
    """Another apply holds the lock for the same inventory and target."""


@contextmanager
def apply_lock(inventory: Path, target: str) -> Iterator[None]:
    key = hashlib.sha256(f"{inventory.resolve()}|{target}".encode()).hexdigest()[:16]
    folder = state_dir() / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"apply-{target}-{key}.lock"
    owner = path.with_suffix(".owner")
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = owner.read_text(encoding="utf-8").strip() if owner.exists() else "unknown"
        raise ApplyLockedError(
            f"another apply on target {target} for {inventory} is running ({holder}); "
            f"wait for it to finish (lock: {path})"
        ) from None
    try:
        owner.write_text(f"pid {os.getpid()}", encoding="utf-8")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()
