"""Problems found in a design, located in the YAML they came from."""

from dataclasses import dataclass
from pathlib import Path

KeyPath = tuple[str | int, ...]


def format_key_path(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
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


class DesignError(Exception):
    """The design is invalid; carries every problem found, not only the first."""

    def __init__(self, problems: list[LocatedProblem]) -> None:
        self.problems = problems
        count = len(problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in the design:"] + [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))
