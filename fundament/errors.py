"""The base of failures a user can act on: the message says what is wrong and what to do about it.

The `fundament` command prints such an error as one line and exits 1, wherever it is raised; anything
else is a bug and keeps its traceback.
"""


class FundamentError(Exception):
    """A failure with a message meant for the person running fundament."""
