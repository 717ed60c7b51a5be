"""The base of failures a user can act on: the message says what is wrong and what to do about it.

The `fundament` command prints such an error as one line and exits 1, wherever it is raised; anything
else is a bug and keeps its traceback.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class FundamentError(Exception):
    """A failure with a message meant for the person running fundament."""


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn an OSError while writing `target` into a one-line error naming the file that refused."""
    try:
        yield
    except OSError as error:
        raise FundamentError(f"{error.filename or target}: cannot write: {error.strerror or error}") from None
