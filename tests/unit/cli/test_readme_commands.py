"""Every `fundament ...` command written in a README code block exists, and takes the options written there.

Each is run with `--help` (nothing acts), so the READMEs and the CLI cannot drift apart again.
"""

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundament.app import app
from tests.root import REPO_ROOT

READMES = [REPO_ROOT / "README.md", *sorted(REPO_ROOT.glob("*/README.md"))]
_WORD = re.compile(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*")
_FLAG = re.compile(r"(?:^|[\s\[|(])(--?[a-zA-Z][\w-]*)")


def _written_commands(readme: Path) -> list[str]:
    """The `fundament ...` lines of the file's code blocks, without their trailing comments."""
    found, in_block = [], False
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            in_block = not in_block
        elif in_block and line.strip().startswith("fundament "):
            found.append(re.split(r"\s#", line.strip())[0])
    return found


def _parse(command: str) -> tuple[list[str], list[str], list[list[str]], list[str]]:
    """(global flags, sub-command words, every sub-command path the words spell, the command's flags)."""
    tokens = command.split()[1:]
    global_flags: list[str] = []
    while tokens and tokens[0].startswith("-"):
        global_flags.append(tokens.pop(0))
        if tokens and not _WORD.fullmatch(tokens[0]):
            tokens.pop(0)  # the option's value, e.g. DIR
    words: list[str] = []
    while tokens and _WORD.fullmatch(tokens[0]):
        words.append(tokens.pop(0))
    paths: list[list[str]] = [[]]
    for word in words:
        paths = [[*path, choice] for path in paths for choice in word.split("|")]
    return global_flags, words, paths, _FLAG.findall(" ".join(tokens))


CASES = [
    pytest.param(command, id=f"{readme.relative_to(REPO_ROOT)}: {command}")
    for readme in READMES
    for command in _written_commands(readme)
]


def test_the_readmes_show_commands() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("command", CASES)
def test_a_written_command_exists_with_its_options(command: str) -> None:
    global_flags, words, paths, flags = _parse(command)
    runner = CliRunner()
    root = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    for flag in global_flags:
        assert re.search(rf"{re.escape(flag)}\b", root.output), f"fundament has no global {flag}"
    assert words, "a command names at least one sub-command"
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, f"fundament {' '.join(path)}: {result.output}"
        for flag in flags:
            assert re.search(rf"{re.escape(flag)}\b", result.output), (
                f"fundament {' '.join(path)} has no {flag}"
            )
