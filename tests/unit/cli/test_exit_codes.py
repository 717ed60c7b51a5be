"""The README's exit-code table says what fundament.exitcodes defines."""

import re

from fundament.exitcodes import ExitCode
from tests.root import REPO_ROOT


def test_the_readme_table_lists_every_exit_code() -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = [int(code) for code in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)]
    assert rows == [code.value for code in ExitCode]
