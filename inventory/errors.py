"""Problems found in a design, located in the YAML they came from."""

import re
from dataclasses import dataclass
from pathlib import Path

from fundament.errors import FundamentError

KeyPath = tuple[str | int, ...]


SHOWN_CHARACTERS = 40
"""The most of a file's text a message repeats: a key or value from a file that may hold anything."""


HIDDEN_KEY = "(a key that is no name)"
_NAME_LIKE = re.compile(r"[\w.<>-]+")


def shorten(text: str) -> str:
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


def _shown_key(key: str) -> str:
    # a line of a host file parses as a key (`root:$6$salt$hash:...:` ends in a colon): show a key only when
    # it looks like a name someone meant to write
    return shorten(key) if _NAME_LIKE.fullmatch(key) else HIDDEN_KEY


def format_key_path(path: KeyPath) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{_shown_key(part)}" if text else _shown_key(part)
    return text


@dataclass(frozen=True, order=True)
class Source:
    """Where a value was written: a file and, when the YAML parser tells, a 1-based line."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design, by key path (e.g. ("devices", 3, "asn")) into the merged design."""

    path: KeyPath
    message: str


@dataclass(frozen=True)
class LocatedProblem:
    source: Source
    path: KeyPath
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {format_key_path(self.path)}" if self.path else str(self.source)
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.source.file),
            "line": self.source.line,
            "path": format_key_path(self.path),
            "message": self.message,
        }


class DesignError(FundamentError):
    """The design is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[LocatedProblem]) -> None:
        self.problems = problems
        count = len(problems)
        self._headline = f"{count} problem{'s' if count != 1 else ''} in the design"
        super().__init__("\n".join([f"{self._headline}:"] + [f"  {p}" for p in problems]))

    @property
    def headline(self) -> str:
        return self._headline

    def problems_as_data(self) -> list[dict[str, object]]:
        return [problem.as_dict() for problem in self.problems]
