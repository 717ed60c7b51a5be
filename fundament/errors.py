"""The root of failures a user can act on: the message says what is wrong and what to do about it.

Every domain error derives from `FundamentError`. The `fundament` command prints such an error (one line, or
with `--json` the one JSON error shape) and exits 1, wherever it is raised (fundament.cli.errors); anything
else is a bug and keeps its traceback.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class FundamentError(Exception):
    """A failure with a message meant for the person running fundament."""

    @property
    def headline(self) -> str:
        """The error in one line (the `error` of the JSON error shape)."""
        return str(self)

    def problems_as_data(self) -> list[dict[str, object]]:
        """Each problem found, for machines (the `problems` of the JSON error shape); none by default."""
        return []


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn an OSError while writing `target` into a one-line error naming the file that refused."""
    try:
        yield
    except OSError as error:
        raise FundamentError(f"{error.filename or target}: cannot write: {error.strerror or error}") from None
