"""Exit codes, defined once; the README's table says the same (tests/unit/cli/test_exit_codes.py keeps them
in step)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Success: nothing to do, or everything done and verified."""
    FAILURE = 1
    """A check failed, a device refused a change, or the input is invalid."""
    CHANGES_PENDING = 2
    """`net plan` / `migrate plan`: the devices differ from the intended config. Also typer's usage errors."""
    WARNINGS = 3
    """`net verify`: no check failed, but some ended in a warning."""
